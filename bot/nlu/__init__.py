"""Rasa adapter: HTTP client, managed server process, training and evaluation."""
