"""Web Push: encrypted (RFC 8291, aes128gcm) with pywebpush, signed with VAPID (RFC 8292).

The push service's answer decides the outcome:
- 201/200/202: DELIVERED (accepted by the push service);
- 404/410: the subscription is gone: FAILED, and it is retired;
- 429 and 5xx: RETRY, no sooner than its Retry-After;
- other 4xx (a payload too large, an authorization refused): FAILED;
- keys that cannot be used (not a P-256 point, not base64): FAILED, subscription retired;
- the push service cannot be reached (connection refused or reset, a connection timeout,
  TLS failing, a name that does not resolve): UNREACHABLE, scope "push:<host>": the message
  waits with no attempt counted while that push service is paused (breaker.py); other
  push services go on;
- no answer in time once connected (read timeout): RETRY (it may have been taken).

A batch is sent by a few threads (one HTTP session each, kept alive), because a push is a
round trip to a far server: waiting for one at a time would cap a worker at a few dozen a
second. Outcomes are reported from the calling thread.
"""

from __future__ import annotations

import binascii
import email.utils
import json
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests
from pywebpush import WebPusher, WebPushException

from townsquare.notifications import vapid
from townsquare.notifications.channels import (
    DELIVERED,
    FAILED,
    RETRY,
    UNREACHABLE,
    Notice,
    Outcome,
    Report,
)

THREADS = 4
TIMEOUT_SECONDS = 10
_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def outcome_for(status: int, headers: dict[str, str] | requests.structures.CaseInsensitiveDict,
                body: str = "") -> Outcome:
    detail = f"push service answered {status}" + (f": {body[:200]}" if body else "")
    if status in (200, 201, 202):
        return Outcome(DELIVERED)
    if status in (404, 410):
        return Outcome(FAILED, f"subscription gone ({status})", retire=True)
    if status == 429 or status >= 500:
        return Outcome(RETRY, detail, retry_after=retry_after(headers.get("Retry-After")))
    return Outcome(FAILED, detail)


class PushChannel:
    name = "push"

    def __init__(self) -> None:
        self._vapid: dict[str, dict[str, str]] = {}

    def _vapid_headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        if audience not in self._vapid:
            self._vapid[audience] = vapid.headers_for(endpoint)
        return dict(self._vapid[audience])

    def scope(self, notice: Notice) -> str:
        return scope_of(notice.endpoint)

    def send_batch(self, notices: Sequence[Notice], report: Report) -> None:
        jobs, sendable = [], []
        for notice in notices:
            try:
                pusher = WebPusher({"endpoint": notice.endpoint,
                                    "keys": {"p256dh": notice.p256dh, "auth": notice.auth}})
                payload = json.dumps(notice.push_payload, separators=(",", ":")).encode()
                # Encrypt here, where a malformed key fails, and post in a thread.
                body = pusher.encode(payload, "aes128gcm")["body"]
                headers = self._vapid_headers(notice.endpoint)
                headers.update({"Content-Encoding": "aes128gcm", "TTL": str(notice.ttl),
                                "Content-Type": "application/octet-stream"})
                if notice.urgent:
                    headers["Urgency"] = "high"
            except (WebPushException, ValueError, TypeError, binascii.Error) as exc:
                report(notice, Outcome(FAILED, f"unusable subscription keys: {exc}"[:300],
                                       retire=True))
                continue
            jobs.append((notice.endpoint, body, headers))
            sendable.append(notice)
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=min(THREADS, len(jobs)),
                                thread_name_prefix="townsquare-push") as pool:
            for notice, outcome in zip(sendable, pool.map(_post, jobs), strict=True):
                report(notice, outcome)


def scope_of(endpoint: str) -> str:
    """One breaker per push service (its host): one service down does not stop the others."""
    return f"push:{urlsplit(endpoint).hostname or '?'}"


def _post(job: tuple[str, bytes, dict[str, str]]) -> Outcome:
    endpoint, body, headers = job
    try:
        response = _session().post(endpoint, data=body, headers=headers,
                                   timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        # The exception's text holds the endpoint, which names one browser: the kind of
        # failure and the service's host are what the reason needs.
        host = urlsplit(endpoint).hostname or "?"
        reason = f"cannot reach the push service ({host}): {type(exc).__name__}"
        if isinstance(exc, requests.ReadTimeout):  # connected; it may have taken it
            return Outcome(RETRY, f"no answer from the push service ({host}) in time")
        if isinstance(exc, requests.ConnectionError | requests.ConnectTimeout):
            return Outcome(UNREACHABLE, reason, scope=scope_of(endpoint))
        return Outcome(RETRY, reason)
    return outcome_for(response.status_code, response.headers, response.text)
