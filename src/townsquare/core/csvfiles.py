"""Opening an uploaded or named CSV file as text, the same way for every import."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any


@contextmanager
def open_text(source: str | os.PathLike[str] | IO[Any]) -> Iterator[IO[str]]:
    """`source` (a path, a binary file or upload, or a text stream) as a text stream for the
    csv module. utf-8-sig: spreadsheet exports often start with a byte-order mark. A file
    the caller passed in stays open: the caller owns it."""
    if isinstance(source, str | os.PathLike):
        with open(source, newline="", encoding="utf-8-sig") as handle:
            yield handle
        return
    if isinstance(source.read(0), bytes):  # a binary file or an upload
        wrapper = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
        try:
            yield wrapper
        finally:
            wrapper.detach()
        return
    yield source
