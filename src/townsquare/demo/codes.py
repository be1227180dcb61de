"""Sign-in codes for the demo's agency staff, so a newcomer needs no authenticator app.

Agency staff pass a TOTP second factor (docs/agencies.md). The demo enrols each staff
account with the real actions (`accounts.actions.second_factor`), typing the first code as
the app would; `townsquare demo_code EMAIL` then prints the code a device accepts now, for
demo accounts only. The secrets are random per database, like any enrolment's.
"""

from __future__ import annotations

import time
from typing import Any

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from townsquare.accounts.actions import second_factor


class NotReady(Exception):
    """The device's codes up to its tolerance were all used; the next one comes later."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"The next code is accepted in {seconds} s.")
        self.seconds = seconds


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code `device` accepts at `at` (default: now).

    django-otp accepts each time step once (its replay guard, `last_t`), and a step or two
    around the current one (`tolerance`, with the `drift` it learnt). So this is the
    current step's code, or, if that one was just used, the next step's, which the device
    already accepts.
    """
    moment = time.time() if at is None else at
    current = int(moment - device.t0) // device.step + device.drift
    wanted = max(current, device.last_t + 1)
    if wanted - current > device.tolerance:
        opens = device.t0 + (wanted - device.tolerance - device.drift) * device.step
        raise NotReady(max(1, int(opens - moment) + 1))
    return f"{hotp(device.bin_key, wanted, digits=device.digits):0{device.digits}d}"


def ensure_enrolled(user: Any) -> bool:
    """Set up the account's authenticator through the enrolment actions, as its owner would
    (start, then confirm with the first code), unless it has one. True if it enrolled."""
    if second_factor.has_second_factor(user):
        return False
    device = second_factor.start_totp_enrolment(user)
    second_factor.confirm_totp_enrolment(user, device, code_for(device))
    return True
