"""Failure reasons as they are stored and shown: what a server said, never whom it was about.

Mail servers often quote the address they refuse, and a push service's URL names one
browser. Both are masked before a reason is stored (delivery.py), so equal reasons group
together in the agency's delivery report (selectors.py) and agency staff never learn an
address (the privacy wall, docs/privacy.md); the report masks again, for rows written
before. The pages show a stored reason through `label()`, in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

_ADDRESS = re.compile(r"<?[\w.+-]+@[\w-]+(?:\.[\w-]+)*>?")
_URL = re.compile(r"\b(?:https?|mailto):[^\s'\"<>)]+")


def public(error: str) -> str:
    return _ADDRESS.sub("<address>", _URL.sub("<url>", error))


# --- codes and labels ------------------------------------------------------------------------
# What our code stores in `Delivery.last_error` is one of the sentences below, in English,
# with the server's own words (a status, an SMTP reply, a host) in it. The stored text is
# not changed (no rows to migrate); each sentence has a stable code, and its label is read in
# the reader's language when a report shows it. The server's words stay as the server wrote
# them. A text none of these match (an exception's own words) is shown as it is, code "other".

@dataclass(frozen=True)
class Reason:
    code: str
    pattern: re.Pattern[str]
    label: Any  # gettext_lazy, with the pattern's groups as named placeholders


def _reason(code: str, pattern: str, label: Any) -> Reason:
    return Reason(code, re.compile(pattern, re.S), label)


REASONS: tuple[Reason, ...] = (
    # email (channels/email.py)
    _reason("email-address-rejected", r"rejected the address: (?P<detail>.*)",
            _("rejected the address: %(detail)s")),
    _reason("email-address-deferred", r"address deferred: (?P<detail>.*)",
            _("address deferred: %(detail)s")),
    _reason("email-message-rejected", r"rejected the message: (?P<detail>.*)",
            _("rejected the message: %(detail)s")),
    _reason("email-deferred", r"deferred: (?P<detail>.*)", _("deferred: %(detail)s")),
    _reason("email-unreachable", r"cannot reach the mail server: (?P<detail>.*)",
            _("cannot reach the mail server: %(detail)s")),
    _reason("email-address-invalid", r"not a valid email address",
            _("not a valid email address")),
    _reason("email-unbuildable", r"cannot build the message: (?P<detail>.*)",
            _("cannot build the message: %(detail)s")),
    _reason("email-connection-lost", r"connection lost: (?P<detail>.*)",
            _("connection lost: %(detail)s")),
    # Web Push (channels/push.py)
    _reason("push-gone", r"subscription gone \((?P<status>\d+)\)",
            _("subscription gone (%(status)s)")),
    _reason("push-answered", r"push service answered (?P<status>\d+): (?P<detail>.*)",
            _("push service answered %(status)s: %(detail)s")),
    _reason("push-answered", r"push service answered (?P<status>\d+)",
            _("push service answered %(status)s")),
    _reason("push-keys", r"unusable subscription keys: (?P<detail>.*)",
            _("unusable subscription keys: %(detail)s")),
    _reason("push-timeout", r"no answer from the push service \((?P<host>[^)]*)\) in time",
            _("no answer from the push service (%(host)s) in time")),
    _reason("push-unreachable",
            r"cannot reach the push service \((?P<host>[^)]*)\): (?P<detail>.*)",
            _("cannot reach the push service (%(host)s): %(detail)s")),
    # the delivery engine (delivery.py)
    _reason("worker-stopped", r"the worker stopped while sending it",
            _("the worker stopped while sending it")),
    _reason("gave-up", r"gave up after (?P<attempts>\d+) attempts: (?P<reason>.*)",
            _("gave up after %(attempts)s attempts: %(reason)s")),
    _reason("gave-up", r"gave up after waiting (?P<wait>\S+ (?:days|s)): (?P<reason>.*)",
            _("gave up after waiting %(wait)s: %(reason)s")),
)
OTHER = "other"


def _match(text: str) -> tuple[Reason, dict[str, str]] | None:
    for reason in REASONS:
        found = reason.pattern.fullmatch(text)
        if found is not None:
            return reason, found.groupdict()
    return None


def code(text: str) -> str:
    """The stable code of a stored reason ("email-address-rejected", ...; "other")."""
    found = _match(text)
    return found[0].code if found else OTHER


def _wait(text: str) -> str:
    amount, unit = text.split(" ")
    return (_("%(amount)s days") if unit == "days" else _("%(amount)s s")) % {"amount": amount}


def label(text: str) -> str:
    """A stored reason in the reader's language: our words translated, the server's kept."""
    found = _match(text)
    if found is None:
        return text
    reason, values = found
    if "reason" in values:  # a reason within a reason: given up after waiting on another
        values["reason"] = label(values["reason"])
    if "wait" in values:
        values["wait"] = _wait(values["wait"])
    return str(reason.label) % values if values else str(reason.label)
