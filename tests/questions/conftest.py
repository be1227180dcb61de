from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from townsquare.questions import actions
from townsquare.questions.models import Question


@pytest.fixture
def alder(city):
    return factories.nbhd(city, "Alder")


@pytest.fixture
def police_local(agency_roles, police):
    """Testville Police serving Alder and Birch only: Ironwood (resident_out) is outside."""
    police.all_neighborhoods = False
    police.save(update_fields=["all_neighborhoods"])
    police.jurisdiction.set([factories.nbhd(police.city, "Alder"),
                             factories.nbhd(police.city, "Birch")])
    return police


def ask(user: Any, agency: Any, title: str = "Why so many sirens at night?",
        body: str = "Every night around 2am on Alder Lane.") -> Question:
    return actions.ask_question(user, agency, title=title, body=body)
