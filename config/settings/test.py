"""Settings for the test suite: the base settings, made fast and deterministic.

DATABASE_URL and CELERY_BROKER_URL still apply, so CI runs against PostgreSQL and Redis.
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
# In the calling thread, so that tests see the outcome when the commit's callbacks ran.
TASKS_IN_THREAD = False
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
AXES_FAILURE_LIMIT = 3
LANGUAGE_CODE = "ja"
# Uploads written by tests never land in the work tree (tests/conftest.py moves them per
# test too).
PRIVATE_MEDIA_ROOT = Path(tempfile.gettempdir()) / "tlo-review-test-private"
# The test database is SQLite in memory with a shared cache, which locks tables instead
# of waiting for a busy timeout: there, immediate transactions would make a test's real
# worker thread fail. tests/metrics/test_sqlite_concurrent_accepts.py checks them on a
# file database with the embedded default settings.
DATABASES["default"].get("OPTIONS", {}).pop("transaction_mode", None)  # noqa: F405
