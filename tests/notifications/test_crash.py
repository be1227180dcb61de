"""Crash safety with real worker processes: SIGKILL one in the middle of a city-wide alert,
start another, and every message is delivered; repeats only for what the dead worker held
(`sending`), with the same Message-ID. SIGKILL one in the middle of the fan-out itself, and
the next worker takes the fan-out over once its short lease has run out (not the task
lease), resuming where it stopped. On PostgreSQL, two workers at once claim disjoint work
(FOR UPDATE SKIP LOCKED). Each database is a file (SQLite) or a database (PostgreSQL) of its
own: worker processes cannot see a test's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.notifications.sinks import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
RESIDENTS = 3000
DEADLINE = 120.0  # seconds any one wait may take before the test fails
POLL = 0.02


class World:
    """A database of its own, migrated, with N residents and one alert fanned out."""

    def __init__(self, url: str, var_dir: Path) -> None:
        self.url, self.var_dir = url, var_dir
        self.post = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "TOWNSQUARE_TESTING", "DJANGO_SETTINGS_MODULE"}}
        env.update({"DATABASE_URL": self.url, "TOWNSQUARE_VAR_DIR": str(self.var_dir),
                    "DJANGO_SETTINGS_MODULE": "townsquare.settings", "PYTHONUNBUFFERED": "1",
                    "PYTHONPATH": str(ROOT), **extra})
        return env

    def run(self, *args: str, **extra: str) -> str:
        result = subprocess.run([sys.executable, *args], env=self.env(**extra), cwd=ROOT,
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def worker(self, smtp_port: int, name: str, **extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "townsquare.cli", "worker", "--worker-id", name],
            env=self.env(EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
                         TOWNSQUARE_DELIVERY_LEASE_SECONDS="3",
                         TOWNSQUARE_DELIVERY_BATCH="50", LOG_LEVEL="WARNING", **extra),
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlsplit(self.url).path, timeout=20) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(_libpq(self.url)) as conn:
            return conn.execute(sql).fetchall()

    def states(self) -> Counter[str]:
        return Counter(dict(self.query(
            "SELECT state, COUNT(*) FROM notifications_delivery GROUP BY state")))

    def poll(self, sql: str, condition: Any, what: str) -> list[tuple[Any, ...]]:
        """Run `sql` until `condition(rows)` holds; the rows."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            rows = self.query(sql)
            if condition(rows):
                return rows
            time.sleep(POLL)
        raise AssertionError(f"timed out waiting for {what}: {self.query(sql)}")

    def wait_for(self, condition: Any, what: str) -> Counter[str]:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            states = self.states()
            if condition(states):
                return states
            time.sleep(POLL)
        raise AssertionError(f"timed out waiting for {what}: {dict(self.states())}")


def _libpq(url: str) -> str:
    return urlsplit(url)._replace(scheme="postgresql").geturl()


