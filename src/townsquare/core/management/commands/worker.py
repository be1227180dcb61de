"""`townsquare worker`: one background worker process (run several, on several machines).

It is django-tasks-db's `db_worker` with townsquare's defaults (every queue, no autoreload,
a readable worker id) plus the task lease of core/tasks_recovery.py: on start, and then
every few minutes, tasks left RUNNING by a worker that died are handed back to the queue.
Beside the task queue it runs the loops named in TOWNSQUARE_WORKER_LOOPS, each in its own
thread (the notification delivery engine: docs/notifications.md); with `--batch` it runs
them until they have nothing left to do, after the queue is empty.

A running worker outlives the database: when the database cannot be reached (restarted,
failed over, a network cut) the task loop logs it, closes its connections, waits (doubling
up to TOWNSQUARE_WORKER_RETRY_MAX_SECONDS) and carries on, however long the outage lasts.
The library's loop lets the error end the process instead. Signal handlers only set a flag;
a second signal forces the exit.
See docs/operations.md and docs/adr/0001-background-work-and-delivery.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import signal
import socket
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.management.base import CommandError
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
)
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from townsquare.core import tasks_recovery
from townsquare.core.tasks_recovery import close_connections, retry_delay

logger = logging.getLogger("townsquare.worker")

# How often a running worker looks for expired leases: often enough that a lost task waits
# little longer than the lease itself, rarely enough to cost nothing.
MAX_RECOVERY_PERIOD = 60.0
# How often a worker started by `townsquare serve` checks that `serve` is still there.
PARENT_CHECK_SECONDS = 1.0
# Time a loop gets to finish and record its current batch when the worker stops.
LOOP_STOP_SECONDS = 15.0
# How often a sleeping worker looks at its stop flag.
SLEEP_SLICE_SECONDS = 0.1
# Times one task may lose its database connection before that counts as its own failure.
MAX_CONNECTION_LOSSES = 5


def default_worker_id() -> str:
    # Unique across the pool (host + pid) and readable in the admin's task list.
    return f"{socket.gethostname()[:40]}-{os.getpid()}"



class ResilientWorker(Worker):
    """django-tasks-db's worker loop, with database errors survived instead of raised.

    The library re-raises any OperationalError from its claim (only a locked SQLite
    database is retried), which ends the process the moment the database restarts. Here a
    database error anywhere in an iteration (claim, recording a result) is logged, the
    connections are closed and the loop waits (retry_delay) and goes on. A task that lost
    its connection, or whose result could not be recorded, is put back to READY once the
    database answers (every task is idempotent: core/tasks_recovery.py); one whose claim was
    cut off comes back after the task lease.

    Signal handlers only set `running = False` (the loop looks at it at least every
    SLEEP_SLICE_SECONDS while it waits): a handler that logs, raises or takes a lock can
    interrupt the very code that holds that lock. A second signal forces the exit.
    """

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            os._exit(1)  # the promised forced exit; leased work comes back after its lease
        self.running = False
        self.stop_signal = signum

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.running:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(SLEEP_SLICE_SECONDS, left))

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run the task and record its result, as the library does, except that a task
        that lost its database connection (OperationalError, InterfaceError) is not marked
        FAILED: the error goes up to the loop, which waits for the database and puts the
        task back to READY (every task is idempotent), up to MAX_CONNECTION_LOSSES times."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                return_value = task.call(TaskContext(task_result=task_result),
                                         *task_result.args, **task_result.kwargs)
            else:
                return_value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(return_value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except (OperationalError, InterfaceError) as exc:
            losses = self.connection_losses.get(db_task_result.pk, 0) + 1
            self.connection_losses[db_task_result.pk] = losses
            if losses <= MAX_CONNECTION_LOSSES:
                raise
            self._record_failure(db_task_result, exc)
        except BaseException as exc:
            self._record_failure(db_task_result, exc)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _record_failure(self, db_task_result: DBTaskResult, exc: BaseException) -> None:
        db_task_result.set_failed(exc)
        try:
            sender = type(db_task_result.task.get_backend())
            task_result = db_task_result.task_result
        except (ImportError, SuspiciousOperation):
            logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
        else:
            task_finished.send(sender=sender, task_result=task_result)

    def _claim(self) -> DBTaskResult | None:
        """Claim the next ready task (None: nothing to do, or the database is locked)."""
        close_old_connections()  # dropped or expired connections, right after waking up
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # so no other worker runs it
            except DatabaseError as exc:
                if is_locked_database_exception(exc):  # SQLite busy: it unlocks soon
                    return None
                raise
        return task_result

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id,
                    ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            # A random small delay, so a fleet started at once does not poll in step.
            self._sleep(random.random())  # noqa: S311 (not security)
        failures = 0
        unfinished: set[Any] = set()
        self.connection_losses: dict[Any, int] = {}
        while self.running:
            task_result = None
            try:
                if unfinished:
                    # A task whose result could not be recorded: run it again now rather
                    # than after the task lease.
                    tasks_recovery.requeue(unfinished)
                    unfinished.clear()
                task_result = self._claim()
                if task_result is not None:
                    self.run_task(task_result)
            except DatabaseError as exc:
                if task_result is not None:
                    unfinished.add(task_result.pk)
                if self.batch:  # a one-off run reports the failure instead of waiting
                    raise
                failures += 1
                delay = retry_delay(failures)
                logger.warning("The database cannot be reached (%s: %s); trying again "
                               "in %.1f s.", type(exc).__name__, str(exc).strip()[:200], delay)
                close_connections()
                self._sleep(delay)
                continue
            if failures:
                logger.warning("The database is back after %d failed attempt(s).", failures)
                failures = 0
            if self.batch and task_result is None:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.",
                            self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                            self._run_tasks, self.worker_id)
                return
            if self.running and task_result is None:
                self._sleep(self.interval)
        logger.warning("Received %s - stopped gracefully.",
                       signal.strsignal(getattr(self, "stop_signal", signal.SIGTERM)))


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
            close_connections()  # this thread's connections only (a broken one may fail)


def run_loops_until_idle(loops: list[Any], max_rounds: int = 10) -> None:
    """`--batch`: run every loop until a round in which none of them had work, so the rows
    one loop writes (a fan-out's deliveries) are sent by another (the delivery loop) in the
    same run."""
    for _round in range(max_rounds):
        if not any([loop.run_until_idle() for loop in loops]):
            return


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
        try:
            tasks_recovery.requeue_expired(lease)
        except DatabaseError:
            if options["batch"]:
                raise
            # The lease keeper tries again in a few minutes; the loop waits for the database.
            logger.exception("Could not requeue expired tasks at start; will try again.")
            close_connections()
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
            self.run_worker(**options)
            if options["batch"]:
                run_loops_until_idle(loops)
        finally:
            if keeper is not None:
                keeper.stop()
            for loop in loops:
                loop.stop()
            for loop in loops:
                if loop.ident is not None:
                    loop.join(LOOP_STOP_SECONDS)

    def run_worker(self, *, queue_name: str, exclude_queues: str, interval: float,
                   batch: bool, backend_name: str, startup_delay: bool, reload: bool,
                   max_tasks: int | None, worker_id: str, **_options: Any) -> None:
        """What db_worker's handle() does, with ResilientWorker as the loop."""
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
            worker_id=worker_id, excluded_queue_names=excluded)
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":  # the reloader's child
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
