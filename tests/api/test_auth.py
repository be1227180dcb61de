"""Tokens, sessions and CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.api.conftest import ApiClient, as_user, error_of
from tests.web.agency_helpers import code_for, enrol
from townsquare.accounts.models import ApiToken


def test_token_for_good_credentials_works_as_bearer(anon, roles):
    response = anon.post("/auth/token", {"email": roles["neighbor"].email.upper(),
                                         "password": factories.PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    assert ApiToken.objects.get(user=roles["neighbor"]).label == "api"
    assert ApiClient(token).get("/me").json()["email"] == roles["neighbor"].email


@pytest.mark.parametrize(
    ("email", "password"),
    [("resident-nobody@example.org", factories.PASSWORD), (None, "wrong password!")],
)
def test_token_for_wrong_credentials_is_401(anon, roles, email, password):
    response = anon.post("/auth/token", {"email": email or roles["neighbor"].email,
                                         "password": password})

    assert response.status_code == 401
    assert error_of(response) == {"error": "not_authenticated",
                                  "detail": "Wrong email or password."}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert ApiToken.objects.count() == 0


def test_token_for_an_inactive_account_is_401(anon, roles):
    user = roles["neighbor"]
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = anon.post("/auth/token", {"email": user.email, "password": factories.PASSWORD})

    assert response.status_code == 401


def test_token_missing_fields_is_400(anon, db):
    response = anon.post("/auth/token", {"email": "a@example.org"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"password": ["Field required"]}


def _wrong(client: ApiClient, email: str, n: int) -> list[int]:
    return [client.post("/auth/token", {"email": email, "password": "wrong password!"}
                        ).status_code for _ in range(n)]


def _at(address: str) -> ApiClient:
    return ApiClient(client=Client(REMOTE_ADDR=address))


def test_token_attempts_are_limited_per_account_and_address(roles, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "login": "5/600"}
    email = roles["neighbor"].email
    statuses = _wrong(_at("203.0.113.9"), email, 5)
    blocked = _at("203.0.113.9").post("/auth/token", {"email": email,
                                                      "password": factories.PASSWORD})
    # The owner, elsewhere, is not locked out by the guesses from 203.0.113.9.
    owner = _at("198.51.100.20").post("/auth/token", {"email": email,
                                                      "password": factories.PASSWORD})

    assert statuses == [401] * 5
    assert blocked.status_code == 429
    assert error_of(blocked) == {
        "error": "rate_limited",
        "detail": "Too many sign-in attempts. Wait a few minutes and try again."}
    assert owner.status_code == 200


def test_token_attempts_are_limited_per_address_over_all_accounts(roles, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "login_client": "20/600"}
    client = _at("203.0.113.9")
    statuses = [client.post("/auth/token", {"email": f"guess{i}@example.org",
                                            "password": "x" * 12}).status_code
                for i in range(21)]
    other_address = _at("203.0.113.10").post(
        "/auth/token", {"email": roles["neighbor"].email, "password": factories.PASSWORD})

    assert statuses == [401] * 20 + [429]
    assert other_address.status_code == 200


def test_past_the_account_ceiling_unknown_addresses_are_slowed_known_ones_are_not(
        roles, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "login": "3/600",
                                       "login_account": "6/600", "login_slowed": "1/600"}
    email = roles["neighbor"].email
    right = {"email": email, "password": factories.PASSWORD}
    assert _at("198.51.100.20").post("/auth/token", right).status_code == 200  # the owner
    # An attacker with many addresses passes the account's ceiling (6, the owner's one
    # included): from then on, one attempt per window for every address it never used.
    guesses = [status for n in range(3) for status in _wrong(_at(f"203.0.113.{n}"), email, 2)]
    slowed_first = _at("203.0.113.50").post("/auth/token", right)
    slowed_next = _at("203.0.113.51").post("/auth/token", right)
    owner = _at("198.51.100.20").post("/auth/token", right)

    assert guesses == [401] * 6  # the last is the 7th on the account: slowed, and let through
    assert slowed_first.status_code == 429
    assert error_of(slowed_first)["detail"] == (
        "This account is receiving many sign-in attempts. Wait a few seconds and try again.")
    assert slowed_next.status_code == 429
    assert owner.status_code == 200


@pytest.fixture
def officer(agency_roles, settings):
    """A publisher of Testville Police with a password and an authenticator app. django-otp's
    own wait after a wrong code is off, so a right code may follow a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = agency_roles["publisher"]
    user.set_password(factories.PASSWORD)
    user.save(update_fields=["password"])
    return user, enrol(user)


def _staff_token(officer, client: ApiClient | None = None, **extra: object):
    user, _device = officer
    return (client or ApiClient()).post(
        "/auth/token", {"email": user.email, "password": factories.PASSWORD, **extra})


def test_staff_get_no_token_with_the_password_alone(officer):
    response = _staff_token(officer)

    assert response.status_code == 401
    assert error_of(response) == {
        "error": "not_authenticated",
        "detail": "This account needs a second-factor code: send the current code from "
                  "your authenticator app as otp."}
    assert ApiToken.objects.filter(user=officer[0]).count() == 0


