"""Channel adapters: translate platform payloads to and from core types."""
