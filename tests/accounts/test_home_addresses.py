"""Homes at real street addresses: address points, interpolation, no street corners, and
postcards that carry a complete mailing address or are held back with the reason."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from tests import factories
from tests.accounts.conftest import waiting
from townsquare.accounts import actions as accounts
from townsquare.accounts.actions.postcards import postcard_queue
from townsquare.accounts.mailing import mailing_addresses
from townsquare.accounts.models import PostcardBatch, Resident, User
from townsquare.accounts.tasks import _mailing_lines
from townsquare.core.errors import Invalid
from townsquare.places import actions as places
from townsquare.places.models import City
from townsquare.places.openaddresses import import_openaddresses

pytestmark = pytest.mark.django_db

GOOD = {"email": "ada@example.org", "password": factories.PASSWORD, "display_name": "Ada"}
# Address points in Alder (lon -121.50..-121.49, lat 38.59..38.60) and a street corner.
POINTS = """LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH
-121.4980,38.5950,7400,POCKET RD,,SACRAMENTO,,CA,95831,,h1
-121.4960,38.5950,7440,POCKET RD,,SACRAMENTO,,CA,95831,,h2
-121.4980,38.5952,7401,POCKET RD,,SACRAMENTO,,CA,95831,,h3
-121.4960,38.5952,7441,POCKET RD,,SACRAMENTO,,CA,95831,,h4
"""
CORNER = "address,latitude,longitude\nPOCKET RD / FREEPORT BLVD,38.5951,-121.4970\n"
CORNER_ERROR = ("That is a street corner, not a home. Enter your house number and street, "
                "for example 7421 Pocket Rd.")


@pytest.fixture
def points(city: City) -> City:
    places.import_addresses(city, io.StringIO(CORNER))
    import_openaddresses(city, io.StringIO(POINTS))
    return city


def signup(**fields: object) -> Resident:
    return accounts.signup_resident(**{**GOOD, **fields})


def test_a_known_address_point_gives_a_complete_mailing_address(points):
    resident = signup(address="7400 pocket road")

    assert (resident.home_address, resident.street, resident.home_locality,
            resident.home_state, resident.home_postcode, resident.home_approximate) == (
        "7400 Pocket Rd", "POCKET RD", "Sacramento", "CA", "95831", False)
    assert (resident.home_lat, resident.home_lon) == (38.5950, -121.4980)
    assert resident.neighborhood.name == "Alder"


def test_a_house_number_between_known_ones_is_placed_approximately(points):
    resident = signup(address="7421 Pocket Rd Apt 2")

    assert (resident.home_address, resident.home_postcode, resident.home_approximate) == (
        "7421 Pocket Rd Apt 2", "95831", True)
    assert (round(resident.home_lat, 6), round(resident.home_lon, 6)) == (38.5952, -121.497)
    assert resident.neighborhood.name == "Alder"


@pytest.mark.parametrize("corner", ["Pocket Rd / Freeport Blvd", "POCKET RD / FREEPORT BLVD",
                                    "Pocket Rd & Freeport Blvd", "Pocket Rd and Freeport Blvd"])
def test_a_street_corner_is_never_a_home(points, corner):
    with pytest.raises(Invalid) as raised:
        signup(address=corner)
    assert raised.value.fields == {"address": [CORNER_ERROR]}
    assert User.objects.count() == 0


def test_the_api_refuses_a_street_corner_with_a_field_error(points):
    response = Client().post("/api/v1/residents", json.dumps(
        {**GOOD, "address": "Pocket Rd / Freeport Blvd"}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"address": [CORNER_ERROR]}

    response = Client().post("/api/v1/residents", json.dumps(
        {**GOOD, "address": "7421 pocket road", "city": "testville"}),
        content_type="application/json")
    assert response.status_code == 201
    assert Resident.objects.get().home_address == "7421 Pocket Rd"


def test_the_page_refuses_a_street_corner_on_the_address_field(points):
    response = Client().post("/signup/", {**GOOD, "address": "Pocket Rd / Freeport Blvd"})
    assert response.status_code == 400
    assert CORNER_ERROR in response.content.decode()


def test_the_page_says_an_interpolated_home_is_approximate(points):
    client = Client()
    response = client.post("/signup/", {**GOOD, "address": "7421 Pocket Rd"}, follow=True)
    assert response.redirect_chain == [("/welcome/", 302)]
    assert ("We placed 7421 Pocket Rd at an approximate location, between the neighboring "
            "house numbers of the street.") in response.content.decode()


def test_suggestions_offer_homes_and_interpolated_numbers_never_corners(points):
    client = Client()
    assert client.get("/addresses/suggest", {"q": "pocket rd /"}).json() == {"items": []}
    assert client.get("/addresses/suggest", {"q": "7421 pocket road"}).json() == {"items": [
        {"text": "7421 Pocket Rd", "city": "Testville", "approximate": True,
         "neighborhood": "Alder, approximate location"}]}
    assert [i["text"] for i in client.get("/addresses/suggest",
                                          {"q": "7400 pocket"}).json()["items"]] == [
        "7400 Pocket Rd"]


def test_the_signup_page_explains_verification_before_the_form(city, settings):
    settings.TOWNSQUARE_POSTCARD_DELIVERY_DAYS = (4, 9)
    page = Client().get("/signup/").content.decode()
    note = page.index("How you get verified")
    assert note < page.index("<form")
    assert ("a postcard with a code mailed to your home address (it usually arrives in 4 to 9 "
            "days), or at once by an invitation from a verified neighbor.") in page


def test_postcards_need_a_complete_mailing_address(points, alder):
    complete = signup(address="7421 Pocket Rd Apt 2")
    on_map = Resident.objects.get(user=factories.make_resident(alder, verified=False))
    block = waiting(alder, mailable=False)[0]
    Resident.objects.filter(pk=block.pk).update(home_address="12 Alder Ln")
    corner = waiting(alder, mailable=False)[0]
    Resident.objects.filter(pk=corner.pk).update(home_address="POCKET RD / FREEPORT BLVD")

    ready, held = postcard_queue()

    assert [(m.resident.pk, m.lines) for m in ready] == [
        (complete.pk, ("7421 Pocket Rd Apt 2", "Sacramento, CA 95831"))]
    assert sorted((m.resident.pk, m.reason) for m in held) == sorted([
        (on_map.pk, "The home was picked on the map, so there is no street address to mail "
                    "the postcard to."),
        (block.pk, "The state and ZIP code of the address is not known."),
        (corner.pk, "The address has no house number."),
    ])
    assert _mailing_lines(complete) == ["7421 Pocket Rd Apt 2", "Sacramento, CA 95831"]


def test_an_older_home_gets_its_zip_from_the_address_points(points, alder):
    resident = waiting(alder, mailable=False)[0]
    Resident.objects.filter(pk=resident.pk).update(home_address="7400 POCKET RD")
    resident = Resident.objects.select_related("neighborhood__city").get(pk=resident.pk)

    assert mailing_addresses([resident])[0].lines == ("7400 Pocket Rd", "Sacramento, CA 95831")


def test_a_batch_takes_only_the_complete_addresses(points, alder):
    complete = signup(address="7400 Pocket Rd")
    factories.make_resident(alder, verified=False)  # picked on the map: held back
    operator = factories.make_operator()

    batch = accounts.request_postcard_batch(operator)

    assert list(batch.residents.values_list("pk", flat=True)) == [complete.pk]
    assert PostcardBatch.objects.count() == 1
    with pytest.raises(Invalid) as raised:
        accounts.request_postcard_batch(operator)
    assert raised.value.detail == ("No residents with a complete mailing address are waiting "
                                   "for a postcard.")


def test_the_operator_page_lists_the_held_back_residents_with_the_reason(points, alder):
    signup(address="7400 Pocket Rd")
    factories.make_resident(alder, verified=False, name="Mo Map")
    client = Client()
    client.force_login(factories.make_operator())

    page = client.get("/operator/postcards/").content.decode()

    assert "<strong>1</strong> resident waiting for a postcard." in page
    assert "Held back" in page
    assert "Mo Map" in page
    assert ("The home was picked on the map, so there is no street address to mail the "
            "postcard to.") in page