def _not_the_code(device) -> str:
    """A well-formed code the app does not show now (nor 30 s before or after)."""
    near = {code_for(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("111111", "222222", "333333", "444444") if c not in near)


@pytest.mark.parametrize("otp", ["wrong", "12345", "abcdef", " "])
def test_staff_get_no_token_with_a_wrong_code(officer, otp):
    sent = _not_the_code(officer[1]) if otp == "wrong" else otp
    response = _staff_token(officer, otp=sent)

    assert response.status_code == 401
    assert error_of(response)["detail"] == "Wrong or expired second-factor code."
    assert ApiToken.objects.filter(user=officer[0]).count() == 0


def test_an_otp_that_is_not_text_is_400(officer):
    response = _staff_token(officer, otp=123456)

    assert response.status_code == 400
    assert ApiToken.objects.filter(user=officer[0]).count() == 0


def test_staff_get_a_token_with_a_current_code(officer):
    user, device = officer
    response = _staff_token(officer, otp=code_for(device, steps_ahead=1))

    assert response.status_code == 200
    assert ApiClient(response.json()["token"]).get("/me").json()["email"] == user.email
    # The code is spent: the same one again is refused.
    again = _staff_token(officer, otp=code_for(device, steps_ahead=1))
    assert again.status_code == 401
    assert error_of(again)["detail"] == "Wrong or expired second-factor code."


def test_staff_without_a_second_factor_get_no_token_until_they_set_one_up(agency_roles):
    user = agency_roles["tips"]
    user.set_password(factories.PASSWORD)
    user.save(update_fields=["password"])

    response = ApiClient().post("/auth/token", {"email": user.email,
                                                "password": factories.PASSWORD,
                                                "otp": "123456"})

    assert response.status_code == 401
    assert error_of(response)["detail"] == (
        "This account needs a second factor: sign in on the website to set up your "
        "authenticator app, then send its current code as otp.")
    assert ApiToken.objects.filter(user=user).count() == 0


def test_a_wrong_password_with_a_right_code_is_still_401(officer):
    user, device = officer
    response = ApiClient().post("/auth/token", {"email": user.email, "password": "nope" * 4,
                                                "otp": code_for(device, steps_ahead=1)})

    assert (response.status_code, error_of(response)["detail"]) == (
        401, "Wrong email or password.")


def test_staff_codes_are_limited_per_account_and_address(officer, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "second_factor": "3/900"}
    _user, device = officer
    attacker = _at("203.0.113.9")
    wrong = [_staff_token(officer, attacker, otp=_not_the_code(device)).status_code
             for _ in range(3)]
    blocked = _staff_token(officer, attacker, otp=code_for(device, steps_ahead=1))
    owner = _staff_token(officer, _at("198.51.100.20"), otp=code_for(device, steps_ahead=1))

    assert wrong == [401, 401, 401]
    assert blocked.status_code == 429
    assert error_of(blocked)["detail"] == (
        "Too many codes tried. Wait a few minutes and try again.")
    assert owner.status_code == 200


@pytest.mark.parametrize("header",
                         ["Bearer nonsense", "Bearer ", "Token abc", "Basic Zm9vOmJhcg=="])
def test_bad_authorization_header_is_401(roles, header):
    response = ApiClient().call("GET", "/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert error_of(response)["error"] == "not_authenticated"


def test_a_bad_token_does_not_fall_back_to_the_session(roles):
    client = Client()
    client.force_login(roles["neighbor"])

    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 401


def test_token_of_a_deactivated_user_stops_working(roles):
    client = as_user(roles["neighbor"])
    roles["neighbor"].is_active = False
    roles["neighbor"].save(update_fields=["is_active"])

    assert client.get("/me").status_code == 401


def test_session_writes_need_the_csrf_token(roles):
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles["neighbor"])
    secret = "k" * 32  # a CSRF secret as the site's pages would have set in the cookie
    client.cookies["csrftoken"] = secret

    without = client.post("/api/v1/posts", '{"body": "hi"}', content_type="application/json")
    wrong = client.post("/api/v1/posts", '{"body": "hi"}', content_type="application/json",
                        headers={"X-CSRFToken": "j" * 32})
    right = client.post("/api/v1/posts", '{"body": "hi"}', content_type="application/json",
                        headers={"X-CSRFToken": secret})

    assert (without.status_code, wrong.status_code, right.status_code) == (403, 403, 201)
    assert error_of(without)["error"] == "forbidden"


def test_bearer_writes_need_no_csrf_token(roles):
    token_client = as_user(roles["neighbor"])
    token_client.client = Client(enforce_csrf_checks=True)

    assert token_client.post("/posts", {"body": "hi"}).status_code == 201


def test_session_safe_requests_need_no_csrf_token(roles):
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles["neighbor"])

    assert client.get("/api/v1/feed").status_code == 200
