"""A real `townsquare worker` outlives database outages (PostgreSQL behind a real TCP proxy).

The worker process reaches the test database through a loopback proxy (proxy.py). The
proxy is stopped (the database went away: connections cut, new ones refused) or its live
connections are cut again and again (backends terminated); the worker must log, wait, carry
on, and then run a task and deliver an alert once the database is back, in the task loop
and in the delivery loop alike. Before, the task loop re-raised the OperationalError and the
process exited within a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.agencies.factories import make_staff, publish
from tests.faults.proxy import TcpProxy
from tests.notifications.sinks import SmtpSink
from townsquare.accounts import actions as accounts

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 60.0  # seconds any one wait may take before the test fails
POLL = 0.05

# The worker process must see what the test writes: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    if connection.vendor != "postgresql":
        pytest.skip("a TCP proxy needs a database server: run with DATABASE_URL=postgres://")
    params = connection.settings_dict
    with TcpProxy(params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432)) as running:
        yield running


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


class Worker:
    """A `townsquare worker` process whose database is behind the proxy."""

    def __init__(self, proxy: TcpProxy, smtp: SmtpSink, tmp_path: Path) -> None:
        params = connection.settings_dict
        auth = quote(params["USER"] or "postgres")
        if params["PASSWORD"]:
            auth += ":" + quote(params["PASSWORD"])
        url = f"postgres://{auth}@127.0.0.1:{proxy.port}/{params['NAME']}"
        env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "TOWNSQUARE_TESTING", "DJANGO_SETTINGS_MODULE"}}
        env.update({
            "DATABASE_URL": url, "TOWNSQUARE_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "townsquare.settings", "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT), "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "LOG_LEVEL": "WARNING", "TOWNSQUARE_WORKER_RETRY_MAX_SECONDS": "0.5",
            "DATABASE_CONNECT_TIMEOUT": "2", "TOWNSQUARE_DELIVERY_LEASE_SECONDS": "3",
            # A claim whose answer a cut lost leaves its task RUNNING until the lease.
            "TOWNSQUARE_TASK_LEASE_SECONDS": "8",
        })
        self.log_path = tmp_path / "worker.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "townsquare.cli", "worker", "--worker-id", "outage",
             "--interval", "0.1", "--no-startup-delay"],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture
def worker(proxy, smtp, tmp_path) -> Iterator[Worker]:
    process = Worker(proxy, smtp, tmp_path)
    try:
        yield process
    finally:
        process.stop()


def wait_for(condition: Any, what: str, worker: Worker) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.alive(), f"the worker exited while waiting for {what}:\n{worker.log}"
        time.sleep(POLL)
    raise AssertionError(f"timed out waiting for {what}:\n{worker.log[-3000:]}")


def invitation(roles: dict[str, Any], to: str) -> DBTaskResult:
    """Queue a real task (the e-mail of an invitation) and return it."""
    invitation, _token = accounts.invite_neighbor(roles["neighbor"], to)
    return DBTaskResult.objects.get(args_kwargs__kwargs__invitation_id=invitation.pk)


def task_done(task: DBTaskResult) -> bool:
    task.refresh_from_db()
    return task.status == TaskResultStatus.SUCCESSFUL


def received(smtp: SmtpSink, address: str) -> bool:
    with smtp.lock:
        return any(to == [address] for _sender, to in smtp.envelopes)


def works_again(worker: Worker, roles: dict[str, Any], police: Any, smtp: SmtpSink,
                tag: str) -> None:
    """The worker runs a task and delivers an alert (fan-out task, then delivery loop)."""
    task = invitation(roles, f"after-{tag}@example.org")
    wait_for(lambda: task_done(task), "a task after the outage", worker)
    wait_for(lambda: received(smtp, f"after-{tag}@example.org"), "the task's email", worker)
    resident = roles["neighbor"]
    publish(make_staff(police, "publisher", f"Pat {tag}"), police, kind="alert",
            title=f"Boil water ({tag})", body="Boil tap water before drinking it.",
            neighborhoods=["alder"])
    wait_for(lambda: received(smtp, resident.email), "the alert's email", worker)
    assert worker.alive()


def test_the_worker_outlives_a_database_that_went_away(proxy, worker, smtp, roles, police):
    first = invitation(roles, "before@example.org")
    wait_for(lambda: task_done(first), "the first task", worker)

    proxy.stop()  # the database went away: live connections cut, new ones refused
    # Longer than it took the old worker to exit: both loops have failed and waited again
    # and again (waits are capped at 0.5 s here).
    wait_for(lambda: worker.log.count("The database cannot be reached") >= 4
             and worker.log.count("Delivery cannot reach the database") >= 2,
             "both loops to fail repeatedly", worker)
    assert worker.alive()
    proxy.start()

    works_again(worker, roles, police, smtp, "restart")
    assert "The database is back" in worker.log


def test_the_worker_outlives_connections_cut_again_and_again(proxy, worker, smtp, roles,
                                                            police):
    first = invitation(roles, "before@example.org")
    wait_for(lambda: task_done(first), "the first task", worker)

    cuts, stop = [], threading.Event()

    def cutter() -> None:  # backends terminated every 0.3 s, as in the report
        while not stop.wait(0.3):
            cuts.append(proxy.cut())

    thread = threading.Thread(target=cutter, daemon=True)
    thread.start()
    try:
        # Through the storm the worker keeps claiming: more tasks are queued meanwhile.
        storm = [invitation(roles, f"storm{i}@example.org") for i in range(3)]
        wait_for(lambda: len(cuts) >= 12 and sum(cuts) >= 6, "a dozen rounds of cuts",
                 worker)
    finally:
        stop.set()
        thread.join()
    assert worker.alive()

    for task in storm:
        wait_for(lambda t=task: task_done(t), "the tasks queued during the cuts", worker)
    works_again(worker, roles, police, smtp, "cuts")


def test_a_worker_started_while_the_database_is_away_waits_for_it(proxy, smtp, roles,
                                                                  police, tmp_path):
    proxy.stop()
    worker = Worker(proxy, smtp, tmp_path)
    try:
        wait_for(lambda: worker.log.count("The database cannot be reached") >= 3,
                 "the task loop to fail repeatedly", worker)
        proxy.start()

        works_again(worker, roles, police, smtp, "start")
    finally:
        worker.stop()


def test_a_task_that_loses_its_connection_is_run_again_not_failed(proxy, worker, tmp_path):
    from tests.faults.tasks import lose_connection_once

    marker = tmp_path / "lost-once"
    result = lose_connection_once.enqueue(str(marker))
    task = DBTaskResult.objects.get(pk=result.id)

    wait_for(lambda: task_done(task), "the task's second run", worker)

    assert marker.read_text() == "ran once"
    assert task.return_value == "done"
    assert worker.alive()
