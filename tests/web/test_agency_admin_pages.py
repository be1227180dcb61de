"""Joining (the application page and the operators' review), the dashboard's onboarding
checklist, the staff page, the audit log and the exports: each staff action on a page
leaves exactly one audit entry."""

from __future__ import annotations

import csv
import io
import json
from html import unescape

import pytest

from tests.agencies.factories import make_agency, make_staff, publish
from tests.web.agency_helpers import signed_in, text
from tests.web.helpers import field_error
from townsquare.agencies import actions
from townsquare.agencies.models import Agency, AgencyStaff
from townsquare.core.models import AuditLog

P = "/agency/testville-police"
APPLICATION = {"name": "Testville Fire", "kind": "fire", "city": "testville",
               "website": "https://fire.testville.gov", "email_domain": "fire.testville.gov",
               "contact_name": "Fay Fire", "contact_email": "fay@fire.testville.gov"}


def entries(action: str) -> list[dict]:
    return list(AuditLog.objects.filter(action=action).order_by("pk")
                .values_list("data", flat=True))


def error_on(response, field: str) -> str:
    return unescape(field_error(text(response), field))


# --- joining -----------------------------------------------------------------------------------
def test_an_agency_applies_on_the_page(city, client):
    response = client.post("/agencies/apply/", APPLICATION)

    agency = Agency.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/agencies/apply/sent/")
    assert (agency.name, agency.status, agency.city, agency.contact_email) == (
        "Testville Fire", "pending", city, "fay@fire.testville.gov")
    assert "waiting for review" in text(client.get("/agencies/apply/sent/"))


def test_application_errors_are_shown_on_their_fields(city, client):
    response = client.post("/agencies/apply/", {**APPLICATION, "website": "fire dept",
                                                "city": "", "contact_email":
                                                "fay@gmail.example"})

    assert response.status_code == 400
    assert error_on(response, "website") == (
        "Enter a full address, like https://police.example.gov.")
    assert error_on(response, "city") == "Choose the agency's city."
    assert error_on(response, "contact_email") == (
        "Use an address at fire.testville.gov, the agency's domain.")
    assert Agency.objects.count() == 0


@pytest.fixture
def pending(city):
    return actions.apply_for_agency(city=city, **{k: v for k, v in APPLICATION.items()
                                                  if k != "city"})


def test_an_operator_approves_with_chosen_neighborhoods(pending, roles):
    operator = signed_in(roles["operator"])
    page = text(operator.get("/operator/agencies/"))
    prefix = f"a{pending.pk}-"

    response = operator.post(f"/operator/agencies/{pending.pk}/review/", {
        prefix + "decision": "approve", prefix + "jurisdiction": "chosen",
        prefix + "neighborhoods": ["alder", "birch"], prefix + "note": "Checked the site"})

    pending.refresh_from_db()
    assert "Testville Fire" in page and "fay@fire.testville.gov" in page
    assert (response.status_code, response["Location"]) == (
        302, "/agency/testville-fire/staff/")
    assert (pending.status, pending.all_neighborhoods) == ("approved", False)
    assert sorted(pending.jurisdiction.values_list("slug", flat=True)) == ["alder", "birch"]
    assert entries("agencies.approve") == [{"note": "Checked the site",
                                            "all_neighborhoods": False,
                                            "neighborhoods": ["alder", "birch"]}]
    # The operator invites its first admin on its staff page.
    invited = operator.post("/agency/testville-fire/staff/", {
        "action": "invite", "email": "chief@fire.testville.gov", "role": "admin"})
    assert invited.status_code == 302
    assert AgencyStaff.objects.get(agency=pending).role == "admin"


