"""`townsquare worker`: one background worker process (run several, on several machines).

It is django-tasks-db's `db_worker` with townsquare's defaults (every queue, no autoreload,
a readable worker id) plus the task lease of core/tasks_recovery.py: on start, and then
every few minutes, tasks left RUNNING by a worker that died are handed back to the queue.
Beside the task queue it runs the loops named in TOWNSQUARE_WORKER_LOOPS, each in its own
thread (the notification delivery engine: docs/notifications.md); with `--batch` it runs
them until they have nothing left to do, after the queue is empty.
See docs/operations.md and docs/adr/0001-background-work-and-delivery.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from townsquare.core import tasks_recovery

logger = logging.getLogger("townsquare.worker")

# How often a running worker looks for expired leases: often enough that a lost task waits
# little longer than the lease itself, rarely enough to cost nothing.
MAX_RECOVERY_PERIOD = 60.0
# How often a worker started by `townsquare serve` checks that `serve` is still there.
PARENT_CHECK_SECONDS = 1.0
# Time a loop gets to finish and record its current batch when the worker stops.
LOOP_STOP_SECONDS = 15.0


def default_worker_id() -> str:
    # Unique across the pool (host + pid) and readable in the admin's task list.
    return f"{socket.gethostname()[:40]}-{os.getpid()}"


class LeaseKeeper(threading.Thread):
    """Requeues expired tasks periodically, and stops the worker if its parent is gone.

    A thread rather than a hook in the worker loop because the loop sleeps and runs tasks
    for arbitrary lengths of time; this keeps its own schedule and its own DB connection.
    """

    def __init__(self, lease: int, parent_pid: int | None) -> None:
        super().__init__(name="townsquare-lease", daemon=True)
        self.lease = lease
        self.parent_pid = parent_pid
        self.period = min(MAX_RECOVERY_PERIOD, max(1.0, lease / 4))
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        last = time.monotonic()
        while not self._stop_event.wait(PARENT_CHECK_SECONDS):
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                logger.warning("The serving process is gone; stopping this worker.")
                os.kill(os.getpid(), signal.SIGTERM)  # the worker's own graceful shutdown
                return
            if time.monotonic() - last >= self.period:
                last = time.monotonic()
                self._recover()

    def _recover(self) -> None:
        try:
            tasks_recovery.requeue_expired(self.lease)
        except Exception:  # a database hiccup must not kill the thread; try next period
            logger.exception("Could not requeue expired tasks; will try again.")
        finally:
            connections.close_all()  # this thread's connections only


class Command(DbWorkerCommand):
    help = (
        "Run a background worker (every queue). Tasks left RUNNING longer than "
        "TOWNSQUARE_TASK_LEASE_SECONDS by a dead worker are run again."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lease", type=int, default=None,
            help="Seconds after which a RUNNING task is presumed lost and requeued "
                 "(default: TOWNSQUARE_TASK_LEASE_SECONDS, 600).",
        )
        # Set by `townsquare serve` so its worker never outlives it, even after a SIGKILL.
        parser.add_argument("--exit-with-parent", type=int, default=None,
                            help=argparse.SUPPRESS)
        parser.set_defaults(queue_name="*", reload=False, worker_id=default_worker_id())

    def handle(self, *args: Any, **options: Any) -> None:
        lease = options.pop("lease") or tasks_recovery.lease_seconds()
        parent_pid = options.pop("exit_with_parent")
        if lease <= 0:
            raise CommandError("--lease must be a positive number of seconds.")
        self.configure_logging(options["verbosity"])
        tasks_recovery.requeue_expired(lease)
        keeper = None
        loops = [import_string(path)(worker_id=f"{options['worker_id']}-{index}")
                 for index, path in enumerate(settings.TOWNSQUARE_WORKER_LOOPS)]
        if not options["batch"]:
            # A batch run lasts as long as the queue; the start-up recovery is enough.
            keeper = LeaseKeeper(lease, parent_pid)
            keeper.start()
            for loop in loops:
                loop.start()
        try:
            super().handle(*args, **options)
            if options["batch"]:
                for loop in loops:
                    loop.run_until_idle()
        finally:
            if keeper is not None:
                keeper.stop()
            for loop in loops:
                loop.stop()
            for loop in loops:
                if loop.ident is not None:
                    loop.join(LOOP_STOP_SECONDS)
