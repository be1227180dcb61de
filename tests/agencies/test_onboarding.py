"""Agencies join: the public applies, an operator approves or rejects; operators create
approved agencies directly. Slugs are unique across the site."""

from __future__ import annotations

import pytest

from tests import factories
from tests.agencies.factories import make_agency, make_staff
from tests.api.conftest import as_user, error_of
from townsquare.agencies import actions
from townsquare.agencies.models import Agency
from townsquare.core.errors import Conflict, Forbidden, Invalid
from townsquare.core.models import AuditLog
from townsquare.places import actions as places

APPLICATION = {
    "name": "Testville Fire Department", "kind": "fire", "city": "testville",
    "website": "https://fire.testville.gov", "email_domain": "fire.testville.gov",
    "contact_name": "Chief Flores", "contact_email": "flores@fire.testville.gov",
}


def test_the_public_applies_and_an_operator_approves(city, anon):
    response = anon.post("/agencies/applications", APPLICATION)

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("slug", "status", "kind", "city")} == {
        "slug": "testville-fire-department", "status": "pending", "kind": "fire",
        "city": "testville"}
    agency = Agency.objects.get()
    assert agency.verified_at is None
    # Not public before approval.
    assert anon.get("/agencies/testville-fire-department").status_code == 404

    operator = factories.make_operator()
    client = as_user(operator)
    assert [a["id"] for a in client.get("/agencies/applications/pending").json()["items"]] == [
        agency.pk]
    approved = client.post(f"/agencies/applications/{agency.pk}/approve", {"note": "checked"})

    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["verified_at"] is not None
    public = anon.get("/agencies/testville-fire-department").json()
    assert (public["verified"], public["all_neighborhoods"], public["jurisdiction"]) == (
        True, False, [])
    assert client.get("/agencies/applications/pending").json()["items"] == []
    assert list(AuditLog.objects.filter(agency_id=agency.pk).order_by("pk")
                .values_list("action", "actor_label")) == [
        ("agencies.apply", "system"), ("agencies.approve", operator.email)]
    again = client.post(f"/agencies/applications/{agency.pk}/approve")
    assert again.status_code == 409


def test_an_operator_rejects(city):
    agency = actions.apply_for_agency(**{**APPLICATION, "city": city})
    operator = factories.make_operator()

    actions.reject_agency(operator, agency, note="not a public agency")

    assert Agency.objects.get().status == "rejected"
    with pytest.raises(Conflict):
        actions.approve_agency(operator, agency)


def test_only_operators_review(city, roles):
    agency = actions.apply_for_agency(**{**APPLICATION, "city": city})
    for role in ("neighbor", "lead", "unverified"):
        with pytest.raises(Forbidden):
            actions.approve_agency(roles[role], agency)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"contact_email": "flores@gmail.com"}, "contact_email",
     "Use an address at fire.testville.gov, the agency's domain."),
    ({"website": "fire dot gov"}, "website",
     "Enter a full address, like https://police.example.gov."),
    ({"email_domain": "not a domain"}, "email_domain",
     "Enter a domain, like police.example.gov."),
    ({"name": "!!!"}, "name", "The name needs letters or digits."),
    ({"contact_name": ""}, "contact_name", "This field is required."),
])
def test_bad_applications(city, anon, change, field, message):
    response = anon.post("/agencies/applications", {**APPLICATION, **change})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {field: [message]}
    assert Agency.objects.count() == 0


def test_an_unknown_city_is_400(db, anon):
    response = anon.post("/agencies/applications", APPLICATION)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"city": ["No city has this slug."]}


def test_slugs_are_unique_across_cities(city):
    other = places.import_neighborhoods("Otherton", factories.grid_geojson()).city
    first = make_agency(city, "Police Department", domain="pd.testville.gov")
    second = make_agency(other, "Police Department", domain="pd.otherton.gov")
    third = make_agency(other, "Police Department", domain="pd2.otherton.gov")
    reserved = make_agency(city, "Applications", domain="apps.testville.gov")

    assert [first.slug, second.slug, third.slug] == [
        "police-department", "police-department-otherton", "police-department-otherton-2"]
    assert reserved.slug == "applications-testville"


def test_create_agency_with_chosen_neighborhoods(city):
    agency = make_agency(city, "Alder Patrol", domain="patrol.testville.gov",
                         neighborhoods=["birch", "alder"])

    assert agency.status == "approved" and agency.verified_at is not None
    assert sorted(agency.jurisdiction.values_list("slug", flat=True)) == ["alder", "birch"]


def test_create_agency_refuses_unknown_neighborhoods(city):
    with pytest.raises(Invalid) as raised:
        make_agency(city, "Nowhere Patrol", neighborhoods=["alder", "atlantis"])

    assert raised.value.fields == {"neighborhoods": ["No neighborhood 'atlantis' in Testville."]}
    assert Agency.objects.count() == 0


def test_staff_of_a_pending_agency_cannot_be_added(city):
    agency = actions.apply_for_agency(**{**APPLICATION, "city": city})

    with pytest.raises(Conflict):
        make_staff(agency, "admin")


def test_review_notes_are_stored_clean(city):
    # Reached from the admin and the command line as well as the API: the action cleans.
    agency = actions.apply_for_agency(**{**APPLICATION, "city": city})
    operator = factories.make_operator()

    actions.reject_agency(operator, agency, note="not\x00 a \u202epublic agency\u200d " + "x" * 600)

    agency.refresh_from_db()
    assert agency.review_note == ("not a public agency\u200d " + "x" * 600)[:500]
    entry = AuditLog.objects.get(action="agencies.reject")
    assert entry.data["note"] == agency.review_note
