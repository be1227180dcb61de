"""`townsquare serve`: the embedded default, in one command.

The ASGI application under uvicorn on 127.0.0.1, plus one `townsquare worker` child process
for the background tasks, restarted (with a growing pause) if it dies. Static files are
served by WhiteNoise (see settings). SIGTERM or SIGINT stops the server, then the worker,
and exits 0. At scale run the web processes and `townsquare worker`s separately instead
(docs/operations.md).
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
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

logger = logging.getLogger("townsquare.serve")

HOST = "127.0.0.1"  # the embedded default is for one machine; put a proxy in front of it
MIN_BACKOFF = 1.0
MAX_BACKOFF = 30.0
STABLE_SECONDS = 60.0  # a worker that ran this long resets the restart pause
WORKER_STOP_SECONDS = 20.0  # time the worker gets to finish its current task
POLL_SECONDS = 0.5


class WorkerSupervisor(threading.Thread):
    """Keeps one worker child process alive until `stopping` is set."""

    def __init__(self, command: list[str], stopping: threading.Event) -> None:
        super().__init__(name="townsquare-worker-supervisor", daemon=True)
        self.command = command
        self.stopping = stopping
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restarts = 0

    def spawn(self) -> None:
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL)  # noqa: S603
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

    def shutdown(self, *, force: bool = False) -> int | None:
        """Stop supervising, then stop the worker: SIGTERM, a grace period, then SIGKILL."""
        self.stopping.set()
        if self.ident is not None and threading.current_thread() is not self:
            self.join()  # started: wait until it can no longer spawn a worker
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            if force:
                process.kill()
            else:
                process.terminate()
        try:
            return process.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning("The worker did not stop in %.0f s; killing it.", WORKER_STOP_SECONDS)
            process.kill()
            return process.wait()


class _Server(uvicorn.Server):
    """uvicorn, telling the supervisor at once when a stop signal arrives."""

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Set before uvicorn drains connections, so a worker that got the same Ctrl-C
        # (same process group) is not restarted in the meantime.
        self.stopping.set()
        from townsquare.web.views.notifications import close_event_streams

        close_event_streams()  # open inbox streams would hold the drain for minutes
        super().handle_exit(sig, frame)


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
        stopping = threading.Event()
        supervisor = WorkerSupervisor(
            [sys.executable, "-m", "townsquare.cli", "worker",
             "--exit-with-parent", str(os.getpid())],
            stopping,
        )
        from townsquare.asgi import application

        config = uvicorn.Config(
            application, lifespan="off", log_config=None, timeout_graceful_shutdown=10,
            server_header=False,
        )
        server = _Server(config, stopping)

        def on_signal(sig: int, frame: FrameType | None) -> None:
            # Active outside server.run(); uvicorn restores it and re-raises the signal it
            # caught, which lands here and only confirms the stop. A second Ctrl-C reaches
            # the worker too (same process group) and makes it drop its current task.
            stopping.set()
            server.should_exit = True

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            supervisor.spawn()
            supervisor.start()
            self.stdout.write(f"townsquare is serving at http://{HOST}:{port}/ "
                              f"(worker pid {supervisor.process.pid}). Stop with Ctrl-C.")
            self.stdout.flush()
            if not stopping.is_set():
                server.run(sockets=[sock])
        finally:
            sock.close()
            code = supervisor.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"Stopped (worker exit code {code}).")
