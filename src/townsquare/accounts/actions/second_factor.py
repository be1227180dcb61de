"""The second factor of agency staff: a TOTP authenticator app (django-otp's TOTPDevice).

Enrolment: an unconfirmed device (its secret shown once, as text and as a QR code) becomes
confirmed when the staff member types a code it produced. Only an account with no confirmed
device may enrol: otherwise a stolen password would be enough to add a second
authenticator. A lost phone is reset by an operator (the admin's TOTP devices page).

Every code typed counts against the `second_factor` limits of the account and client
address (attempts.py), on top of django-otp's own throttle (a growing wait after each wrong
code) and its replay guard (a code is accepted once).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from townsquare import policy
from townsquare.accounts.actions.attempts import account_key, limit_attempt
from townsquare.core import audit
from townsquare.core.errors import Conflict, Forbidden, Invalid

DEVICE_NAME = "Authenticator app"
_CODE = re.compile(r"^\d{6}$")


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_satisfied(user: Any) -> bool:
    """Whether a signed-in session may act: staff only once this session typed a code
    (django-otp's OTPMiddleware installs is_verified() on the request's user). The pages
    and the API's session authentication both ask this."""
    if not policy.needs_second_factor(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def start_totp_enrolment(user: Any) -> TOTPDevice:
    """The device waiting for its first code (the same one on every visit, so a reload
    does not change the secret the person is copying)."""
    if not policy.needs_second_factor(user):
        raise Forbidden(_("Only agency staff enrol a second factor."))
    if has_second_factor(user):
        raise Conflict(_("You have already set up your authenticator app."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_totp_enrolment(user: Any, device: TOTPDevice, code: object, *,
                           client: str = "unknown") -> TOTPDevice:
    """The first code from the app proves it holds the secret: the device is confirmed."""
    if not policy.needs_second_factor(user):
        raise Forbidden(_("Only agency staff enrol a second factor."))
    token = _clean_code(user, code, client)
    with transaction.atomic(durable=True):
        current = (TOTPDevice.objects.select_for_update()
                   .filter(pk=device.pk, user=user, confirmed=False).first())
        if current is None or has_second_factor(user):
            raise Conflict(_("You have already set up your authenticator app."))
        # verify_token records a failure (the throttle) itself; it must not be rolled back,
        # so the wrong code is reported after the transaction.
        waiting = _waiting(current)
        accepted = not waiting and current.verify_token(token)
        if accepted:
            current.confirmed = True
            current.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            staff = policy.agency_staff_of(user)
            audit.record(user, "accounts.second_factor_enrolled", current,
                         agency=staff.agency if staff is not None else None)
    if not accepted:
        raise _wrong_code(waiting)
    return current


def verify_second_factor(user: Any, code: object, *, client: str = "unknown") -> TOTPDevice:
    """A code at sign-in: the confirmed device that accepts it (the caller then marks the
    session verified with django_otp.login)."""
    token = _clean_code(user, code, client)
    with transaction.atomic(durable=True):
        devices = list(TOTPDevice.objects.select_for_update()
                       .filter(user=user, confirmed=True).order_by("pk"))
        waiting = bool(devices) and all(_waiting(d) for d in devices)
        accepted = None if waiting else next(
            (d for d in devices if not _waiting(d) and d.verify_token(token)), None)
    if not devices:
        raise Conflict(_("Set up your authenticator app first."))
    if accepted is None:
        raise _wrong_code(waiting)
    return accepted


def _clean_code(user: Any, code: object, client: str) -> str:
    text = re.sub(r"[\s-]", "", code if isinstance(code, str) else "")
    # Counted before the check, so guessing costs an attempt whether or not it is right.
    limit_attempt("second_factor", account_key(user.email), client)
    if not _CODE.match(text):
        raise Invalid(_("Enter the 6-digit code."),
                      {"code": [_("Enter the 6-digit code your authenticator app shows.")]})
    return text


def _waiting(device: TOTPDevice) -> bool:
    """django-otp's throttle: after each wrong code the device refuses every code for a
    while (doubling each time)."""
    allowed, _details = device.verify_is_allowed()
    return not allowed


def _wrong_code(waiting: bool) -> Invalid:
    if waiting:
        return Invalid(_("Too many wrong codes."), {"code": [
            _("After a wrong code, wait a few seconds, then type the newest code.")]})
    return Invalid(_("That code is not right."), {"code": [
        _("That code is not right. Check the time on your phone and type the newest code.")]})
