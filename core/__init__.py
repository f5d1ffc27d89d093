"""Small helpers every app shares: workflow tables, downloads, private files, history.

The lowest layer: it imports no app of the project (institutions ← metrics ← reviews
all build on it).
"""
