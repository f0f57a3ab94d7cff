"""Route modules for fixture_server.py: each defines ROUTES = [(prefix, handler)]."""
