"""The task lease: give a crashed worker's tasks back to the queue.

django-tasks-db marks a task RUNNING when a worker claims it and only moves it on when the
worker finishes it. A worker that is killed (OOM, SIGKILL, a machine lost) leaves its task
RUNNING for ever. So every worker, when it starts and then periodically, puts back to READY
every task that has been RUNNING for longer than the lease (TOWNSQUARE_TASK_LEASE_SECONDS),
and the next free worker runs it again.

This is safe because every townsquare task is idempotent (each task's docstring says why):
running one twice, or finishing a run that the lease already handed to another worker,
does no harm. A task that can legitimately run longer than the lease would be started
twice, so keep tasks well under it (see docs/operations.md).

It also holds what every worker loop does when the database cannot be reached: wait
(`retry_delay`), drop its connections (`close_connections`) and try again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("townsquare.worker")

DEFAULT_LEASE_SECONDS = 600
# The first wait after the database could not be reached; it doubles up to the setting.
FIRST_RETRY_SECONDS = 0.5


def retry_delay(failures: int) -> float:
    """Seconds to wait after `failures` database errors in a row: doubling, capped at
    TOWNSQUARE_WORKER_RETRY_MAX_SECONDS, however long the outage lasts."""
    cap = float(settings.TOWNSQUARE_WORKER_RETRY_MAX_SECONDS)
    return min(cap, FIRST_RETRY_SECONDS * 2 ** min(max(0, failures - 1), 16))


def close_connections() -> None:
    """Drop this thread's database connections; a broken one may fail to close."""
    try:
        connections.close_all()
    except DatabaseError:
        logger.debug("closing a broken database connection failed", exc_info=True)


def lease_seconds() -> int:
    return int(getattr(settings, "TOWNSQUARE_TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def requeue_expired(lease: int | None = None, *, now: dt.datetime | None = None) -> int:
    """Put RUNNING tasks claimed more than `lease` seconds ago back to READY; return how many.

    One conditional UPDATE, so several workers doing this at once cannot double-count, and a
    task that finishes meanwhile (status no longer RUNNING) is left alone.
    """
    lease = lease_seconds() if lease is None else lease
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=lease)
    count = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning(
            "Requeued %d task(s) left RUNNING for more than %d s by a worker that stopped.",
            count, lease,
        )
    return count


def requeue(ids: Iterable[Any]) -> int:
    """Put these tasks back to READY if they are still RUNNING (a worker that ran one but
    could not record its result, the database being away, hands it back at once)."""
    count = DBTaskResult.objects.filter(
        pk__in=list(ids), status=TaskResultStatus.RUNNING
    ).update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning("Requeued %d task(s) whose result could not be recorded.", count)
    return count
