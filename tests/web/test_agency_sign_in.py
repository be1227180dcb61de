"""A new staff member's way in: the one-time password link, setting up the authenticator
app with a real code, typing a code at every sign-in, and what an attacker with only the
password cannot do."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.web.agency_helpers import code_for, enrol, signed_in, text
from tests.web.helpers import field_error
from townsquare.agencies import actions
from townsquare.agencies.models import AgencyStaff
from townsquare.core.models import AuditLog

NEW_PASSWORD = "a long and quiet harbor 7"


@pytest.fixture
def no_throttle(settings):
    """django-otp refuses every code for a second after a wrong one (doubling after each):
    off, for the tests that type a right code just after a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def newcomer(police, agency_roles):
    """An officer just invited by the agency's admin: an account with no password yet."""
    staff, link = actions.add_agency_staff(police, "olive@police.testville.gov", "publisher",
                                           actor=agency_roles["admin"],
                                           display_name="Olive Officer", send_email=False)
    return staff.user, urlsplit(link).path


def test_the_password_link_sets_the_password_and_signs_in(newcomer):
    user, path = newcomer
    client = Client()

    first = client.get(path)  # Django moves the token out of the URL, into the session
    form_page = client.get(first["Location"])
    done = client.post(first["Location"], {"new_password1": NEW_PASSWORD,
                                           "new_password2": NEW_PASSWORD})

    assert (first.status_code, form_page.status_code) == (302, 200)
    assert "Set your password" in text(form_page)
    assert (done.status_code, done["Location"]) == (302, "/agency/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Signed in with the password only: the agency's pages ask for the app first.
    onward = client.get("/agency/")
    assert (onward.status_code, onward["Location"]) == (
        302, "/accounts/two-factor/setup/?next=%2Fagency%2F")


def test_the_password_link_works_once(newcomer):
    user, path = newcomer
    client = Client()
    step = client.get(path)["Location"]
    client.post(step, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(path)

    assert again.status_code == 404
    assert "This link no longer works" in text(again)


def test_an_altered_password_link_does_not_work(newcomer):
    _user, path = newcomer
    response = Client().get(path[:-3] + "xx/")
    assert response.status_code == 404


def test_weak_passwords_are_refused_on_the_field(newcomer):
    user, path = newcomer
    client = Client()
    step = client.get(path)["Location"]

    response = client.post(step, {"new_password1": "password", "new_password2": "password"})

    assert response.status_code == 200  # Django's view re-shows the form
    assert "This password is too short" in field_error(text(response), "new_password2")
    user.refresh_from_db()
    assert not user.has_usable_password()


def _secret_on(page: str) -> bytes:
    shown = re.search(r'<p class="secret" id="totp-secret" data-totp-secret>([A-Z2-7 ]+)</p>',
                      page).group(1)
    return base64.b32decode(shown.replace(" ", ""))


def test_setting_up_the_app_with_a_real_code(agency_roles, no_throttle):
    officer = agency_roles["publisher"]
    client = signed_in(officer, second_factor_done=False)

    page = client.get("/accounts/two-factor/setup/?next=/agency/testville-police/posts/new/")
    secret = _secret_on(text(page))
    # The same secret on a reload, so a person copying it is not confused.
    assert _secret_on(text(client.get("/accounts/two-factor/setup/"))) == secret
    assert '<svg role="img" aria-label="QR code of your sign-in secret' in text(page)
    assert "otpauth://totp/townsquare%3Apat.publisher%40police.testville.gov?secret=" in (
        text(page))

    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000",
                                                        "next": "/agency/"})
    right = client.post("/accounts/two-factor/setup/", {
        "code": f"{totp(secret):06d}", "next": "/agency/testville-police/posts/new/"})

    assert wrong.status_code == 400
    assert field_error(text(wrong), "code").startswith("That code is not right.")
    assert (right.status_code, right["Location"]) == (302, "/agency/testville-police/posts/new/")
    assert client.get("/agency/testville-police/posts/new/").status_code == 200
    device = TOTPDevice.objects.get(user=officer)
    assert (device.confirmed, device.bin_key) == (True, secret)
    assert list(AuditLog.objects.filter(action="accounts.second_factor_enrolled")
                .values_list("actor_label", "agency_id")) == [
        ("pat.publisher@police.testville.gov", device.user.agency_memberships.get().agency_id)]


def test_a_code_is_asked_at_every_new_sign_in(agency_roles):
    officer = agency_roles["tips"]
    device = enrol(officer)
    client = signed_in(officer, second_factor_done=False)

    asked = client.get("/agency/testville-police/")
    page = client.get(asked["Location"])
    typed = client.post("/accounts/two-factor/", {"code": code_for(device, steps_ahead=1),
                                                  "next": "/agency/testville-police/"})

    assert asked["Location"] == "/accounts/two-factor/?next=%2Fagency%2Ftestville-police%2F"
    assert "Type your sign-in code" in text(page)
    assert (typed.status_code, typed["Location"]) == (302, "/agency/testville-police/")
    assert client.get("/agency/testville-police/").status_code == 200


