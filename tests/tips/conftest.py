from __future__ import annotations

import pytest

from tests.agencies.factories import publish
from townsquare.tips import limits


@pytest.fixture(autouse=True)
def _fresh_limit_keys():
    limits.forget_keys()
    yield
    limits.forget_keys()


@pytest.fixture
def tips_world(agency_roles, police, water):
    """agency_roles plus Testville Police's request for information (to
    Alder), published by its publisher."""
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    return {"users": agency_roles, "police": police, "water": water, "post": post}
