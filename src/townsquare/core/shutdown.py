"""What a server process does when it stops serving: callbacks that the apps above core
register (in their `AppConfig.ready()`), so `townsquare serve` can run them without knowing
any app.

`run()` is called once the stop has begun, outside any signal handler (see
core/management/commands/serve.py): a callback may take locks. Each callback must be quick
and must not raise; one that does is logged and the others still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger("townsquare.serve")

_callbacks: list[Callable[[], None]] = []


def register(callback: Callable[[], None]) -> None:
    """Run `callback` when this process stops serving (once, even if registered twice)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def run() -> None:
    """Run every registered callback, in the order they were registered."""
    for callback in list(_callbacks):
        try:
            callback()
        except Exception:
            logger.exception("Shutdown callback %r failed", callback)
