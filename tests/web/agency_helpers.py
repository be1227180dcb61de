"""Helpers for the agency page tests: clients signed in as each role, with the second factor
of agency staff set up through the real actions and codes computed as an app computes them."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from townsquare import policy
from townsquare.accounts.actions import second_factor

ROLES = ["anonymous", "unverified", "resident_in", "resident_out", "admin", "publisher",
         "tips", "other_staff", "operator"]
STAFF_ROLES = ["admin", "publisher", "tips", "other_staff"]


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods of 30 s later)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                drift=steps_ahead)
    return f"{code:0{device.digits}d}"


def enrol(user) -> TOTPDevice:
    """Set up the staff member's authenticator app through the actions."""
    device = second_factor.start_totp_enrolment(user)
    return second_factor.confirm_totp_enrolment(user, device, code_for(device))


def signed_in(user, *, second_factor_done: bool = True) -> Client:
    """A client with `user`'s session (anonymous for None). For agency staff, the session
    has passed the second factor too, as after typing a code (unless told otherwise)."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    if second_factor_done and policy.needs_second_factor(user):
        device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                  or enrol(user))
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def text(response) -> str:
    return response.content.decode()
