"""Tokens, sessions and CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.api.conftest import ApiClient, as_user, error_of
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


def test_token_attempts_are_rate_limited_per_email(anon, roles):
    email = roles["neighbor"].email
    statuses = [anon.post("/auth/token", {"email": email, "password": "wrong password!"},
                          headers={}).status_code for _ in range(20)]
    blocked = anon.post("/auth/token", {"email": email, "password": factories.PASSWORD})

    assert statuses == [401] * 20
    assert blocked.status_code == 429
    assert error_of(blocked)["error"] == "rate_limited"


def test_token_attempts_are_rate_limited_per_address(roles):
    # Different emails from one client address: the address limit stops them.
    client = ApiClient(client=Client(REMOTE_ADDR="203.0.113.9"))
    statuses = [client.post("/auth/token", {"email": f"guess{i}@example.org",
                                            "password": "x" * 12}).status_code
                for i in range(21)]
    other_address = ApiClient(client=Client(REMOTE_ADDR="203.0.113.10")).post(
        "/auth/token", {"email": roles["neighbor"].email, "password": factories.PASSWORD})

    assert statuses == [401] * 20 + [429]
    assert other_address.status_code == 200


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
