"""`townsquare serve`: the web server and a worker child, stopped cleanly by a signal."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import command_env, townsquare

DEADLINE = 60.0  # seconds; every wait below polls and returns as soon as it can


def wait_for(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> object:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        result = condition()
        if result:
            return result
        time.sleep(0.05)  # a polling interval, not a fixed wait for something to happen
    raise AssertionError(f"timed out waiting for {what}")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces, so split after ")".
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> list[str]:
    return (Path("/proc") / str(pid) / "cmdline").read_text().split("\0")


def is_running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our server)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Served:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.output = b""
        self._selector = selectors.DefaultSelector()
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        self._selector.register(process.stdout, selectors.EVENT_READ)

    def read_until(self, pattern: bytes, timeout: float = DEADLINE) -> re.Match[bytes]:
        end = time.monotonic() + timeout
        while (match := re.search(pattern, self.output)) is None:
            left = end - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                raise AssertionError(f"serve did not print {pattern!r}: {self.output!r}")
            for key, _ in self._selector.select(timeout=left):
                self.output += key.fileobj.read() or b""  # type: ignore[union-attr]
        return match

    @property
    def worker_pid(self) -> int:
        return int(self.read_until(rb"worker pid (\d+)").group(1))

    def url(self) -> str:
        return self.read_until(rb"(http://127\.0\.0\.1:\d+/)").group(1).decode()


@pytest.fixture
def served(migrated_var_dir: Path) -> Iterator[Served]:
    process = subprocess.Popen(
        [sys.executable, "-m", "townsquare.cli", "serve", "--port", "0"],
        env=command_env(migrated_var_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    serving = Served(process)
    yield serving
    if process.poll() is None:  # a failed test must not leave servers behind
        process.kill()
        process.wait(timeout=DEADLINE)
    for pid in children_of(process.pid):
        os.kill(pid, signal.SIGKILL)


def answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_http_runs_a_worker_and_stops_on_a_signal(served, stop_signal):
    base = served.url()
    worker = served.worker_pid
    wait_for(lambda: answers(base + "admin/login/"), "the server to answer")

    status, page = get(base + "admin/login/")
    static_status, css = get(base + "static/admin/css/base.css")

    assert status == 200 and b"townsquare operators" in page
    assert static_status == 200 and b"body" in css  # WhiteNoise serves static files
    assert children_of(served.process.pid) == [worker]
    assert cmdline(worker)[2:5] == ["townsquare.cli", "worker", "--exit-with-parent"]

    served.process.send_signal(stop_signal)

    assert served.process.wait(timeout=DEADLINE) == 0
    assert not is_running(worker)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1].strip("/"))),
                                 timeout=5).close()


def test_serve_restarts_a_worker_that_dies(served):
    served.url()
    first = served.worker_pid

    os.kill(first, signal.SIGKILL)
    second = wait_for(lambda: [p for p in children_of(served.process.pid) if p != first],
                      "a new worker")

    assert second != [first] and len(second) == 1
    assert cmdline(second[0])[3] == "worker"
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=DEADLINE) == 0


def test_serve_refuses_a_busy_port(migrated_var_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        result = townsquare(migrated_var_dir, "serve", "--port", str(port))

    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr


def test_the_worker_does_not_outlive_a_killed_server(served):
    served.url()
    worker = served.worker_pid

    served.process.kill()  # no chance to clean up: the worker must notice by itself
    served.process.wait(timeout=DEADLINE)

    wait_for(lambda: not is_running(worker), "the orphaned worker to exit")
