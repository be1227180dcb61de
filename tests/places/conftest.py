from __future__ import annotations

import pytest

from tests.places.shapes import NEIGHBORHOODS
from townsquare.places.actions import import_neighborhoods
from townsquare.places.models import City


@pytest.fixture
def sacramento(db) -> City:
    return import_neighborhoods("Sacramento", NEIGHBORHOODS).city
