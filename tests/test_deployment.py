"""The production configuration: compose file, image recipe and settings."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _clean_environ() -> dict[str, str]:
    """The environment without what the browser tests set for their own process."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_file_is_valid(tmp_path):
    # A copy beside an .env of its own, as an operator would have it.
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / "Dockerfile", tmp_path / "Dockerfile")
    (tmp_path / ".env").write_text("DJANGO_SECRET_KEY=x\nPOSTGRES_PASSWORD=x\n")
    result = subprocess.run(
        ["docker-compose", "config"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    for service in ("web:", "worker:", "beat:", "db:", "redis:"):
        assert service in result.stdout
    assert "celery -A config worker" in result.stdout


def test_dockerfile_installs_gettext_and_compiles_translations():
    text = (ROOT / "Dockerfile").read_text()
    assert "gettext" in text
    assert "compilemessages" in text
    assert "collectstatic" in text


def _deploy_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        **_clean_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_production_settings_pass_deploy_check():
    result = _deploy_check({"DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-" + "z" * 30})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_broker():
    secret = {"DJANGO_SECRET_KEY": "s" * 60, "CELERY_BROKER_URL": ""}
    result = _deploy_check(secret)
    assert result.returncode != 0
    assert "CELERY_BROKER_URL" in result.stderr


def test_production_settings_run_tasks_in_process_only_when_asked():
    result = _deploy_check(
        {
            "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-" + "z" * 30,
            "CELERY_BROKER_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "true",
        }
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_missing_secret():
    result = _deploy_check({"DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_session_lifetime_at_most_12_hours():
    env = {
        **_clean_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "s" * 60,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "SESSION_COOKIE_AGE": str(7 * 24 * 3600),
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert result.stdout.split() == ["43200", "True", "True", "False"]


def test_make_run_links_in_mails_start_with_the_served_address():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    for target in ("run", "dev"):
        dry_run = subprocess.run(
            ["make", "-n", target, "HOST=0.0.0.0", "PORT=9001"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(x for x in dry_run.splitlines() if "runserver" in x)
        shell = subprocess.run(
            ["sh", "-c", line.split(" DJANGO_DEBUG")[0] + ' && echo "$SITE_URL"'],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert shell.stdout.strip() == "http://0.0.0.0:9001", target
