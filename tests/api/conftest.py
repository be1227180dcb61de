"""An API client for the tests: JSON in and out, bearer tokens from the real action."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from tests import factories
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident, User
from townsquare.places import actions as places
from townsquare.places.models import City

API = "/api/v1"
_UNSET = object()

# Gazetteer rows of Testville (inside Alder and Hazel) for sign-ups by address.
ADDRESSES = """address,latitude,longitude
12 Alder Lane,38.5957,-121.4961
7 Hazel Court,38.5751,-121.4853
"""


class ApiClient:
    """Calls /api/v1 as one caller (a bearer token, or nobody)."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = _UNSET, *, raw: str | bytes | None = None,
             query: dict[str, Any] | None = None, headers: dict[str, str] | None = None
             ) -> HttpResponse:
        send = getattr(self.client, method.lower())
        all_headers = {**self.headers, **(headers or {})}
        url = API + path
        if method.upper() == "GET":
            return send(url, data=query or {}, headers=all_headers)
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        data = raw if raw is not None else ("" if body is _UNSET else json.dumps(body))
        return send(url, data=data, content_type="application/json", headers=all_headers)

    def get(self, path: str, **query: Any) -> HttpResponse:
        return self.call("GET", path, query=query)

    def post(self, path: str, body: Any = _UNSET, **kwargs: Any) -> HttpResponse:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = _UNSET, **kwargs: Any) -> HttpResponse:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.call("DELETE", path, **kwargs)


def as_user(user: User | None) -> ApiClient:
    return ApiClient(accounts.issue_token(user) if user is not None else None)


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient()


@pytest.fixture
def gazetteer(city: City) -> City:
    places.import_addresses(city, io.StringIO(ADDRESSES))
    return city


def make_resident_at_address(address: str, *, name: str, email: str) -> User:
    """A verified resident whose home is a gazetteer address (so it has one to leak)."""
    resident = accounts.signup_resident(
        email=email, password=factories.PASSWORD, display_name=name, address=address
    )
    accounts.verify_resident(resident, method=Resident.Method.OPERATOR)
    return User.objects.get(pk=resident.user_id)


@pytest.fixture
def author(gazetteer: City) -> User:
    """A verified Alder resident, other than the `roles` ones, living at 12 Alder Lane."""
    return make_resident_at_address("12 Alder Lane", name="Ada Author", email="ada@example.org")


def error_of(response: HttpResponse) -> dict[str, Any]:
    """The error body, after checking that it has exactly the documented shape."""
    body = response.json()
    assert set(body) <= {"error", "detail", "fields"}, body
    assert isinstance(body["error"], str) and isinstance(body["detail"], str), body
    return body
