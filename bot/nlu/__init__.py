"""NLU adapter: Rasa HTTP client, managed Rasa server, training and evaluation."""
