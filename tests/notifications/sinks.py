"""Real far ends on loopback for the notification tests.

- `SmtpSink`: an aiosmtpd server that keeps every message it accepts (parsed), and can be
  told to refuse recipients (5xx), defer them (4xx) or hang up mid-conversation.
- `dropping_server`: a TCP server that accepts and closes at once (the server went away).
- `greeting_server`: a TCP server that greets with what it is told ("421 busy") and closes.
- `PushEndpoint`: an HTTP server standing in for a push service. It decrypts each message
  (RFC 8291, aes128gcm) with the subscription's private key, as a browser would, and
  answers the status codes it is told to (201, 429 with Retry-After, 500, 410, ...).
- `FakeBrowser`: a real P-256 key pair and auth secret, i.e. what a browser's
  PushSubscription holds.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

import http_ece
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- SMTP ---------------------------------------------------------------------------------
class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        answer = self.sink.rcpt_answers.get(address.lower()) or self.sink.rcpt_answer
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.sink.hang_up_on_data:
            server.transport.close()
            return "421 closing"
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on 127.0.0.1; `messages` holds what it accepted, in order."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.rcpt_answer = ""  # e.g. "550 5.1.1 No such user" for every recipient
        self.rcpt_answers: dict[str, str] = {}  # per address
        self.hang_up_on_data = False
        self.lock = threading.Lock()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=free_port(),
                                     server_hostname="sink.test")

    @property
    def port(self) -> int:
        return self.controller.port

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class _closing_server:
    """Accepts TCP connections, sends each `greeting` (if any) and closes it at once."""

    def __init__(self, greeting: bytes = b"") -> None:
        self.greeting = greeting
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self.greeting:
                try:
                    conn.sendall(self.greeting)
                except OSError:
                    pass
            conn.close()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


class dropping_server(_closing_server):  # noqa: N801 (used as a context manager, like a function)
    """Accepts TCP connections and closes them at once, before any greeting."""

    def __init__(self) -> None:
        super().__init__()


class greeting_server(_closing_server):  # noqa: N801 (used as a context manager, like a function)
    """Accepts TCP connections, sends one greeting line (e.g. "421 busy") and closes."""

    def __init__(self, greeting: str) -> None:
        super().__init__(greeting.encode() + b"\r\n")


# --- Web Push -----------------------------------------------------------------------------
def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class FakeBrowser:
    """What a browser keeps for one push subscription: its private key and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return b64(self.auth_secret)

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.private_key,
                                 auth_secret=self.auth_secret, version="aes128gcm")
        return json.loads(plain)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    payload: dict[str, Any] | None = None


class PushEndpoint:
    """A push service on 127.0.0.1. Subscriptions are URLs under it: `url(name)`.

    `answers[name]` is a queue of (status, headers) answered in turn (then 201 for ever).
    Every request is kept in `received`, with its payload decrypted by the browser whose
    subscription it is (`browsers[name]`), exactly as the browser would decrypt it.
    """

    def __init__(self) -> None:
        self.browsers: dict[str, FakeBrowser] = {}
        self.answers: dict[str, deque[tuple[int, dict[str, str]]]] = {}
        self.received: list[Received] = []
        self.lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                name = self.path.rsplit("/", 1)[-1]
                item = Received(self.path, dict(self.headers.items()), body)
                browser = endpoint.browsers.get(name)
                if browser is not None and body:
                    item.payload = browser.decrypt(body)
                with endpoint.lock:
                    endpoint.received.append(item)
                    queue = endpoint.answers.get(name)
                    status, headers = queue.popleft() if queue else (201, {})
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push/{name}"

    def browser(self, name: str) -> FakeBrowser:
        return self.browsers.setdefault(name, FakeBrowser())

    def answer(self, name: str, *answers: tuple[int, dict[str, str]]) -> None:
        self.answers.setdefault(name, deque()).extend(answers)

    def to(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path.endswith(f"/{name}")]

    def __enter__(self) -> PushEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
