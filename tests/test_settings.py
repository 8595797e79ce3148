"""Settings come from the environment; production mode passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7#kq2!vz9@pl4$wm8&rt6^yb3*nc5(hd1)ge0-fj_su+oa=ix~" * 2,
    "DJANGO_ALLOWED_HOSTS": "calcuingo.example.org",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Start from the embedded defaults, whatever services this test run itself uses.
    configured = ("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(configured)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "calcuingo.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_value(expression: str, **env: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_is_clean_in_production_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_without_database_url_the_project_uses_a_sqlite_file():
    engine = settings_value("settings.DATABASES['default']['ENGINE']")

    assert engine == "django.db.backends.sqlite3"


def test_a_postgres_url_uses_psycopg_with_a_pool_of_the_configured_size():
    url = "postgres://u:p@db.internal:5432/calcuingo"
    default = settings_value("settings.DATABASES['default']['OPTIONS']['pool']", DATABASE_URL=url)
    sized = settings_value(
        "settings.DATABASES['default']['OPTIONS']['pool']['max_size']",
        DATABASE_URL=url,
        DATABASE_POOL_SIZE="7",
    )

    assert "'max_size': 20" in default
    assert sized == "7"


def test_without_redis_url_the_cache_is_local_memory_and_with_it_redis():
    assert settings_value("settings.CACHES['default']['BACKEND']").endswith("LocMemCache")
    assert (
        settings_value("settings.CACHES['default']['BACKEND']", REDIS_URL="redis://r:6379/0")
        == "django_redis.cache.RedisCache"
    )


def test_without_a_broker_tasks_run_eagerly():
    assert settings_value("settings.CELERY_TASK_ALWAYS_EAGER") == "True"
    assert (
        settings_value("settings.CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL="redis://r:6379/2")
        == "False"
    )


def test_without_email_url_mail_goes_to_the_console():
    assert (
        settings_value("settings.EMAIL_BACKEND") == "django.core.mail.backends.console.EmailBackend"
    )
    assert (
        settings_value("settings.EMAIL_BACKEND", EMAIL_URL="smtp://u:p@mail.example.org:587")
        == "django.core.mail.backends.smtp.EmailBackend"
    )


@pytest.mark.parametrize(
    ("name", "value"), [("DJANGO_DEBUG", "maybe"), ("DATABASE_POOL_SIZE", "0")]
)
def test_a_malformed_setting_fails_loudly(name, value):
    result = run_python("import django; django.setup()", **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
