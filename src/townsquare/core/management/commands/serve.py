"""`townsquare serve`: the embedded default, in one command.

The ASGI application under uvicorn on 127.0.0.1, plus one `townsquare worker` child process
for the background tasks, restarted (with a growing pause) if it dies. Static files are
served by WhiteNoise (see settings). SIGTERM or SIGINT stops the server, then the worker,
and exits 0; a second one while it drains stops it at once. At scale run the web processes
and `townsquare worker`s separately instead (docs/operations.md).

Signal handlers here only set flags: a handler runs between two bytecodes of the main
thread, which may be inside a lock (an `Event.set`, a `Thread.join`) that the handler would
then wait for forever. The work a stop needs is done by uvicorn's loop (`main_loop`) and by
the `finally` of `handle`.

Client addresses: uvicorn does not read `X-Forwarded-For` (`proxy_headers=False`);
`REMOTE_ADDR` is always the peer, and Django takes the forwarded address only from the
proxies in `TOWNSQUARE_TRUSTED_PROXIES` (core/clientaddr.py), one rule for every server.

Links in mails and on postcards: without an explicit `SITE_URL`, the site is
`http://127.0.0.1:<port>` for this process and its worker (the environment it inherits).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.module_loading import import_string

from townsquare.core import shutdown

logger = logging.getLogger("townsquare.serve")

HOST = "127.0.0.1"  # the embedded default is for one machine; put a proxy in front of it
MIN_BACKOFF = 1.0
MAX_BACKOFF = 30.0
STABLE_SECONDS = 60.0  # a worker that ran this long resets the restart pause
WORKER_STOP_SECONDS = 20.0  # time the worker gets to finish its current task
POLL_SECONDS = 0.5
STOP_POLL_SECONDS = 0.1  # while the worker stops: how soon a second signal is noticed


class WorkerSupervisor(threading.Thread):
    """Keeps one worker child process alive until `stopping` is set."""

    def __init__(self, command: list[str], stopping: threading.Event,
                 env: dict[str, str] | None = None) -> None:
        super().__init__(name="townsquare-worker-supervisor", daemon=True)
        self.command = command
        self.env = env
        self.stopping = stopping
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restarts = 0

    def spawn(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            self.command, stdin=subprocess.DEVNULL, env=self.env)
        self.started_at = time.monotonic()
        logger.info("Started the background worker (pid %d).", self.process.pid)

    def run(self) -> None:
        backoff = MIN_BACKOFF
        while not self.stopping.is_set():
            assert self.process is not None
            try:
                code = self.process.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                continue
            if self.stopping.is_set():
                break
            if time.monotonic() - self.started_at >= STABLE_SECONDS:
                backoff = MIN_BACKOFF
            logger.error(
                "The background worker (pid %d) exited with code %s; restarting it in %.0f s.",
                self.process.pid, code, backoff,
            )
            if self.stopping.wait(backoff):
                break
            backoff = min(backoff * 2, MAX_BACKOFF)
            self.restarts += 1
            self.spawn()

    def shutdown(self, *, force: Callable[[], bool] = lambda: False) -> int | None:
        """Stop supervising, then stop the worker: SIGTERM, a grace period, then SIGKILL.
        `force` is asked while waiting: once it says yes (another stop signal), SIGKILL."""
        self.stopping.set()
        if self.ident is not None and threading.current_thread() is not self:
            self.join()  # started: wait until it can no longer spawn a worker
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
        deadline = time.monotonic() + WORKER_STOP_SECONDS
        killed = False
        while True:
            try:
                return process.wait(timeout=STOP_POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if killed:
                continue
            if force():
                process.kill()
                killed = True
            elif time.monotonic() >= deadline:
                logger.warning("The worker did not stop in %.0f s; killing it.",
                               WORKER_STOP_SECONDS)
                process.kill()
                killed = True


class _Server(uvicorn.Server):
    """uvicorn whose signal handler only sets flags; its loop tells the supervisor and
    ends the inbox streams once the first stop signal is seen."""

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # No locks, no calls that take one: only attribute writes (see the module doc).
        # The first signal asks for a graceful stop, any further one forces it (uvicorn's
        # own handler forces only on a second SIGINT). Unlike uvicorn's, this handler does
        # not record the signal to raise it again after the server stops: `handle`
        # finishes the stop itself.
        request_stop(self)

    async def main_loop(self) -> None:
        await super().main_loop()
        # Outside the signal handler now. Set before uvicorn drains connections, so a
        # worker that got the same Ctrl-C (same process group) is not restarted in the
        # meantime, and open inbox streams do not hold the drain for minutes.
        self.stopping.set()
        shutdown.run()  # what the apps registered (web: end the inbox streams)


def request_stop(server: uvicorn.Server) -> None:
    """What a stop signal does: a graceful stop the first time, a forced one after."""
    if server.should_exit:
        server.force_exit = True
    server.should_exit = True


def _site_url(port: int) -> str | None:
    """The site URL to use when the operator set none: this server's own address."""
    if os.environ.get("SITE_URL", "").strip():
        return None
    return f"http://{HOST}:{port}"


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise CommandError(f"Cannot listen on {HOST}:{port}: {exc.strerror}.") from exc
    sock.listen(2048)
    return sock


