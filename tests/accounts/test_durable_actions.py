"""The accounts app's top-level actions run in a durable transaction: called inside another
atomic block they refuse to run (Django raises before the block opens), so a caller cannot
fold them into a larger transaction by accident, and nothing is written."""

from __future__ import annotations

import pytest
from django.db import transaction

from townsquare.accounts import actions as accounts
from townsquare.accounts.models import ApiToken, Resident
from townsquare.places.models import Neighborhood

DURABLE = "A durable atomic block cannot be nested within another atomic block."


def resident_of(user) -> Resident:
    return Resident.objects.select_related("user", "neighborhood").get(user=user)


def test_issue_token_is_durable(roles):
    with pytest.raises(RuntimeError, match=DURABLE), transaction.atomic():
        accounts.issue_token(roles["neighbor"], label="nested")
    assert ApiToken.objects.count() == 0
    accounts.issue_token(roles["neighbor"], label="alone")
    assert list(ApiToken.objects.values_list("label", flat=True)) == ["alone"]


def test_appoint_lead_is_durable(roles):
    with pytest.raises(RuntimeError, match=DURABLE), transaction.atomic():
        accounts.appoint_lead(roles["operator"], resident_of(roles["neighbor"]))
    assert resident_of(roles["neighbor"]).lead_since is None
    accounts.appoint_lead(roles["operator"], resident_of(roles["neighbor"]))
    assert resident_of(roles["neighbor"]).is_lead is True


def test_remove_lead_is_durable(roles):
    accounts.appoint_lead(roles["operator"], resident_of(roles["neighbor"]))
    with pytest.raises(RuntimeError, match=DURABLE), transaction.atomic():
        accounts.remove_lead(roles["operator"], resident_of(roles["neighbor"]))
    assert resident_of(roles["neighbor"]).is_lead is True
    accounts.remove_lead(roles["operator"], resident_of(roles["neighbor"]))
    assert resident_of(roles["neighbor"]).is_lead is False


def test_set_muted_nearby_is_durable(roles):
    alder = Neighborhood.objects.get(slug="alder")
    with pytest.raises(RuntimeError, match=DURABLE), transaction.atomic():
        accounts.set_muted_nearby(roles["nearby"], [alder.pk])
    assert list(resident_of(roles["nearby"]).muted_nearby.all()) == []
    accounts.set_muted_nearby(roles["nearby"], [alder.pk])
    assert list(resident_of(roles["nearby"]).muted_nearby.all()) == [alder]
