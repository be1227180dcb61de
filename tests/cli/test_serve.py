"""`townsquare serve`: the web server and a worker child, stopped cleanly by a signal."""

from __future__ import annotations

import json
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


def start_serve(var_dir: Path, *, env: dict[str, str] | None = None,
                new_session: bool = False) -> Served:
    """`townsquare serve --port 0`, its output (stdout and stderr, the log) read by Served."""
    full_env = {k: v for k, v in command_env(var_dir).items() if k != "SITE_URL"}
    full_env.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "townsquare.cli", "serve", "--port", "0"],
        env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    return Served(process)


def stop_for_good(served: Served) -> None:
    if served.process.poll() is None:
        served.process.kill()
        served.process.wait(timeout=DEADLINE)
    for pid in children_of(served.process.pid):
        os.kill(pid, signal.SIGKILL)


def drain_output(served: Served) -> bytes:
    """Everything the process printed, once it has exited."""
    assert served.process.stdout is not None
    os.set_blocking(served.process.stdout.fileno(), True)
    served.output += served.process.stdout.read() or b""
    return served.output


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


@pytest.mark.parametrize("signals", [(signal.SIGTERM, signal.SIGTERM),
                                     (signal.SIGINT, signal.SIGTERM)])
def test_a_second_signal_forces_the_stop_of_a_draining_server(migrated_var_dir, signals):
    """A request that never finishes holds the graceful drain (up to its 10 s timeout);
    the second signal, of either kind, ends it at once, as uvicorn's message promises."""
    served = start_serve(migrated_var_dir)
    try:
        base = served.url()
        port = int(base.rsplit(":", 1)[1].strip("/"))
        wait_for(lambda: answers(base + "admin/login/"), "the server to answer")
        stalled = socket.create_connection(("127.0.0.1", port), timeout=5)
        # Django reads the whole body before it looks at anything: 100 bytes promised, 1 sent.
        stalled.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        served.process.send_signal(signals[0])
        wait_for(lambda: refuses_connections(port), "the server to stop listening")
        assert served.process.poll() is None  # still draining: the stalled request holds it

        served.process.send_signal(signals[1])

        assert served.process.wait(timeout=DEADLINE) == 0
        output = drain_output(served)
        assert b"timeout graceful shutdown exceeded" not in output  # forced, not timed out
        assert b"Stopped (worker exit code" in output
        stalled.close()
    finally:
        stop_for_good(served)


def test_serve_always_exits_on_two_signals_in_quick_succession(migrated_var_dir):
    """Two stop signals a moment apart, as when `make demo`'s process group is signalled
    twice: the server and its worker exit every time (the handlers only set flags)."""
    kinds = [(signal.SIGTERM, signal.SIGTERM, False), (signal.SIGINT, signal.SIGTERM, False),
             (signal.SIGTERM, signal.SIGTERM, True), (signal.SIGINT, signal.SIGINT, True),
             (signal.SIGTERM, signal.SIGINT, False)]
    for round_ in range(10):
        first, second, whole_group = kinds[round_ % len(kinds)]
        served = start_serve(migrated_var_dir, new_session=whole_group)
        try:
            base = served.url()
            worker = served.worker_pid
            wait_for(lambda: answers(base + "admin/login/"), "the server to answer")  # noqa: B023
            pid = served.process.pid
            send = (lambda sig: os.killpg(pid, sig)) if whole_group else (  # noqa: B023
                lambda sig: os.kill(pid, sig))  # noqa: B023
            send(first)
            send(second)

            try:
                code = served.process.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"round {round_}: serve did not exit after "
                                     f"{first.name} and {second.name}") from None
            assert code == 0, (round_, drain_output(served))
            wait_for(lambda: not is_running(worker), "the worker to exit")  # noqa: B023
        finally:
            stop_for_good(served)


def test_serve_makes_its_own_address_the_site_url_for_itself_and_its_worker(migrated_var_dir):
    served = start_serve(migrated_var_dir)
    try:
        base = served.url()
        worker = served.worker_pid
        environ = (Path("/proc") / str(worker) / "environ").read_bytes().split(b"\0")

        assert f"SITE_URL={base.rstrip('/')}".encode() in environ
        assert base != "http://127.0.0.1:8000/"
    finally:
        stop_for_good(served)


def test_an_explicit_site_url_is_kept(migrated_var_dir):
    served = start_serve(migrated_var_dir, env={"SITE_URL": "https://town.example"})
    try:
        served.url()
        worker = served.worker_pid
        environ = (Path("/proc") / str(worker) / "environ").read_bytes().split(b"\0")

        assert b"SITE_URL=https://town.example" in environ
    finally:
        stop_for_good(served)


def post_json(url: str, body: dict[str, object],
              headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 (our server)
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def mail_to(var_dir: Path, address: str) -> str | None:
    """The text of the first mail the worker wrote for `address` (file backend), if any."""
    for path in sorted((var_dir / "mail").glob("*")):
        text = path.read_text(errors="replace")
        if f"To: {address}" in text:
            return text
    return None


def test_links_in_mails_sent_by_the_worker_use_the_port_served(migrated_var_dir):
    """`make demo` with PORT=8123: the worker's mails link to 8123, not 8000."""
    address = f"port-{os.getpid()}-{time.monotonic_ns()}@example.org"
    made = townsquare(migrated_var_dir, "shell", "-c",
                      "from townsquare.accounts.models import User; "
                      f"User.objects.create_user(email='{address}', "
                      "password='a long enough passphrase', display_name='Port Test')")
    assert made.returncode == 0, made.stderr
    served = start_serve(migrated_var_dir)
    try:
        base = served.url()
        wait_for(lambda: answers(base + "admin/login/"), "the server to answer")

        status, _body = post_json(base + "api/v1/auth/password-reset", {"email": address})
        message = wait_for(lambda: mail_to(migrated_var_dir, address), "the worker's mail")

        assert status == 202
        assert f"{base}accounts/password-reset/" in str(message)
        assert "127.0.0.1:8000" not in str(message)
    finally:
        stop_for_good(served)


def test_serve_takes_no_client_address_from_x_forwarded_for(migrated_var_dir):
    """uvicorn would trust X-Forwarded-For from 127.0.0.1 by default: then anyone on the
    machine (or any request a local proxy passes on unchanged) picks a new rate-limit bucket
    per request. With no trusted proxies, every request here comes from 127.0.0.1."""
    limit = 3
    served = start_serve(migrated_var_dir, env={
        "TOWNSQUARE_RATE_PASSWORD_RESET_CLIENT": f"{limit}/3600",
        "TOWNSQUARE_TRUSTED_PROXIES": ""})
    try:
        base = served.url()
        wait_for(lambda: answers(base + "admin/login/"), "the server to answer")
        statuses = []
        for i in range(limit + 1):
            status, _body = post_json(
                base + "api/v1/auth/password-reset",
                {"email": f"xff-{os.getpid()}-{time.monotonic_ns()}@example.org"},
                headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})
            statuses.append(status)
            if status == 429:
                break

        # Earlier tests of this run may have used some of 127.0.0.1's allowance already.
        assert statuses[-1] == 429, statuses
        assert set(statuses[:-1]) <= {202}, statuses
    finally:
        stop_for_good(served)
