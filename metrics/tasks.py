"""Celery tasks of the metrics app: take primitive ids, load, call a service."""