def test_a_code_works_once(agency_roles):
    officer = agency_roles["tips"]
    device = enrol(officer)
    code = code_for(device, steps_ahead=1)
    signed_in(officer, second_factor_done=False).post("/accounts/two-factor/", {"code": code})

    replay = signed_in(officer, second_factor_done=False).post("/accounts/two-factor/",
                                                               {"code": code})

    assert replay.status_code == 400
    assert "not right" in field_error(text(replay), "code")


def test_after_a_wrong_code_the_app_waits(agency_roles, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute: longer than any slow test machine
    officer = agency_roles["tips"]
    device = enrol(officer)
    client = signed_in(officer, second_factor_done=False)
    client.post("/accounts/two-factor/", {"code": "123456"})

    right_too_soon = client.post("/accounts/two-factor/",
                                 {"code": code_for(device, steps_ahead=1)})

    assert right_too_soon.status_code == 400
    assert "wait a few seconds" in field_error(text(right_too_soon), "code")


def _from(client: Client, address: str) -> Client:
    client.defaults["REMOTE_ADDR"] = address
    return client


def test_codes_are_rate_limited_per_account_and_address(agency_roles, settings, no_throttle):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "second_factor": "4/900"}
    officer = agency_roles["tips"]
    device = enrol(officer)
    statuses = [_from(signed_in(officer, second_factor_done=False), "203.0.113.9")
                .post("/accounts/two-factor/", {"code": "111111"}).status_code
                for _ in range(4)]
    # A fifth code from there, even the right one, from a fresh session: refused.
    last = _from(signed_in(officer, second_factor_done=False), "203.0.113.9").post(
        "/accounts/two-factor/", {"code": code_for(device, steps_ahead=1)})
    # The officer at the station is not locked out by guesses from elsewhere.
    owner = _from(signed_in(officer, second_factor_done=False), "198.51.100.20").post(
        "/accounts/two-factor/", {"code": code_for(device, steps_ahead=1)})

    assert statuses == [400, 400, 400, 400]
    assert last.status_code == 429
    assert "Too many codes tried" in text(last)
    assert (owner.status_code, owner["Location"]) == (302, "/agency/")


def test_past_the_account_ceiling_codes_are_slowed(agency_roles, settings, no_throttle):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "second_factor": "2/900",
                                       "second_factor_account": "4/900",
                                       "second_factor_slowed": "1/900"}
    officer = agency_roles["tips"]
    device = enrol(officer)  # from no address: the first code on the account
    statuses = [_from(signed_in(officer, second_factor_done=False), f"203.0.113.{n}")
                .post("/accounts/two-factor/", {"code": "111111"}).status_code
                for n in range(4)]
    slowed = _from(signed_in(officer, second_factor_done=False), "203.0.113.77").post(
        "/accounts/two-factor/", {"code": code_for(device, steps_ahead=1)})

    # Codes 2 to 4 on the account as usual; the 5th passed the ceiling and took the one
    # slowed attempt of the window; the 6th waits.
    assert statuses == [400, 400, 400, 400]
    assert slowed.status_code == 429
    assert "receiving many sign-in attempts" in text(slowed)


def test_with_only_the_password_no_second_app_can_be_added(agency_roles):
    officer = agency_roles["admin"]
    enrol(officer)
    attacker = signed_in(officer, second_factor_done=False)

    response = attacker.get("/accounts/two-factor/setup/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/two-factor/")
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_residents_and_operators_have_no_second_factor_pages(agency_roles):
    for role in ("resident_in", "operator"):
        client = signed_in(agency_roles[role])
        assert client.get("/accounts/two-factor/setup/").status_code == 403
        assert client.get("/accounts/two-factor/").status_code == 403
    assert TOTPDevice.objects.count() == 0


def test_a_removed_staff_member_is_no_longer_asked_nor_let_in(agency_roles, police):
    officer = agency_roles["tips"]
    client = signed_in(officer)
    member = AgencyStaff.objects.get(user=officer)
    actions.remove_agency_staff(agency_roles["admin"], member)

    assert client.get("/agency/testville-police/").status_code == 403
    assert client.get("/accounts/two-factor/").status_code == 403


def with_password(user):
    """Staff are invited without a password (they set one through their link)."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.mark.parametrize(("role", "lands_on"), [
    ("publisher", "/agency/"), ("admin", "/agency/"), ("resident_in", "/feed/"), ("operator", "/")])
def test_signing_in_leads_staff_to_their_agency_residents_to_their_feed(agency_roles, role,
                                                                      lands_on):
    user = with_password(agency_roles[role])
    client = Client()

    signed = client.post("/login/", {"username": user.email, "password": PASSWORD})
    asked = client.get(signed["Location"], follow=True)

    assert (signed.status_code, signed["Location"]) == (302, lands_on)
    if lands_on == "/agency/":  # then the second factor, before any agency page opens
        assert asked.redirect_chain[-1][0].startswith("/accounts/two-factor/")


def test_a_next_page_still_wins_over_the_agency(agency_roles):
    officer = with_password(agency_roles["publisher"])
    signed = Client().post("/login/?next=/search/", {"username": officer.email,
                                                      "password": PASSWORD})

    assert signed["Location"] == "/search/"
