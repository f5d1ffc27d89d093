"""Production settings: the base settings, tightened. Nothing here loosens them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHE_URL, cache_from_url, env_bool

DEBUG = False

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 50 random characters.")

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must point at the PostgreSQL database.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# The containers' own health check speaks plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = min(SESSION_COOKIE_AGE, 12 * 60 * 60)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Metrics are recomputed and e-mail is sent by Celery: without a broker, accepted
# reports would queue work that nobody runs and figures would go stale silently. Running
# tasks in the web process instead must be asked for on purpose.
if os.environ.get("CELERY_BROKER_URL"):
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
elif env_bool("CELERY_TASK_ALWAYS_EAGER", False):
    CELERY_TASK_ALWAYS_EAGER = True
else:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must point at the Redis broker "
        "(or set CELERY_TASK_ALWAYS_EAGER=true to run tasks in the web process on purpose)."
    )

# Page data is cached in Redis: CACHE_URL, else the broker's server with database
# CACHE_REDIS_DB (1 unless told), so that the three web workers share one cache.
_broker = os.environ.get("CELERY_BROKER_URL", "")
if not CACHE_URL and _broker.startswith(("redis://", "rediss://")):
    _server = _broker.rsplit("/", 1)[0] if _broker.count("/") > 2 else _broker
    CACHES = {"default": cache_from_url(f"{_server}/{int(os.environ.get('CACHE_REDIS_DB', '1'))}")}
