"""Tasks for the fault tests, run by a real worker process (imported by path)."""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from django_tasks import task


@task()
def lose_connection_once(marker: str) -> str:
    """The first run ends its own database backend mid-task (as a restart would); a run
    after that succeeds. Idempotent like every task: a marker file tells the runs apart."""
    path = Path(marker)
    if not path.exists():
        path.write_text("ran once")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "done"