def _default_port() -> int:
    try:
        return int(os.environ.get("PORT") or 8000)
    except ValueError as exc:
        raise CommandError("PORT must be a number.") from exc


class Command(BaseCommand):
    help = (
        "Run the embedded default: the web server on 127.0.0.1 and a background worker. "
        "Stops cleanly on SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=None,
                            help="TCP port (default: $PORT, or 8000; 0 picks a free port).")

    def handle(self, *args: Any, port: int | None, **options: Any) -> None:
        port = _default_port() if port is None else port
        if not 0 <= port <= 65535:
            raise CommandError("The port must be between 0 and 65535.")
        self.check_migrations()  # prints a notice if `townsquare migrate` is needed
        # WhiteNoise serves from the apps here (no collectstatic), but warns on every start
        # if STATIC_ROOT does not exist.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        connections.close_all()  # request threads open their own

        sock = _bind(port)
        port = sock.getsockname()[1]
        site_url = _site_url(port)
        if site_url is not None:
            settings.SITE_URL = site_url  # this process's request threads
            os.environ["SITE_URL"] = site_url  # and the worker it starts
        stopping = threading.Event()
        supervisor = WorkerSupervisor(
            [sys.executable, "-m", "townsquare.cli", "worker",
             "--exit-with-parent", str(os.getpid())],
            stopping, env=dict(os.environ),
        )
        # The project's ASGI application, named by the settings (core knows no app).
        application = import_string(settings.ASGI_APPLICATION)
        config = uvicorn.Config(
            application, lifespan="off", log_config=None, timeout_graceful_shutdown=10,
            server_header=False,
            # The peer stays REMOTE_ADDR; Django reads X-Forwarded-For from trusted proxies
            # only (TOWNSQUARE_TRUSTED_PROXIES). uvicorn's default would trust 127.0.0.1,
            # so anything on this machine could pick its own address.
            proxy_headers=False,
        )
        server = _Server(config, stopping)

        def on_signal(sig: int, frame: FrameType | None) -> None:
            # Active outside server.run() (before it starts, and while the worker stops
            # after it): flags only, as in _Server.handle_exit. A second signal here
            # kills the worker instead of waiting for its current task.
            request_stop(server)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            supervisor.spawn()
            supervisor.start()
            self.stdout.write(f"townsquare is serving at http://{HOST}:{port}/ "
                              f"(worker pid {supervisor.process.pid}). Stop with Ctrl-C.")
            self.stdout.flush()
            if not server.should_exit:
                server.run(sockets=[sock])
        finally:
            sock.close()
            code = supervisor.shutdown(force=lambda: server.force_exit)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"Stopped (worker exit code {code}).")
