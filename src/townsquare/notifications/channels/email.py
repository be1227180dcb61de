"""Email: over SMTP (EMAIL_URL), one connection per batch.

Each message has the title in its subject, a plain-text part and an escaped HTML part, the
delivery's stable Message-ID, and one-click unsubscribe headers (RFC 8058). The SMTP
server's answer decides the outcome:

- accepted: DELIVERED ("delivered" for email means accepted by the SMTP server);
- 5xx for the recipient (a hard bounce) or an address that is not an address: FAILED,
  and the address is retired (email off for that account, with the reason);
- 5xx for the message or the sender: FAILED (the address stays);
- 4xx for the recipient or the message: RETRY with backoff (the attempt counts);
- the server cannot be reached at all (connection refused or timed out, a name that does
  not resolve, TLS or login failing, a greeting other than 220, 421 "closing" at any
  point): UNREACHABLE for every message of the batch not yet handed over. That is no fault
  of theirs: they wait with no attempt counted while the channel is paused (breaker.py).
- a connection dropped mid-message: RETRY for that message (unknown whether the server
  took it; the same Message-ID if it did), and the rest of the batch is tried on a new
  connection (once); if that cannot be opened or drops again, the rest is UNREACHABLE.

Without EMAIL_URL (the embedded default writes mail to files) and in tests (memory),
messages are handed to Django's configured backend and end SENT: nothing confirms them.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.validators import validate_email

from townsquare.notifications.channels import (
    DELIVERED,
    FAILED,
    RETRY,
    SENT,
    UNREACHABLE,
    Notice,
    Outcome,
    Report,
)

logger = logging.getLogger("townsquare.notifications")



def build(notice: Notice) -> EmailMultiAlternatives:
    headers = {"Message-ID": notice.message_id, "X-Townsquare-Kind": notice.kind}
    if notice.unsubscribe_url:
        targets = [f"<{notice.unsubscribe_url}>"]
        if notice.unsubscribe_mailto:
            targets.append(f"<{notice.unsubscribe_mailto}>")
        headers["List-Unsubscribe"] = ", ".join(targets)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if notice.urgent:
        headers["Importance"] = "high"
        headers["X-Priority"] = "1"
    message = EmailMultiAlternatives(
        subject=notice.subject, body=notice.text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((notice.to_name, notice.to_email)) if notice.to_name
            else notice.to_email],
        headers=headers,
    )
    message.attach_alternative(notice.html, "text/html")
    return message


def _smtp_outcome(exc: smtplib.SMTPException) -> Outcome:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        detail = f"{code} {_text(text)}"
        if 500 <= code < 600:
            return Outcome(FAILED, f"rejected the address: {detail}", retire=True)
        return Outcome(RETRY, f"address deferred: {detail}")
    code = getattr(exc, "smtp_code", None)
    detail = f"{code} {_text(getattr(exc, 'smtp_error', b''))}"
    if isinstance(code, int) and 500 <= code < 600:
        return Outcome(FAILED, f"rejected the message: {detail}")
    return Outcome(RETRY, f"deferred: {detail}")


# 421: "service not available, closing transmission channel" (RFC 5321), whatever the
# command: the server, not the message.
SERVER_CLOSING = 421


def _unreachable(error: object) -> Outcome:
    return Outcome(UNREACHABLE, f"cannot reach the mail server: {error}"[:300],
                   scope=EmailChannel.name)


def _server_closing(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code == SERVER_CLOSING for code, _text in exc.recipients.values())
    return getattr(exc, "smtp_code", None) == SERVER_CLOSING


def _text(value: bytes | str) -> str:
    return (value.decode(errors="replace") if isinstance(value, bytes) else str(value))[:300]


class EmailChannel:
    name = "email"

    def scope(self, notice: Notice) -> str:
        return self.name  # one relay (EMAIL_URL) for every message

    def send_batch(self, notices: Sequence[Notice], report: Report) -> None:
        sendable = []
        for notice in notices:
            try:
                validate_email(notice.to_email)
            except ValidationError:
                report(notice, Outcome(FAILED, "not a valid email address", retire=True))
                continue
            sendable.append(notice)
        if not sendable:
            return
        if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
            self._smtp(sendable, report)
        else:
            self._django_backend(sendable, report)

    def _django_backend(self, notices: Sequence[Notice], report: Report) -> None:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
            for notice in notices:
                try:
                    message = build(notice)
                    message.connection = connection
                    connection.send_messages([message])
                except (ValueError, UnicodeError) as exc:  # a header that cannot be sent
                    report(notice, Outcome(FAILED, f"cannot build the message: {exc}"))
                except Exception as exc:  # the backend failed: try again later
                    report(notice, Outcome(RETRY, f"{type(exc).__name__}: {exc}"[:300]))
                else:
                    report(notice, Outcome(SENT))
        finally:
            connection.close()

    def _smtp(self, notices: Sequence[Notice], report: Report) -> None:
        backend = SmtpBackend(fail_silently=False)
        reconnected = False
        pending = list(notices)
        try:
            while pending:
                if backend.connection is None:
                    try:
                        backend.open()
                    except (smtplib.SMTPException, OSError) as exc:
                        for notice in pending:
                            report(notice, _unreachable(exc))
                        return
                notice = pending.pop(0)
                try:
                    message = build(notice)
                    data = message.message().as_bytes(linesep="\r\n")
                except (ValueError, UnicodeError) as exc:
                    report(notice, Outcome(FAILED, f"cannot build the message: {exc}"))
                    continue
                try:
                    backend.connection.sendmail(message.from_email, [notice.to_email], data)
                except smtplib.SMTPServerDisconnected as exc:
                    lost = exc
                except smtplib.SMTPException as exc:  # an answer about this message
                    if _server_closing(exc):  # ... or the server going away
                        for rest in (notice, *pending):
                            report(rest, _unreachable(f"{exc.smtp_code} closing"
                                                      if hasattr(exc, "smtp_code") else exc))
                        return
                    report(notice, _smtp_outcome(exc))
                    continue
                except OSError as exc:  # reset, timed out (SMTPException is an OSError too)
                    lost = exc
                else:
                    report(notice, Outcome(DELIVERED))
                    continue
                # Unknown whether the server took it: retry (same Message-ID if it did).
                report(notice, Outcome(RETRY, f"connection lost: {lost!r}"[:300]))
                self._drop(backend)
                if reconnected:
                    for rest in pending:
                        report(rest, _unreachable("the connection was lost again"))
                    return
                reconnected = True
        finally:
            self._drop(backend)

    @staticmethod
    def _drop(backend: SmtpBackend) -> None:
        if backend.connection is None:
            return
        try:
            backend.close()
        except Exception:  # closing a dead connection may fail; it is gone either way
            logger.debug("closing a broken SMTP connection failed", exc_info=True)
        backend.connection = None
