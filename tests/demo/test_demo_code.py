"""`townsquare demo_code EMAIL`: the sign-in code of a demo staff account, and nobody else's.

These build one small agency with the actions instead of loading the whole demo.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import django_otp
import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.agencies.factories import POLICE_DOMAIN, make_staff
from tests.cli.conftest import townsquare
from townsquare.accounts.models import User
from townsquare.agencies import actions
from townsquare.demo import codes


def demo_staff(agency, local: str = "officer") -> User:
    """A demo account (as load_demo makes them) on the agency's staff, with its app."""
    email = f"{local}@{POLICE_DOMAIN}"
    User.objects.create_user(email=email, password=None, display_name="Demo Officer",
                             is_demo=True)
    staff, _link = actions.add_agency_staff(agency, email, "publisher", send_email=False)
    assert codes.ensure_enrolled(staff.user) is True
    return staff.user


def demo_code(email: str) -> str:
    out = StringIO()
    call_command("demo_code", email, stdout=out)
    return out.getvalue()


def test_prints_a_code_the_device_accepts(police):
    officer = demo_staff(police)
    device = TOTPDevice.objects.get(user=officer, confirmed=True)

    output = demo_code(f"OFFICER@{POLICE_DOMAIN}")

    assert re.fullmatch(r"\d{6}\n", output)
    assert django_otp.verify_token(officer, device.persistent_id, output.strip()) == device


def test_enrolling_twice_keeps_the_first_device(police):
    officer = demo_staff(police)
    device = TOTPDevice.objects.get(user=officer)

    assert codes.ensure_enrolled(officer) is False
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]


def test_refuses_an_account_that_is_not_a_demo_account(police):
    officer = make_staff(police, "publisher", "Real Officer")
    codes.ensure_enrolled(officer)

    with pytest.raises(CommandError) as refused:
        demo_code(officer.email)

    assert str(refused.value) == (
        f"{officer.email} is not a demo account: demo_code prints codes for the demo's "
        "accounts only (townsquare load_demo). Real staff use their authenticator app.")


def test_refuses_a_demo_account_without_an_authenticator(db):
    User.objects.create_user(email="resident@example.org", password=None,
                             display_name="Demo Resident", is_demo=True)

    with pytest.raises(CommandError) as refused:
        demo_code("resident@example.org")

    assert str(refused.value).startswith("resident@example.org has no authenticator:")


def test_refuses_an_unknown_account(db):
    with pytest.raises(CommandError) as refused:
        demo_code("nobody@example.org")

    assert str(refused.value) == "No account nobody@example.org."


def test_after_a_code_is_used_the_next_one_is_given_then_a_wait(police):
    device = TOTPDevice.objects.get(user=demo_staff(police))
    used = device.last_t  # the step of the code that confirmed the device
    start = device.t0 + (used - device.drift) * device.step  # its first second, our clock

    assert codes.code_for(device, at=start + 5) == f"{hotp(device.bin_key, used + 1):06d}"
    assert codes.code_for(device, at=start + 95) == f"{hotp(device.bin_key, used + 3):06d}"
    device.last_t = used + 1  # the next one was used too: nothing left within tolerance
    with pytest.raises(codes.NotReady) as waiting:
        codes.code_for(device, at=start + 5)
    assert waiting.value.seconds == 26


def test_errors_exit_non_zero_from_the_shell(tmp_path: Path):
    assert townsquare(tmp_path, "migrate", "--noinput", "-v", "0").returncode == 0

    unknown = townsquare(tmp_path, "demo_code", "nobody@demo.townsquare.invalid")

    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "No account nobody@demo.townsquare.invalid." in unknown.stderr
