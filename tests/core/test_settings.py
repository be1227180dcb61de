"""Production settings pass Django's deployment checks; the embedded default is safe too."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from townsquare.settings import _email_settings


def _check_deploy(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {k: v for k, v in os.environ.items() if k not in dropped}
    environ.update({"TOWNSQUARE_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "townsquare.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ, capture_output=True, text=True, timeout=120, check=False,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _check_deploy(
        tmp_path,
        TOWNSQUARE_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="townsquare.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = _check_deploy(tmp_path, TOWNSQUARE_PRODUCTION="1", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_email_url_is_translated_into_smtp_settings():
    assert _email_settings("smtp://user:p%40ss@127.0.0.1:2525?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "user",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 10,
    }


def test_email_url_rejects_unknown_schemes():
    with pytest.raises(RuntimeError, match="EMAIL_URL must be smtp"):
        _email_settings("http://127.0.0.1")


def _database_options(tmp_path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    environ.update({"TOWNSQUARE_VAR_DIR": str(tmp_path), **env})
    code = "from townsquare import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True,
                            text=True, timeout=60, check=True)
    return result.stdout.strip()


@pytest.mark.parametrize(("switch", "threshold"), [(None, 5), ("1", 5), ("0", None)])
def test_postgresql_prepared_statements_can_be_turned_off_for_poolers(tmp_path, switch,
                                                                       threshold):
    env = {"DATABASE_URL": "postgres://someone@db.invalid:5432/townsquare"}
    if switch is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = switch

    options = _database_options(tmp_path, **env)
    assert options == repr({"prepare_threshold": threshold, "connect_timeout": 10})


def test_postgresql_connections_give_up_after_the_connect_timeout(tmp_path):
    # A worker facing a database that is gone waits this long per attempt, not for ever.
    options = _database_options(tmp_path, DATABASE_URL="postgres://someone@db.invalid/x",
                                DATABASE_CONNECT_TIMEOUT="3")
    assert options == repr({"prepare_threshold": 5, "connect_timeout": 3})


def test_sqlite_has_no_prepare_threshold(tmp_path):
    options = _database_options(tmp_path, DATABASE_URL="", DATABASE_PREPARED_STATEMENTS="1")

    assert "prepare_threshold" not in options
