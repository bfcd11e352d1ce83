"""The HTTP server: web chat page, health checks (later: the officers' dashboard)."""