def moment(value: Any) -> dt.datetime:
    """A timestamp read from either database, as an aware datetime (SQLite stores UTC text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@contextmanager
def world_on(vendor: str, tmp_path: Path, *, fan_out: bool = True) -> Iterator[World]:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    created = None
    if vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    else:
        source = os.environ.get("DATABASE_URL", "")
        if not source.startswith("postgres"):
            pytest.skip("PostgreSQL: run with DATABASE_URL=postgres://...")
        import psycopg

        created = f"townsquare_crash_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(_libpq(source), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        url = urlsplit(source)._replace(path=f"/{created}").geturl()
    world = World(url, var_dir)
    try:
        world.run("-m", "townsquare.cli", "migrate", "--noinput", "-v", "0")
        report = json.loads(world.run("-m", "tests.notifications.crash_world",
                                      str(RESIDENTS), *([] if fan_out else ["--no-fan-out"]),
                                      TOWNSQUARE_TESTING="1"))
        assert report["deliveries"] == (RESIDENTS if fan_out else 0)
        world.post = report["post"]
        yield world
    finally:
        if created is not None:
            import psycopg

            with psycopg.connect(_libpq(os.environ["DATABASE_URL"]), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


@contextmanager
def running(process: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def message_ids_by_delivery(world: World) -> dict[str, tuple[int, str]]:
    """Message-ID -> (delivery id, recipient email)."""
    rows = world.query("SELECT d.message_id, d.id, u.email FROM notifications_delivery d "
                       "JOIN accounts_user u ON u.id = d.recipient_id")
    return {mid: (pk, email) for mid, pk, email in rows}


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_alert_loses_nothing_and_repeats_only_what_it_held(
        vendor, tmp_path):
    with world_on(vendor, tmp_path) as world, SmtpSink() as smtp:
        with running(world.worker(smtp.port, "doomed")) as doomed:
            world.wait_for(lambda s: 200 <= s["delivered"] < RESIDENTS - 500,
                           "the first worker to be mid-way")
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(30)
        at_kill = world.states()
        held = {row[0] for row in world.query(
            "SELECT message_id FROM notifications_delivery WHERE state = 'sending'")}
        assert 0 < at_kill["delivered"] < RESIDENTS, at_kill
        assert sum(at_kill.values()) == RESIDENTS

        with running(world.worker(smtp.port, "rescuer")):
            world.wait_for(lambda s: s["delivered"] == RESIDENTS, "every delivery")

        by_id = message_ids_by_delivery(world)
        received = Counter(smtp.message_ids())
        assert set(received) == set(by_id)  # every delivery reached the server
        repeated = {mid for mid, n in received.items() if n > 1}
        assert repeated <= held, "only what the dead worker held may be repeated"
        assert all(n <= 2 for n in received.values())
        assert len(smtp.messages) == RESIDENTS + len(repeated)
        for message, (_sender, rcpts) in zip(smtp.messages, smtp.envelopes, strict=True):
            assert rcpts == [by_id[message["Message-ID"]][1]]  # each ID to its recipient
        attempts = dict(world.query("SELECT attempts, COUNT(*) FROM notifications_delivery "
                                    "GROUP BY attempts"))
        assert sum(attempts.values()) == RESIDENTS and set(attempts) <= {1, 2}


# Small fan-out steps with a pause between them (for fault tests only), so the kill lands
# mid-way; a 2 s fan-out lease; the task lease as in production, so only the fan-out's own
# lease can bring the work back within this test.
FAN_OUT_STEP, FAN_OUT_LEASE = 100, 2
SLOW_FAN_OUT = {"TOWNSQUARE_FANOUT_STEP": str(FAN_OUT_STEP),
                "TOWNSQUARE_FANOUT_LEASE_SECONDS": str(FAN_OUT_LEASE),
                "TOWNSQUARE_FANOUT_STEP_PAUSE_SECONDS": "0.2",
                "TOWNSQUARE_TASK_LEASE_SECONDS": "600"}
JOB = ("SELECT written, leased_by, leased_until, finished_at, takeovers "
       "FROM notifications_fanoutjob")


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_fan_out_is_taken_over_after_the_fan_out_lease(vendor, tmp_path):
    with world_on(vendor, tmp_path, fan_out=False) as world, SmtpSink() as smtp:
        with running(world.worker(smtp.port, "doomed", **SLOW_FAN_OUT)) as doomed:
            # The doomed worker (its fan-out loop, "doomed-…", or its task runner, named
            # after its pid) holds the job and is a few steps in, far from the end.
            holders = ("doomed", f"-{doomed.pid}-")
            world.poll(JOB, lambda rows: any(h in rows[0][1] for h in holders)
                       and 2 * FAN_OUT_STEP <= rows[0][0] <= RESIDENTS // 2,
                       "the doomed worker to be mid-way through the fan-out")
            killed_at = dt.datetime.now(dt.UTC)
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(30)
        [(written, _holder, leased_until, finished_at, _takeovers)] = world.query(JOB)
        before = {pk for (pk,) in world.query("SELECT id FROM notifications_delivery")}
        held = {mid for (mid,) in world.query(
            "SELECT message_id FROM notifications_delivery WHERE state = 'sending'")}
        assert finished_at is None
        assert len(before) == written < RESIDENTS  # each committed step moved the cursor

        with running(world.worker(smtp.port, "rescuer", **SLOW_FAN_OUT)) as rescuer:
            world.wait_for(lambda s: s["delivered"] == RESIDENTS, "every delivery")

        [(written, holder, _until, finished_at, takeovers)] = world.query(JOB)
        assert (written, takeovers) == (RESIDENTS, 1) and finished_at is not None
        assert holder.startswith("rescuer") or f"-{rescuer.pid}-" in holder
        # No recipient lost, none with two rows; every one got the email (repeats only of
        # what the dead worker held, with the same Message-ID).
        per_recipient = world.query("SELECT recipient_id, COUNT(*) FROM notifications_delivery "
                                    "GROUP BY recipient_id")
        assert len(per_recipient) == RESIDENTS and {n for _r, n in per_recipient} == {1}
        received = Counter(smtp.message_ids())
        assert set(received) == set(message_ids_by_delivery(world))
        assert {mid for mid, n in received.items() if n > 1} <= held
        # The rows after the kill were written once the dead worker's fan-out lease had run
        # out (the lease was honoured), and the first of their emails left well within the
        # 30 s the issue asks for: the 600 s task lease played no part.
        after = world.query("SELECT id, queued_at, delivered_at FROM notifications_delivery")
        resumed = [(moment(q), moment(d)) for pk, q, d in after if pk not in before]
        assert len(resumed) == RESIDENTS - len(before)
        assert min(q for q, _d in resumed) >= moment(leased_until)
        assert min(d for _q, d in resumed) - killed_at < dt.timedelta(seconds=30)


def test_two_workers_at_once_claim_disjoint_work(tmp_path):
    with world_on("postgresql", tmp_path) as world, SmtpSink() as smtp:
        with running(world.worker(smtp.port, "left")), running(world.worker(smtp.port,
                                                                             "right")):
            world.wait_for(lambda s: s["delivered"] == RESIDENTS, "every delivery")

        received = Counter(smtp.message_ids())
        assert len(smtp.messages) == RESIDENTS  # nothing handed over twice
        assert set(received.values()) == {1}
        assert set(received) == set(message_ids_by_delivery(world))
        by_worker = dict(world.query("SELECT leased_by, COUNT(*) FROM notifications_delivery "
                                     "GROUP BY leased_by"))
        assert sorted(by_worker) == ["left-0", "right-0"]  # both took a share
        assert sum(by_worker.values()) == RESIDENTS
        assert world.query("SELECT MAX(attempts) FROM notifications_delivery") == [(1,)]
