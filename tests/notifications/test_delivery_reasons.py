"""Delivery failure reasons: each sentence our code stores has a stable code and a label
read in the reader's language when the agency's delivery report shows it (the stored text
is unchanged; the server's own words inside it are kept as the server wrote them)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests import factories
from tests.notifications.conftest import alert
from tests.web.agency_helpers import signed_in
from tests.web.test_translations import (  # noqa: F401 (the pseudo-language fixtures)
    CLOSE,
    OPEN,
    PSEUDO,
    pseudo,
    pseudo_locale,
)
from townsquare.notifications import reasons
from townsquare.notifications.models import Delivery

NOTIFICATIONS = Path(reasons.__file__).resolve().parent

SAMPLES = [
    ("rejected the address: 550 5.1.1 <address>: no such user", "email-address-rejected"),
    ("address deferred: 450 4.2.1 mailbox busy", "email-address-deferred"),
    ("rejected the message: 554 5.7.1 spam", "email-message-rejected"),
    ("deferred: 451 4.3.0 try later", "email-deferred"),
    ("cannot reach the mail server: [Errno 111] Connection refused", "email-unreachable"),
    ("not a valid email address", "email-address-invalid"),
    ("cannot build the message: bad header", "email-unbuildable"),
    ("connection lost: SMTPServerDisconnected('gone')", "email-connection-lost"),
    ("subscription gone (410)", "push-gone"),
    ("push service answered 503", "push-answered"),
    ("push service answered 400: bad payload", "push-answered"),
    ("unusable subscription keys: bad point", "push-keys"),
    ("no answer from the push service (push.example.net) in time", "push-timeout"),
    ("cannot reach the push service (push.example.net): ConnectionError", "push-unreachable"),
    ("the worker stopped while sending it", "worker-stopped"),
    ("gave up after waiting 3 days: subscription gone (410)", "gave-up"),
    ("gave up after waiting 600 s: push service answered 503", "gave-up"),
    ("gave up after 5 attempts: deferred: 451 4.3.0 try later", "gave-up"),
    ("SMTPDataError: (554, b'no')", "other"),
]


@pytest.mark.parametrize(("stored", "code"), SAMPLES)
def test_each_stored_reason_has_its_code_and_reads_the_same_in_english(stored, code):
    assert reasons.code(stored) == code
    with translation.override("en"):
        assert reasons.label(stored) == stored


def _written_reasons() -> list[tuple[str, str]]:
    """(file:line, a sample) of every reason the channels and the engine write: each literal
    or f-string given to Outcome(...) as its error, with "X" for what the f-string fills in,
    and the "gave up" sentence of delivery.py."""
    found = []
    files = [*sorted((NOTIFICATIONS / "channels").glob("*.py")), NOTIFICATIONS / "delivery.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            texts: list[ast.expr] = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Outcome":
                texts = node.args[1:2]
            elif isinstance(node, ast.Assign) and any(
                    getattr(t, "id", None) in {"detail", "reason"} for t in node.targets):
                texts = [node.value]  # detail = f"push service answered {status}" + ...
            elif isinstance(node, ast.JoinedStr) and any(
                    isinstance(v, ast.Constant) and "gave up" in str(v.value)
                    for v in node.values):
                texts = [node]
            for text in texts:
                if isinstance(text, ast.Subscript):  # f"..."[:300]
                    text = text.value
                if isinstance(text, ast.BinOp):  # f"..." + (f": {body}" if body else "")
                    text = text.left
                sample = _sample(text)
                if sample is not None:
                    found.append((f"{path.name}:{text.lineno}", sample))
    return found


def _sample(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        words = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        if not re.search(r"[a-z]{2,}", words):
            return None  # f"{type(exc).__name__}: {exc}": the library's words, not ours
        sample = "".join(str(v.value) if isinstance(v, ast.Constant) else "X"
                         for v in node.values)
        # Filled in: a status or a wait is a number, a host a name.
        return (sample.replace("(X)", "(410)").replace("answered X", "answered 503")
                .replace("waiting X:", "waiting 3 days:").replace("after X", "after 5"))
    return None


def test_every_reason_the_code_writes_has_a_code():
    written = _written_reasons()
    assert len(written) >= 14, written
    assert [(where, text) for where, text in written if reasons.code(text) == "other"] == []
    assert reasons.code("gave up after waiting 3 days: X") == "gave-up"


def test_labels_are_read_in_the_readers_language(pseudo):  # noqa: F811
    with translation.override(PSEUDO):
        assert reasons.label("rejected the address: 550 5.1.1 no such user") == (
            f"{OPEN}rejected the address: 550 5.1.1 no such user{CLOSE}")
        assert reasons.label("gave up after waiting 3 days: subscription gone (410)") == (
            f"{OPEN}gave up after waiting {OPEN}3 days{CLOSE}: "
            f"{OPEN}subscription gone (410){CLOSE}{CLOSE}")
        assert reasons.label("SMTPDataError: (554, b'no')") == "SMTPDataError: (554, b'no')"


def test_the_delivery_report_shows_reasons_in_the_readers_language(pseudo, police, publisher,  # noqa: F811
                                                                    alder):
    factories.make_resident(alder, name="Alder One", email="one@example.org")
    post = alert(publisher, police)
    Delivery.objects.filter(agency_post=post, channel="email").update(
        state="failed", last_error="rejected the address: 550 5.1.1 <address>: no such user")

    client = signed_in(publisher)
    client.cookies["django_language"] = PSEUDO
    html = client.get(f"/agency/testville-police/posts/{post.pk}/").content.decode()

    assert (f"<td data-label=\"{OPEN}Reason{CLOSE}\">{OPEN}rejected the address: 550 5.1.1 "
            f"&lt;address&gt;: no such user{CLOSE}</td>") in html
