"""Signing up: by gazetteer address or by a point on the map; every bad input; duplicates."""

from __future__ import annotations

import pytest

from tests import factories
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident, User
from townsquare.core.errors import Conflict, Invalid, RateLimited
from townsquare.core.models import AuditLog

GOOD = {"email": "ada@example.org", "password": factories.PASSWORD, "display_name": "Ada"}


def signup(**fields: object) -> Resident:
    return accounts.signup_resident(**{**GOOD, **fields})


def fields_of(**fields: object) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as raised:
        signup(**fields)
    assert User.objects.count() == 0  # nothing is created when anything is wrong
    return raised.value.fields or {}


def test_signup_by_address_places_the_home_at_the_gazetteer_entry(gazetteer):
    resident = signup(address="  12 alder LANE ")

    assert resident.neighborhood.name == "Alder"
    assert (resident.home_address, resident.street) == ("12 Alder Ln", "ALDER LN")
    assert (resident.home_lat, resident.home_lon) == (38.5957, -121.4961)
    assert resident.verified_at is None and resident.founding_member is False
    assert resident.user.email == "ada@example.org"
    assert resident.user.check_password(factories.PASSWORD)
    assert list(AuditLog.objects.filter(action="accounts.signup")
                .values_list("action", "target_id")) == [
        ("accounts.signup", str(resident.pk))]


def test_signup_by_point_finds_the_neighborhood_and_the_nearest_street(gazetteer):
    resident = signup(lat="38.5752", lon=-121.4852, city=gazetteer)

    assert resident.neighborhood.name == "Hazel"
    assert (resident.home_address, resident.street) == ("", "HAZEL CT")
    assert (resident.home_lat, resident.home_lon) == (38.5752, -121.4852)


def test_signup_by_point_far_from_any_address_has_no_street(city):
    lat, lon = factories.center_of(factories.nbhd(city, "Elm"))

    resident = signup(lat=lat, lon=lon)

    assert (resident.neighborhood.name, resident.street) == ("Elm", "")


@pytest.mark.parametrize(("fields", "expected"), [
    ({"email": ""}, {"email": ["This field is required."]}),
    ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
    ({"email": 42}, {"email": ["Must be text."]}),
    ({"display_name": "   "}, {"display_name": ["This field is required."]}),
    ({"display_name": "x" * 81}, {"display_name": ["At most 80 characters."]}),
    ({"password": ""}, {"password": ["This field is required."]}),
    ({"address": "999 Nowhere Street"}, {"address": [
        "We could not find that address. Check the house number and street, or pick your "
        "home on the map instead."]}),
    ({"address": "1 Far Away Road"}, {"address": [
        "That address is not inside any neighborhood we serve."]}),
    ({"address": None}, {"address": ["Enter your address or pick your home on the map."]}),
    ({"address": None, "lat": 38.2, "lon": -121.9}, {"lat": [
        "That point is not inside any neighborhood we serve."]}),
    ({"address": None, "lat": 91, "lon": -121.49}, {"lat": ["Must be between -90 and 90."]}),
    ({"address": None, "lat": 38.59, "lon": "east"}, {"lon": [
        "Must be a number in decimal degrees."]}),
    ({"address": None, "lat": "nan", "lon": "inf"}, {
        "lat": ["Must be between -90 and 90."], "lon": ["Must be between -180 and 180."]}),
])
def test_each_bad_input_is_named(gazetteer, fields, expected):
    fields.setdefault("address", "12 Alder Lane")

    assert fields_of(**fields) == expected


@pytest.mark.parametrize("password", ["short1", "password123", "1234567890123",
                                      "ada@example.org"])
def test_weak_passwords_are_refused(gazetteer, password):
    errors = fields_of(password=password, address="12 Alder Lane")

    assert list(errors) == ["password"] and len(errors["password"]) >= 1


def test_every_problem_is_reported_at_once(gazetteer):
    errors = fields_of(email="nope", password="", display_name="", address="")

    assert errors == {
        "email": ["Enter a valid email address."],
        "display_name": ["This field is required."],
        "password": ["This field is required."],
        "address": ["Enter your address or pick your home on the map."],
    }


def test_a_taken_email_is_a_conflict_whatever_its_case(gazetteer):
    signup(address="12 Alder Lane")

    with pytest.raises(Conflict) as raised:
        signup(email="ADA@Example.org", address="7 Hazel Court")

    assert raised.value.status == 409
    assert raised.value.fields == {"email": ["An account with this email already exists."]}
    assert Resident.objects.count() == 1


def test_signup_is_limited_per_client_address_in_the_action(gazetteer, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "signup": "2/3600"}
    for n in range(2):
        signup(email=f"n{n}@example.org", address="12 Alder Lane", client="203.0.113.9")

    with pytest.raises(RateLimited) as raised:
        signup(email="n2@example.org", address="12 Alder Lane", client="203.0.113.9")

    assert raised.value.detail == "Too many sign-ups from your network. Please try again later."
    signup(email="n3@example.org", address="12 Alder Lane", client="203.0.113.10")
    assert User.objects.count() == 3
