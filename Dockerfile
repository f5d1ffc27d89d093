# The image behind web, worker and beat in docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# gettext compiles the translations; libpq is for psycopg's diagnostics.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpq5 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt

COPY . .
# Build-time only: collectstatic and compilemessages need settings, not secrets.
RUN DJANGO_SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 CELERY_TASK_ALWAYS_EAGER=true \
    sh -c "python manage.py compilemessages --ignore=.venv && python manage.py collectstatic --noinput" \
    && python -m compileall -q /app \
    && mkdir -p /app/media /app/private && chown -R app:app /app/media /app/private

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
