"""Lean local far ends for the fan-out benchmark: an SMTP server and a push service.

Each runs its own asyncio loop in a thread, accepts everything, and counts what it gets
(SMTP: the Message-IDs, to check that every delivery arrived once). They do the least work
that a real server must (parse commands, read every byte), so the benchmark measures our
workers, not the sinks. Correctness of content, encryption and error handling is tested
with real parts in tests/notifications/ (aiosmtpd; a push service that decrypts).
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter


class _Loop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=512))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> _Loop:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


class SmtpSink(_Loop):
    def __init__(self) -> None:
        super().__init__()
        self.message_ids: Counter[str] = Counter()
        self.messages = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        try:
            while line := await reader.readline():
                command = line[:4].upper()
                if command == b"EHLO":
                    writer.write(b"250-sink\r\n250 8BITMIME\r\n")
                elif command == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    await writer.drain()
                    message_id = ""
                    in_headers = True
                    while (row := await reader.readline()) != b".\r\n":
                        if not row:
                            return
                        if in_headers:
                            if row == b"\r\n":
                                in_headers = False
                            elif row[:11].lower() == b"message-id:":
                                message_id = row[11:].decode().strip()
                    self.messages += 1
                    self.message_ids[message_id] += 1
                    writer.write(b"250 queued\r\n")
                elif command == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    break
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        finally:
            writer.close()


class PushSink(_Loop):
    """HTTP/1.1 with keep-alive: reads each request whole and answers 201 Created."""

    def __init__(self) -> None:
        super().__init__()
        self.received = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for row in head.split(b"\r\n"):
                    if row[:15].lower() == b"content-length:":
                        length = int(row[15:])
                if length:
                    await reader.readexactly(length)
                self.received += 1
                writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