def test_approving_with_no_neighborhood_chosen_is_refused(pending, roles):
    prefix = f"a{pending.pk}-"
    response = signed_in(roles["operator"]).post(f"/operator/agencies/{pending.pk}/review/", {
        prefix + "decision": "approve", prefix + "jurisdiction": "chosen"})

    assert response.status_code == 400
    assert error_on(response, f"a{pending.pk}-neighborhoods") == (
        "Name at least one neighborhood.")
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_an_operator_rejects(pending, roles):
    prefix = f"a{pending.pk}-"
    signed_in(roles["operator"]).post(f"/operator/agencies/{pending.pk}/review/", {
        prefix + "decision": "reject", prefix + "note": "Not an agency"})

    pending.refresh_from_db()
    assert pending.status == "rejected"
    assert entries("agencies.reject") == [{"note": "Not an agency"}]


def test_only_operators_review(pending, roles):
    prefix = f"a{pending.pk}-"
    response = signed_in(roles["lead"]).post(f"/operator/agencies/{pending.pk}/review/", {
        prefix + "decision": "approve", prefix + "jurisdiction": "all"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending"


# --- the dashboard --------------------------------------------------------------------------------
def test_the_onboarding_checklist_follows_what_the_agency_did(city):
    agency = make_agency(city, "Testville Parks", domain="parks.testville.gov", kind="city")
    chief = make_staff(agency, "admin", "Cleo Chief")
    client = signed_in(chief)

    def states() -> list[str]:
        page = text(client.get("/agency/testville-parks/"))
        if "Getting started" not in page:
            return []
        return [line.split(":</span>")[0].rsplit(">", 1)[1]
                for line in page.splitlines() if 'class="check-state"' in line]

    assert states() == ["Done", "To do", "To do"]
    actions.add_agency_staff(agency, "pia@parks.testville.gov", "publisher", actor=chief,
                             send_email=False)
    assert states() == ["Done", "Done", "To do"]
    publish(chief, agency, title="Practice run", practice=True)
    assert states() == ["Done", "Done", "To do"]
    assert "You have written 1 practice post." in text(client.get("/agency/testville-parks/"))
    publish(chief, agency, kind="news", title="The pool opens", neighborhoods=["elm"])
    assert states() == []


def test_an_agency_without_a_profile_is_told_what_is_missing(city):
    bare = actions.create_agency(name="Testville Clerk", city=city, neighborhoods=["elm"])
    clerk, _link = actions.add_agency_staff(bare, "carl@clerk.example.gov", "admin",
                                            send_email=False)
    clerk = clerk.user

    page = text(signed_in(clerk).get("/agency/testville-clerk/"))

    assert ("Missing: the official website, the staff email domain. Ask the operators of "
            "townsquare to add them.") in page


def test_the_dashboard_lists_posts_with_their_reach(police, agency_roles):
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    signed_in(agency_roles["resident_in"]).get(f"/agency-posts/{post.pk}/")

    page = text(signed_in(agency_roles["tips"]).get(f"{P}/"))

    row = page[page.index(f'href="{P}/posts/{post.pk}/"'):]
    row = row[:row.index("</tr>")]
    assert ('<td data-label="Sent to">1 neighborhood</td>\n        <td data-label="Audience">1'
            '</td>\n        <td data-label="Seen">1</td>') in row


# --- staff -------------------------------------------------------------------------------------
def test_the_admin_invites_changes_a_role_and_removes_staff(police, agency_roles):
    admin = signed_in(agency_roles["admin"])
    invited = admin.post(f"{P}/staff/", {"action": "invite", "email":
                                         "newbie@police.testville.gov", "role": "tips",
                                         "display_name": "Nia Newbie"})
    member = AgencyStaff.objects.get(user__email="newbie@police.testville.gov")

    changed = admin.post(f"{P}/staff/", {"action": "role", "staff": member.pk,
                                         "role": "publisher"})
    shown = text(admin.get(f"{P}/staff/"))
    removed = admin.post(f"{P}/staff/", {"action": "remove", "staff": member.pk})

    assert [r.status_code for r in (invited, changed, removed)] == [302, 302, 302]
    assert "Nia Newbie&#x27;s role is now: Publisher (posts)." in shown
    assert '<td data-label="Name">Nia Newbie</td>' in shown
    member.refresh_from_db()
    assert (member.role, member.active) == ("publisher", False)
    about_newbie = AuditLog.objects.filter(data__email="newbie@police.testville.gov")
    assert list(about_newbie.order_by("pk").values_list("action", "actor_label")) == [
        ("agencies.staff_added", "alma.admin@police.testville.gov"),
        ("agencies.staff_role_changed", "alma.admin@police.testville.gov"),
        ("agencies.staff_removed", "alma.admin@police.testville.gov")]
    assert '<td data-label="Name">Nia Newbie' not in text(admin.get(f"{P}/staff/"))


def test_an_invitation_outside_the_agencys_domain(police, agency_roles):
    response = signed_in(agency_roles["admin"]).post(f"{P}/staff/", {
        "action": "invite", "email": "someone@gmail.example", "role": "tips"})

    assert response.status_code == 400
    assert error_on(response, "email") == (
        "Use an address at police.testville.gov, the agency's email domain.")


def test_the_last_admin_cannot_leave(police, agency_roles):
    admin = signed_in(agency_roles["admin"])
    me = AgencyStaff.objects.get(user=agency_roles["admin"])

    response = admin.post(f"{P}/staff/", {"action": "remove", "staff": me.pk}, follow=True)

    me.refresh_from_db()
    assert me.active is True
    assert "The agency&#x27;s last admin cannot leave" in text(response)
    assert entries("agencies.staff_removed") == []


def test_another_agencys_staff_member_cannot_be_changed(police, water, agency_roles):
    theirs = AgencyStaff.objects.get(user=agency_roles["other_staff"])
    response = signed_in(agency_roles["admin"]).post(f"{P}/staff/", {
        "action": "role", "staff": theirs.pk, "role": "tips"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "admin"


# --- the audit log and the exports ----------------------------------------------------------------
def test_the_audit_log_page_and_its_download(police, agency_roles):
    publish(agency_roles["publisher"], police, title="Gas leak", neighborhoods=["alder"])
    admin = signed_in(agency_roles["admin"])

    page = text(admin.get(f"{P}/audit/"))
    download = admin.post(f"{P}/audit.csv")

    assert "<code>agencies.post_published</code>" in page
    assert download["Content-Disposition"] == (
        'attachment; filename="testville-police-audit-log.csv"')
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    # Newest first; the download is itself the newest entry. The admin's setting up of
    # the authenticator app (for this test's session) is recorded too.
    assert [r["action"] for r in rows][:3] == ["agencies.audit_exported",
                                               "accounts.second_factor_enrolled",
                                               "agencies.post_published"]
    assert len(entries("agencies.audit_exported")) == 1


def test_the_exports_as_csv_and_json(police, agency_roles):
    post = publish(agency_roles["publisher"], police, title="Gas leak", neighborhoods=["alder"])
    actions.reply_to_agency_post(agency_roles["resident_in"], post, body="=1+1 smells here")
    admin = signed_in(agency_roles["admin"])

    as_csv = admin.post(f"{P}/exports/", {"format": "csv"})
    as_json = admin.post(f"{P}/exports/", {"format": "json"})

    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [(r["record"], r["title"], r["body"], r["replier_display_name"],
             r["replier_neighborhood"]) for r in rows] == [
        ("post", "Gas leak", post.body, "", ""),
        ("reply", "", "'=1+1 smells here", "Ina Inside", "Alder")]
    document = json.loads(as_json.content)
    assert document["posts"][0]["replies"][0]["replier"] == {"display_name": "Ina Inside",
                                                             "neighborhood": "Alder"}
    assert as_json["Cache-Control"] == "private, no-store"
    assert [d["format"] for d in entries("agencies.export")] == ["csv", "json"]
    assert admin.post(f"{P}/exports/", {"format": "xml"}).status_code == 404
