"""Settings for development, and the base that test and production settings refine.

Everything comes from environment variables with a safe default, so that a fresh
clone runs with nothing configured: SQLite, Celery eager, debug on locally.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Only development has a default secret; production settings refuse to start without one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-development-only-key")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "import_export",
    "simple_history",
    "core",
    "institutions",
    "notifications",
    "metrics",
    "reviews",
    "dashboards",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.QueryParameterCheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "institutions.context_processors.language_switch",
                "core.context_processors.navigation",
                "core.context_processors.amount_unit",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`: concurrent writes wait for each other (a write transaction takes the
    # lock when it begins, and waits up to 20 s for it) instead of failing with
    # "database is locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "institutions.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 60 * 60)))

# Failed logins: lock a username+address pair after a few attempts for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And one address trying many user names (password spraying): a higher limit, so that a
# ministry behind one address is not locked out by a few mistyped passwords
# (core.login_throttle, over django-axes' log of failures).
AXES_HANDLER = "core.login_throttle.AddressLimitedHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
LOGIN_ADDRESS_WINDOW = timedelta(minutes=int(os.environ.get("LOGIN_ADDRESS_WINDOW_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Nothing the product stores is public: uploads go to PRIVATE_MEDIA_ROOT, which no URL
# serves (core.storage), and leave only through views that check the person.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_ROOT", BASE_DIR / "private"))
# Static files are served by whitenoise from the app folders in development too, so that
# `make run` works with debug off.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: spreadsheets up to 10 MB are accepted by the import; the request may carry
# a little more for the form fields around the file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Eager tasks run in a background thread started on commit (`make run`): an upload
# returns its job page at once, as it does with a worker (core.outbox).
TASKS_IN_THREAD = env_bool("TASKS_IN_THREAD", CELERY_TASK_ALWAYS_EAGER)
# Every task may safely run again (each checks its job's state, a recompute computes
# from the reports, sending skips what was sent): acknowledge after the work, so that
# the task of a worker that died mid-way is redelivered instead of lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With the broker down, a request must not wait on it: the task is recorded first
# (core.outbox) and the sweep sends it once the broker is back. So publishing tries
# twice at once (the second attempt on a fresh connection, for a pooled one that went
# stale when Redis restarted) and gives up, and connecting to a broker host that does
# not answer gives up after BROKER_CONNECT_TIMEOUT seconds (kombu's defaults: four
# attempts over about a second, each connection waiting up to 4 s).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
BROKER_CONNECT_TIMEOUT = float(os.environ.get("BROKER_CONNECT_TIMEOUT", "1"))
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
    # A task whose whole worker was killed (a prefork child that dies is requeued by its
    # worker at once) is delivered again by Redis after this many seconds. It must be
    # longer than any task runs, or a task still running is delivered a second time.
    "visibility_timeout": int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Periodic work (celery beat). Each app's tasks module names what it runs.
CELERY_BEAT_SCHEDULE: dict = {
    # Tasks whose sending failed (the broker was down) are sent again (core.outbox).
    "send-waiting-tasks": {"task": "core.send_waiting_tasks", "schedule": 60},
    "fail-stale-imports": {"task": "metrics.fail_stale_imports", "schedule": 15 * 60},
    "fail-silent-imports": {"task": "metrics.fail_silent_imports", "schedule": 60},
    "fail-silent-registry-uploads": {
        "task": "institutions.fail_silent_registry_uploads",
        "schedule": 60,
    },
    "fail-silent-contact-uploads": {
        "task": "surveys.fail_silent_contact_uploads",
        "schedule": 60,
    },
    "delete-old-uploads": {"task": "metrics.delete_old_uploads", "schedule": 24 * 60 * 60},
    # Japan time (CELERY_TIMEZONE), before the working day starts.
    "send-report-reminders": {
        "task": "metrics.send_report_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # The customer survey (surveys): close after the closing date, remind a week before,
    # erase the customers' names and addresses 30 days after closing.
    "close-due-surveys": {
        "task": "surveys.close_due_surveys",
        "schedule": crontab(hour=0, minute=30),
    },
    "send-survey-reminders": {
        "task": "surveys.send_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "erase-survey-contacts": {
        "task": "surveys.erase_contacts",
        "schedule": crontab(hour=1, minute=0),
    },
}


# Computed page data (core.cache), keyed by the data version: Redis when CACHE_URL names
# one (production: the broker's server, another database number), "dummy://" for no cache
# at all, else this process's memory (each worker its own; still never stale). A Redis
# that is down or slow to answer costs a page its cache, never the page itself
# (core.cache_backends): short socket timeouts, and uncached pages while it is away.
def cache_from_url(url: str) -> dict:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "core.cache_backends.FailSafeRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}


CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {"default": cache_from_url(CACHE_URL)}
# How long a page's data is kept (seconds); a write makes it unreachable at once anyway.
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", str(60 * 60)))

# E-mail (notifications): printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "TLO Review <noreply@localhost>")

IMPORT_EXPORT_USE_TRANSACTIONS = True

# The annual data collection (SPEC §3). Reports exist for fiscal years from an
# institution's approval year, or this year for one without (the IP headquarters
# programme began in FY2003), up to the current fiscal year.
REPORT_FIRST_FISCAL_YEAR = int(os.environ.get("REPORT_FIRST_FISCAL_YEAR", "2003"))
# Reminders to institutions that have not submitted: days before and after the deadline.
REPORT_REMINDER_DAYS_BEFORE = [
    int(d) for d in env_list("REPORT_REMINDER_DAYS_BEFORE", "14,3") if d.isdigit()
]
REPORT_REMINDER_DAYS_AFTER = [
    int(d) for d in env_list("REPORT_REMINDER_DAYS_AFTER", "1,7") if d.isdigit()
]
# The address of the site, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# SPEC §4: whoever sees anonymised data sees no aggregate over fewer institutions.
SMALL_GROUP_THRESHOLD = int(os.environ.get("SMALL_GROUP_THRESHOLD", "3"))
# Issue #14: an aggregate shown to anonymised readers where one institution makes up more
# than this share of the total is withheld (dominance, primary suppression).
DISCLOSURE_DOMINANCE = float(os.environ.get("DISCLOSURE_DOMINANCE", "0.8"))

# What each app contributes to shared pages (core.sections), in order: the header's
# links, the home page's panels, and the sections of an institution's page.
NAVIGATION: list[str] = [
    "dashboards.navigation.navigation",
    "metrics.navigation.navigation",
    "institutions.navigation.navigation",
    "notifications.navigation.navigation",
    "reviews.navigation.navigation",
    "surveys.navigation.navigation",
]
HOME_PANELS: list[str] = [
    "metrics.navigation.collection_panel",
    "institutions.navigation.home_panel",
    "reviews.navigation.home_panel",
    "notifications.navigation.home_panel",
]
INSTITUTION_PAGE_SECTIONS: list[str] = [
    "metrics.sections.reports_section",
    "metrics.sections.metrics_section",
    "reviews.sections.decision_section",
    "dashboards.sections.support_section",
]
# Sections under a reviewer's scoring page, called with user, institution, fiscal_year
# (the page has checked that the reviewer is assigned).
SCORING_PAGE_SECTIONS: list[str] = [
    "surveys.navigation.scoring_section",
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
