"""The operators' admin: every model is listed, changes go through the actions, the audit log
is read-only, and only operators get in."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.accounts.conftest import waiting
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident
from townsquare.core.models import AuditLog


@pytest.fixture
def operator_client(roles) -> Client:
    client = Client()
    client.force_login(roles["operator"])
    return client


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_every_registered_model_lists_and_shows_for_an_operator(roles, operator_client):
    post = factories.make_post(roles["neighbor"], body="Hello admin")
    accounts.issue_token(roles["neighbor"])
    post.refresh_from_db()
    ours = [m for m in admin.site._registry if m.__module__.startswith("townsquare.")]

    statuses = {m.__name__: operator_client.get(changelist(m)).status_code for m in ours}

    assert set(statuses) >= {"AuditLog", "City", "Neighborhood", "Address", "User", "Resident",
                             "PostcardBatch", "VerificationCode", "Invitation", "ApiToken",
                             "Post", "Reply", "Report", "Thank", "FeedItem"}
    assert {name: status for name, status in statuses.items() if status != 200} == {}
    for obj in (post, Resident.objects.first(), AuditLog.objects.first()):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change",
                      args=[obj.pk])
        assert operator_client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["neighbor", "lead"])
def test_residents_and_leads_are_not_let_in(roles, role):
    client = Client()
    client.force_login(roles[role])

    response = client.get(changelist(Resident))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_resident_list_shows_the_private_home_for_the_postcards(gazetteer, operator_client):
    accounts.signup_resident(email="ada@example.org", password=factories.PASSWORD,
                             display_name="Ada", address="12 Alder Lane")

    page = operator_client.get(changelist(Resident)).content.decode()

    assert "12 Alder Ln" in page and "ada@example.org" in page


def test_verify_selected_residents_goes_through_the_action(alder, roles, operator_client):
    people = waiting(alder, 2)

    response = operator_client.post(changelist(Resident), {
        "action": "verify_selected", "_selected_action": [p.pk for p in people]}, follow=True)

    assert response.status_code == 200
    assert Resident.objects.filter(pk__in=[p.pk for p in people],
                                   verification_method="operator").count() == 2
    alder.refresh_from_db()
    assert alder.verified_members == 4  # the two roles' members and these two
    entries = AuditLog.objects.filter(action="accounts.verify_resident",
                                      target_id__in=[str(p.pk) for p in people])
    assert sorted({e.actor_id for e in entries}) == [roles["operator"].pk]
    assert entries.count() == 2


def test_appoint_as_lead_goes_through_the_action_and_reports_refusals(alder, roles,
                                                                      operator_client):
    neighbor = Resident.objects.get(user=roles["neighbor"])
    [newcomer] = waiting(alder)

    response = operator_client.post(changelist(Resident), {
        "action": "appoint_lead", "_selected_action": [neighbor.pk, newcomer.pk]}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert Resident.objects.get(pk=neighbor.pk).is_lead is True
    assert Resident.objects.get(pk=newcomer.pk).is_lead is False
    assert messages[0] == "Appoint as lead: 1 done."
    assert messages[1].startswith("Appoint as lead refused for ")
    assert messages[1].endswith("Leads are chosen from active verified members.")


def test_residents_cannot_be_edited_or_deleted_in_the_admin(roles, operator_client):
    resident = Resident.objects.get(user=roles["neighbor"])
    change = reverse("admin:accounts_resident_change", args=[resident.pk])
    delete = reverse("admin:accounts_resident_delete", args=[resident.pk])

    operator_client.post(change, {"home_address": "Somewhere else", "verified_at": ""})

    assert operator_client.post(delete, {"post": "yes"}).status_code == 403
    stored = Resident.objects.get(pk=resident.pk)
    assert (stored.home_address, stored.verified_at) == (resident.home_address,
                                                         resident.verified_at)


def test_the_audit_log_is_read_only(roles, operator_client):
    entry = AuditLog.objects.first()
    add = reverse("admin:core_auditlog_add")
    change = reverse("admin:core_auditlog_change", args=[entry.pk])
    delete = reverse("admin:core_auditlog_delete", args=[entry.pk])
    count = AuditLog.objects.count()

    assert operator_client.get(add).status_code == 403
    assert operator_client.post(delete, {"post": "yes"}).status_code == 403
    operator_client.post(change, {"action": "forged"})
    response = operator_client.post(changelist(AuditLog), {
        "action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})

    assert response.status_code in (200, 302)
    assert AuditLog.objects.count() == count
    assert AuditLog.objects.get(pk=entry.pk).action == entry.action


# --- an account's standing: through accounts.actions.change_account, audited -------------------
def _superuser_client() -> tuple[Client, object]:
    superuser = factories.make_operator()
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(superuser)
    return client, superuser


def _change(client: Client, user, **flags) -> object:
    """Post the user's change form as the admin shows it, with `flags` changed."""
    from townsquare.accounts.models import User

    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if name in form.fields and value is not None and name != "password"}
    for name in ("is_active", "is_staff", "is_superuser"):
        data[name] = "on" if flags.get(name, getattr(user, name)) else ""
    data = {k: v for k, v in data.items() if v != ""}
    data["groups"] = []
    data["user_permissions"] = []
    response = client.post(url, data)
    return response, User.objects.get(pk=user.pk)


def test_a_superuser_makes_an_operator_through_the_action_with_an_audit_entry(roles):
    client, superuser = _superuser_client()
    neighbor = roles["neighbor"]

    response, neighbor = _change(client, neighbor, is_staff=True)

    assert response.status_code == 302
    assert neighbor.is_staff is True
    entry = AuditLog.objects.get(action="accounts.change_account")
    assert (entry.actor_id, entry.target_id, entry.data) == (
        superuser.pk, str(neighbor.pk), {"is_staff": True})


def test_an_operator_deactivates_an_account_with_an_audit_entry(roles, operator_client):
    response, neighbor = _change(operator_client, roles["neighbor"], is_active=False)

    assert response.status_code == 302
    assert neighbor.is_active is False
    entry = AuditLog.objects.get(action="accounts.change_account")
    assert (entry.actor_id, entry.data) == (roles["operator"].pk, {"is_active": False})


def test_an_agency_staff_account_is_never_made_an_operator_in_the_admin(city, police):
    from tests.agencies.factories import make_staff

    client, _superuser = _superuser_client()
    officer = make_staff(police, "publisher", "Olly Officer")

    response, officer = _change(client, officer, is_staff=True, is_superuser=True)

    assert response.status_code == 200  # the form again, with the refusal on it
    assert "An agency staff account can never be an operator" in response.content.decode()
    assert (officer.is_staff, officer.is_superuser) == (False, False)
    assert not AuditLog.objects.filter(action="accounts.change_account").exists()


def test_the_action_refuses_agency_staff_and_non_superusers(city, police, roles):
    from tests.agencies.factories import make_staff
    from townsquare.core.errors import Forbidden

    _client, superuser = _superuser_client()
    officer = make_staff(police, "admin", "Ada Admin")

    with pytest.raises(Forbidden, match="agency staff account"):
        accounts.change_account(superuser, officer, is_staff=True)
    with pytest.raises(Forbidden, match="Only superusers"):
        accounts.change_account(roles["operator"], roles["neighbor"], is_staff=True)
    with pytest.raises(Forbidden, match="Only operators"):
        accounts.change_account(roles["neighbor"], roles["lead"], is_active=False)
    officer.refresh_from_db()
    assert officer.is_staff is False
    assert accounts.change_account(superuser, officer, is_active=False).is_active is False
