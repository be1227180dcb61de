"""Keep follow-up codes and tipsters' addresses out of the logs (settings.LOGGING).

Django logs every 4xx and 5xx answer with its path (`Not Found: /api/v1/tips/<code>`),
and uvicorn's access log writes the client's address and the path of every request. For
paths with a `/tips/` segment this filter replaces what follows the segment (a code, or
an id) with `[redacted]` and, in the access log, the client address with `-`. It changes
the record, so every handler (files, consoles, error trackers) gets the redacted one. SQL
statements (django.db.backends, logged at DEBUG) of requests to tip paths are dropped. It
imports nothing of Django's models: logging is configured before the apps load.
"""

from __future__ import annotations

import contextvars
import logging
import re
from typing import Any

_TIP_PATH = re.compile(r"(/tips/)[^/?#\s\"']+")
_TIP_REQUEST_PATH = re.compile(r"/tips(/|$)")

# True while a request to a tip path is being answered (set by the request_started and
# request_finished signals, tips/apps.py): its SQL statements are not logged, since their
# order (the session's or the token's lookup, then the tip's INSERT) ties the two together.
in_tip_request: contextvars.ContextVar[bool] = contextvars.ContextVar("in_tip_request",
                                                                       default=False)


def request_started(sender: Any, environ: Any = None, scope: Any = None, **kwargs: Any) -> None:
    path = (scope or {}).get("path") if scope is not None else (environ or {}).get("PATH_INFO")
    in_tip_request.set(bool(path) and _TIP_REQUEST_PATH.search(str(path)) is not None)


def request_finished(sender: Any, **kwargs: Any) -> None:
    in_tip_request.set(False)
_REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    return _TIP_PATH.sub(_REDACTED, text)


def _is_tip_path(value: object) -> bool:
    return isinstance(value, str) and "/tips" in value


class RedactTips(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.db.backends" and in_tip_request.get():
            return False
        args = record.args
        if isinstance(args, tuple) and any(_is_tip_path(a) for a in args):
            new_args = [redact(a) if isinstance(a, str) else a for a in args]
            if record.name == "uvicorn.access" and len(new_args) == 5:
                new_args[0] = "-"  # (client address, method, path, http version, status)
            record.args = tuple(new_args)
            if hasattr(record, "request"):
                record.request = None  # handlers that print the request must not see it
        elif isinstance(record.msg, str) and "/tips" in record.msg:
            record.msg = redact(record.msg)
        return True
