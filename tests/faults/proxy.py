"""A TCP proxy on loopback that a test can stop, start again and use to cut connections.

Put in front of PostgreSQL (or any TCP server) it stands for the network and the server's
availability: `stop()` closes the listening socket and every live connection (a database
that went away: new connections are refused), `start()` listens again on the same port (it
came back), `cut()` closes the live connections only (the server terminated its backends,
a firewall dropped them). Threads, one pair per connection: a test proxies a handful.
"""

from __future__ import annotations

import socket
import threading
from typing import Self

ACCEPT_POLL_SECONDS = 0.05


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.accepted = 0  # connections accepted since the proxy was made
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._running = threading.Event()
        self._thread: threading.Thread | None = None

    # --- control ---------------------------------------------------------------------
    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(ACCEPT_POLL_SECONDS)
        self._listener = listener
        self._running.set()
        self._thread = threading.Thread(target=self._accept, name="test-proxy", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Refuse new connections and close the live ones."""
        self._running.clear()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self.cut()

    def cut(self) -> int:
        """Close every live connection (both sides); return how many were open."""
        with self._lock:
            live, self._sockets = self._sockets, set()
        for sock in live:
            _close(sock)
        return len(live) // 2

    @property
    def live(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- pumping ---------------------------------------------------------------------
    def _accept(self) -> None:
        assert self._listener is not None
        listener = self._listener
        while self._running.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
                self.accepted += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True,
                                 name="test-proxy-pump").start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._sockets.discard(source)
            self._sockets.discard(sink)
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
