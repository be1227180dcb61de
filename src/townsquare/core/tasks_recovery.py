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
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("townsquare.worker")

DEFAULT_LEASE_SECONDS = 600


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
