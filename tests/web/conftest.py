"""Helpers for the page tests: a logged-in test client per role, and a small gazetteer."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client

from townsquare.places import actions as places
from townsquare.places.models import City

# The middle of Alder is (38.595, -121.495); these rows sit inside Alder, inside Birch, and
# far outside Testville.
ADDRESSES = """address,latitude,longitude
4321 Quail Run,38.5951,-121.4952
4323 Quail Run,38.5953,-121.4954
18 Birch Row,38.5949,-121.4851
1 Faraway Rd,37.0000,-120.0000
"""


@pytest.fixture
def gazetteer(city: City) -> City:
    places.import_addresses(city, io.StringIO(ADDRESSES))
    return city


@pytest.fixture
def client_as(db) -> Callable[[object], Client]:
    """A fresh test client logged in as `user` (anonymous for None)."""

    def make(user: object) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
