"""Neighborhood leads: appointed and removed by operators, among verified members."""

from __future__ import annotations

import pytest

from tests.accounts.conftest import waiting
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident
from townsquare.core.errors import Forbidden, Invalid
from townsquare.core.models import AuditLog


def resident_of(user) -> Resident:
    return Resident.objects.select_related("user", "neighborhood").get(user=user)


def test_an_operator_appoints_and_removes_a_lead(roles):
    neighbor = resident_of(roles["neighbor"])

    accounts.appoint_lead(roles["operator"], neighbor)
    assert resident_of(roles["neighbor"]).is_lead is True
    accounts.remove_lead(roles["operator"], neighbor)

    assert resident_of(roles["neighbor"]).is_lead is False
    assert list(AuditLog.objects.filter(target_id=str(neighbor.pk))
                .exclude(action="accounts.signup").exclude(action="accounts.verify_resident")
                .order_by("id").values_list("action", "data")) == [
        ("accounts.appoint_lead", {"neighborhood": "alder"}),
        ("accounts.remove_lead", {"neighborhood": "alder"}),
    ]


@pytest.mark.parametrize("role", ["lead", "neighbor", "anonymous"])
def test_only_operators_appoint_leads(roles, role):
    with pytest.raises(Forbidden):
        accounts.appoint_lead(roles[role], resident_of(roles["nearby"]))
    assert resident_of(roles["nearby"]).is_lead is False


def test_leads_are_verified_members(roles, alder):
    [newcomer] = waiting(alder)

    with pytest.raises(Invalid, match="verified members"):
        accounts.appoint_lead(roles["operator"], resident_of(newcomer.user))
    assert resident_of(newcomer.user).is_lead is False


def test_only_operators_remove_leads(roles):
    with pytest.raises(Forbidden):
        accounts.remove_lead(roles["lead"], resident_of(roles["lead"]))
    assert resident_of(roles["lead"]).is_lead is True
