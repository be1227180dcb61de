"""The API's limits per client address: sign-up has the page's limit, and behind a trusted
proxy each client has its own allowance while a client's own X-Forwarded-For is ignored."""

from __future__ import annotations

from django.test import Client

from tests import factories
from tests.api.conftest import ApiClient, error_of
from townsquare.accounts.models import User

PROXY = "10.0.0.2"


def _resident(n: int) -> dict[str, object]:
    return {"email": f"n{n}@example.org", "password": factories.PASSWORD,
            "display_name": f"Neighbor {n}", "address": "12 Alder Lane"}


def _via(remote: str, forwarded: str | None = None) -> ApiClient:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return ApiClient(client=Client(REMOTE_ADDR=remote, **headers))


def test_api_sign_up_is_limited_per_address_like_the_page(gazetteer, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "signup": "2/3600"}
    here = _via("203.0.113.9")
    statuses = [here.post("/residents", _resident(n)).status_code for n in range(3)]
    elsewhere = _via("203.0.113.10").post("/residents", _resident(3))

    assert statuses == [201, 201, 429]
    assert error_of(_via("203.0.113.9").post("/residents", _resident(4))) == {
        "error": "rate_limited",
        "detail": "Too many sign-ups from your network. Please try again later."}
    assert elsewhere.status_code == 201
    assert User.objects.count() == 3


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(roles, settings):
    settings.TOWNSQUARE_TRUSTED_PROXIES = [PROXY]
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "login": "3/600"}
    email = roles["neighbor"].email
    wrong = {"email": email, "password": "wrong password!"}
    guesses = [_via(PROXY, "203.0.113.9").post("/auth/token", wrong).status_code
               for _ in range(4)]
    # The same proxy, another client: the guesses above do not count against it.
    owner = _via(PROXY, "198.51.100.20").post(
        "/auth/token", {"email": email, "password": factories.PASSWORD})

    assert guesses == [401, 401, 401, 429]
    assert owner.status_code == 200


def test_a_spoofed_header_does_not_give_a_fresh_allowance(roles, settings):
    settings.TOWNSQUARE_TRUSTED_PROXIES = [PROXY]
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "login": "3/600"}
    wrong = {"email": roles["neighbor"].email, "password": "wrong password!"}
    # Straight to the server, a new made-up address each time: all count as 203.0.113.9.
    direct = [_via("203.0.113.9", f"198.51.100.{n}").post("/auth/token", wrong).status_code
              for n in range(4)]
    # Through the proxy, with made-up hops on the left: the proxy's hop is the client.
    proxied = [_via(PROXY, f"198.51.100.{n}, 203.0.113.7").post("/auth/token", wrong)
               .status_code for n in range(4)]

    assert direct == [401, 401, 401, 429]
    assert proxied == [401, 401, 401, 429]


def test_without_trusted_proxies_the_header_is_ignored(roles, settings):
    settings.TOWNSQUARE_TRUSTED_PROXIES = []
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "login": "3/600"}
    wrong = {"email": roles["neighbor"].email, "password": "wrong password!"}
    statuses = [_via(PROXY, f"198.51.100.{n}").post("/auth/token", wrong).status_code
                for n in range(4)]

    assert statuses == [401, 401, 401, 429]
