"""Signing up with a real house number, at phone and desktop widths."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import axe_violations, describe_violations
from townsquare.accounts.models import Resident
from townsquare.places.openaddresses import import_openaddresses

POINTS = """LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH
-121.4980,38.5952,7401,POCKET RD,,SACRAMENTO,,CA,95831,,h3
-121.4960,38.5952,7441,POCKET RD,,SACRAMENTO,,CA,95831,,h4
"""


@pytest.fixture
def points(gazetteer):
    import_openaddresses(gazetteer, io.StringIO(POINTS))
    return gazetteer


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_signup_with_a_house_number_between_known_ones(new_page, points, phone):
    page = new_page(phone=phone)
    page.goto("/signup/")
    note = page.get_by_role("region", name="How you get verified")
    expect(note).to_contain_text("a postcard with a code mailed to your home address")
    expect(note).to_contain_text("an invitation from a verified neighbor")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))

    page.get_by_label("Email").fill("pat@example.org")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_label("Your name as neighbors will see it").fill("Pat Pocket")
    page.get_by_label("Home address").fill("7421 pocket road")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("main")).to_contain_text("Your home is in Alder.")
    expect(page.get_by_text("We placed 7421 Pocket Rd at an approximate location"))\
        .to_be_visible()
    resident = Resident.objects.get(user__email="pat@example.org")
    assert (resident.home_address, resident.home_postcode, resident.home_approximate) == (
        "7421 Pocket Rd", "95831", True)


def test_a_street_corner_is_refused_on_the_field_at_phone_width(new_page, points):
    page = new_page(phone=True)
    page.goto("/signup/")
    page.get_by_label("Email").fill("pat@example.org")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_label("Your name as neighbors will see it").fill("Pat Pocket")
    page.get_by_label("Home address").fill("Pocket Rd / Freeport Blvd")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("That is a street corner, not a home.")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
