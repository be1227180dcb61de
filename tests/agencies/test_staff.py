"""Agency staff: work accounts only, one agency per account, a one-time password-set link,
roles managed by the agency's admins, and always one admin left."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.http import urlsafe_base64_decode

from tests import factories
from tests.agencies.factories import make_staff
from tests.api.conftest import as_user, error_of
from townsquare import policy
from townsquare.accounts.models import User
from townsquare.agencies import actions, links
from townsquare.agencies.models import AgencyStaff
from townsquare.core.errors import Conflict, Forbidden, Invalid

AGENCY = "/agencies/testville-police"


def check_link(link: str, user: User) -> bool:
    prefix = "http://127.0.0.1:8000/accounts/set-password/"
    assert link.startswith(prefix) and link.endswith("/")
    uidb64, token = link.removeprefix(prefix).rstrip("/").split("/")
    assert int(urlsafe_base64_decode(uidb64)) == user.pk
    return default_token_generator.check_token(user, token)


def test_a_new_account_gets_an_unusable_password_and_a_working_link(police, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"

    staff, link = actions.add_agency_staff(police, "Ofc.Reyes@police.testville.gov",
                                           "publisher", display_name="Officer Reyes",
                                           send_email=False)

    user = staff.user
    assert (user.email, user.display_name, user.has_usable_password()) == (
        "ofc.reyes@police.testville.gov", "Officer Reyes", False)
    assert (user.is_staff, staff.role, staff.active) == (False, "publisher", True)
    assert check_link(link, user)
    # Used once (the password is set), the link stops working.
    user.set_password("a new long password")
    user.save()
    assert not check_link(link, User.objects.get(pk=user.pk))
    assert link.startswith(settings.SITE_URL) and links.password_set_link(user) != link


def test_an_existing_non_resident_account_is_attached(police):
    existing = User.objects.create_user(email="desk@police.testville.gov", password=None,
                                        display_name="Desk")

    staff, _link = actions.add_agency_staff(police, "desk@police.testville.gov", "tips",
                                            send_email=False)

    assert staff.user == existing and User.objects.count() == 1


def test_a_residents_email_is_refused(city, police):
    resident = factories.make_resident(factories.nbhd(city, "Alder"),
                                       email="officer@police.testville.gov")

    with pytest.raises(Conflict) as raised:
        actions.add_agency_staff(police, resident.email, "admin", send_email=False)

    assert raised.value.fields == {"email": [
        "This email belongs to a resident's account. Staff use a separate work account "
        "(so the agency never sees a resident's own neighborhood)."]}
    assert AgencyStaff.objects.filter(user=resident).count() == 0


def test_an_operators_email_is_refused(police):
    operator = factories.make_operator("ops@police.testville.gov")

    with pytest.raises(Conflict):
        actions.add_agency_staff(police, operator.email, "admin", send_email=False)


def test_one_agency_per_account(police, water):
    user = make_staff(water, "tips", "Dual Person")
    police.email_domain = ""
    police.save()

    with pytest.raises(Conflict) as raised:
        actions.add_agency_staff(police, user.email, "tips", send_email=False)

    assert raised.value.fields == {"email": [
        "This account is on the staff of Testville Water; one agency per account."]}


def test_staff_use_the_agency_email_domain(police):
    with pytest.raises(Invalid) as raised:
        actions.add_agency_staff(police, "someone@gmail.com", "tips", send_email=False)

    assert raised.value.fields == {"email": [
        "Use an address at police.testville.gov, the agency's email domain."]}


# The worker runs the real task queue, which needs committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_agency_admin_invites_by_api_and_the_link_is_mailed(
        police, agency_roles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(agency_roles["admin"]).post(
            f"{AGENCY}/staff", {"email": "new@police.testville.gov", "role": "publisher",
                                "display_name": "New Officer"})
    factories.run_worker()

    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("email", "display_name", "role")} == {
        "email": "new@police.testville.gov", "display_name": "New Officer",
        "role": "publisher"}
    assert "link" not in response.json()
    [message] = mail.outbox
    assert message.to == ["new@police.testville.gov"]
    assert message.subject == "Your staff account at Testville Police"
    link = next(line for line in message.body.splitlines() if "/set-password/" in line)
    assert check_link(link, User.objects.get(email="new@police.testville.gov"))


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 201), ("operator", 201), ("publisher", 403), ("tips", 403),
    ("other_staff", 403), ("resident_in", 403)])
def test_who_adds_staff(police, agency_roles, role, status):
    response = as_user(agency_roles[role]).post(
        f"{AGENCY}/staff", {"email": "x@police.testville.gov", "role": "tips"})

    assert response.status_code == status


def test_adding_someone_twice_is_a_conflict(police, agency_roles):
    client = as_user(agency_roles["admin"])
    response = client.post(f"{AGENCY}/staff", {"email": agency_roles["tips"].email,
                                               "role": "tips"})

    assert response.status_code == 409
    assert error_of(response)["fields"] == {"email": [
        "Already on the staff; change the role instead."]}


def test_role_changes_and_removal(police, agency_roles):
    client = as_user(agency_roles["admin"])
    tips = AgencyStaff.objects.get(user=agency_roles["tips"])

    changed = client.patch(f"{AGENCY}/staff/{tips.pk}", {"role": "publisher"})
    assert changed.status_code == 200 and changed.json()["role"] == "publisher"
    assert policy.can_publish(User.objects.get(pk=tips.user_id), police)

    assert client.delete(f"{AGENCY}/staff/{tips.pk}").status_code == 204
    gone = User.objects.get(pk=tips.user_id)
    assert policy.agency_staff_of(gone) is None
    assert as_user(gone).get(f"{AGENCY}/posts").status_code == 403
    assert client.delete(f"{AGENCY}/staff/{tips.pk}").status_code == 404
    listed = [s["email"] for s in client.get(f"{AGENCY}/staff").json()["items"]]
    assert listed == [agency_roles["admin"].email, agency_roles["publisher"].email]
    # Invited back later, with a new role.
    again, _link = actions.add_agency_staff(police, gone.email, "tips",
                                            actor=agency_roles["admin"])
    assert (again.pk, again.active, again.role) == (tips.pk, True, "tips")


def test_the_last_admin_stays(police, agency_roles):
    admin = AgencyStaff.objects.get(user=agency_roles["admin"])

    with pytest.raises(Conflict):
        actions.remove_agency_staff(agency_roles["admin"], admin)
    with pytest.raises(Conflict):
        actions.change_staff_role(agency_roles["admin"], admin, "tips")

    make_staff(police, "admin", "Second Admin")
    actions.change_staff_role(agency_roles["admin"], admin, "tips")
    assert AgencyStaff.objects.get(pk=admin.pk).role == "tips"


def test_another_agencys_admin_manages_nothing_here(police, agency_roles):
    tips = AgencyStaff.objects.get(user=agency_roles["tips"])

    with pytest.raises(Forbidden):
        actions.remove_agency_staff(agency_roles["other_staff"], tips)
    response = as_user(agency_roles["other_staff"]).get(f"{AGENCY}/staff")
    assert response.status_code == 403


def test_me_shows_the_agency_and_role(police, agency_roles):
    me = as_user(agency_roles["publisher"]).get("/me").json()

    assert (me["roles"], me["agency"], me["neighborhood"], me["home"]) == (
        ["agency_staff"], {"slug": "testville-police", "name": "Testville Police",
                           "role": "publisher"}, None, None)
