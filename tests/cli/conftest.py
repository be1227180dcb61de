"""Run the `townsquare` command as a separate process against its own var dir and SQLite.

These processes never see the test database: they get a fresh var directory (and the
SQLite file in it), and DATABASE_URL is removed so a PostgreSQL test run cannot leak in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def command_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "TOWNSQUARE_TESTING", "DJANGO_SETTINGS_MODULE", "PORT"}}
    env.update({"TOWNSQUARE_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "townsquare.settings",
                "PYTHONUNBUFFERED": "1"})
    return env


def townsquare(var_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "townsquare.cli", *args], env=command_env(var_dir),
        capture_output=True, text=True, timeout=timeout, check=False,
    )


@pytest.fixture(scope="session")
def migrated_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var directory with a migrated SQLite database, made once per session."""
    var_dir = tmp_path_factory.mktemp("townsquare-var")
    result = townsquare(var_dir, "migrate", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr
    return var_dir
