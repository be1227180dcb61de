"""Rate limits count atomically: parallel attempts against the real store (the database on
the embedded default, Redis when REDIS_URL is set) never get past the limit."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tests import factories
from townsquare.accounts.actions import authentication
from townsquare.core import ratelimit
from townsquare.core.errors import NotAuthenticated, RateLimited
from townsquare.core.models import RateCounter

PARALLEL = 60
LIMIT = 20
REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["database", "redis"])
def store(request, settings, tmp_path):
    """The embedded default's file cache stays configured: counting must not rely on it."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache")}}
    settings.TOWNSQUARE_RATE_LIMIT_REDIS_URL = REDIS if request.param == "redis" else ""
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "login": f"{LIMIT}/600", "login_client": "1000/600",
                                       "login_account": "1000/600"}
    return request.param


def _in_parallel(attempt: Callable[[], str]) -> list[str]:
    """Run `attempt` in PARALLEL threads released at once; each returns what happened."""
    start = threading.Barrier(PARALLEL)
    results: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            outcome = attempt()
        except RateLimited:
            outcome = "limited"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_parallel_hits_never_pass_the_limit(store):
    key = secrets.token_hex(8)

    def attempt() -> str:
        ratelimit.hit("login", key)
        return "counted"

    results = _in_parallel(attempt)

    assert results.count("counted") == LIMIT
    assert results.count("limited") == PARALLEL - LIMIT


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_exactly_the_limit_of_checks(store, city):
    user = factories.make_resident(factories.nbhd(city, "Alder"))
    client = f"203.0.113.{secrets.randbelow(250)}-{secrets.token_hex(4)}"

    def attempt() -> str:
        try:
            authentication.check_password(email=user.email, password="wrong password!",
                                          client=client)
        except NotAuthenticated:
            return "checked"
        return "signed in"

    results = _in_parallel(attempt)

    assert results.count("checked") == LIMIT
    assert results.count("limited") == PARALLEL - LIMIT


@pytest.mark.django_db
def test_counters_hold_no_email_or_address_and_old_windows_go(settings):
    settings.TOWNSQUARE_RATE_LIMIT_REDIS_URL = ""
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "login": "3/600"}
    RateCounter.objects.create(key="0" * 64, n=7, expires_at=1)  # a window long over

    for _ in range(3):
        ratelimit.hit("login", "email:nora@example.org|203.0.113.9")
    with pytest.raises(RateLimited):
        ratelimit.hit("login", "email:nora@example.org|203.0.113.9")

    rows = list(RateCounter.objects.values_list("key", "n"))
    assert len(rows) == 1 and rows[0][1] == 4
    assert "nora" not in rows[0][0] and "203.0.113.9" not in rows[0][0]
    ratelimit.reset("login", "email:nora@example.org|203.0.113.9")
    assert RateCounter.objects.count() == 0
