"""Sign-up through the page: the happy paths and each error, shown on its field."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.web.helpers import described_by, field_error
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident, User

GOOD = {
    "email": "pat@example.org",
    "password": factories.PASSWORD,
    "display_name": "Pat Newcomer",
    "address": "4321 Quail Run",
}


def signup(client: Client, url: str = "/signup/", **changes: str):
    return client.post(url, {**GOOD, **changes})


def test_signup_by_address_places_logs_in_and_explains_verification(gazetteer):
    client = Client()
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/welcome/"
    resident = Resident.objects.select_related("user", "neighborhood").get()
    assert (resident.user.email, resident.user.display_name) == ("pat@example.org",
                                                                 "Pat Newcomer")
    assert resident.neighborhood.name == "Alder"
    assert (resident.home_address, resident.street) == ("4321 Quail Run", "QUAIL RUN")
    assert resident.verified_at is None
    # Logged in: the welcome page explains the three ways to verify.
    html = client.get("/welcome/").content.decode()
    assert "Now verify your address" in html
    for way in ("A postcard in the mail", "An invitation from a verified neighbor",
                "An operator"):
        assert way in html


def test_signup_by_a_point_on_the_map(gazetteer):
    lat, lon = factories.center_of(factories.nbhd(gazetteer, "Hazel"))
    response = signup(Client(), address="", lat=str(lat), lon=str(lon))
    assert response.status_code == 302
    resident = Resident.objects.get()
    assert resident.neighborhood.name == "Hazel"
    assert resident.home_address == ""
    assert (resident.home_lat, resident.home_lon) == (lat, lon)


def test_signup_page_offers_suggestions_and_a_map_picker(gazetteer):
    html = Client().get("/signup/").content.decode()
    assert 'list="address-suggestions"' in html
    assert 'data-suggest-url="/addresses/suggest"' in html
    # The map picker is hidden until the script shows it; the address field works alone.
    assert "data-map-picker hidden" in html
    assert html.count('data-name="') == 9
    assert 'data-projection="{' in html


def test_address_suggestions(gazetteer):
    data = Client().get("/addresses/suggest", {"q": "4321 qua"}).json()
    assert data == {"items": [{"text": "4321 Quail Run", "city": "Testville", "approximate": False,
                               "neighborhood": "Alder"}]}
    data = Client().get("/addresses/suggest", {"q": "432"}).json()
    assert [item["text"] for item in data["items"]] == ["4321 Quail Run", "4323 Quail Run"]
    assert Client().get("/addresses/suggest", {"q": "43"}).json() == {"items": []}


def _refused(response, field: str, message: str, status: int = 400) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert message in field_error(html, field)
    # The error is announced with the field: the input points at its error text.
    assert f"id_{field}_error" in described_by(html, field)
    assert 'aria-invalid="true"' in html
    assert "<title>Error: Sign up" in html
    assert User.objects.filter(email=GOOD["email"]).count() == 0
    return html


def test_unknown_address(gazetteer):
    html = _refused(signup(Client(), address="999 Nowhere Ln"), "address",
                    "We could not find that address.")
    # What the visitor typed is kept, escaped.
    assert 'value="999 Nowhere Ln"' in html


def test_address_outside_every_neighborhood(gazetteer):
    _refused(signup(Client(), address="1 Faraway Rd"), "address",
             "That address is not inside any neighborhood we serve.")


def test_map_point_outside_every_neighborhood_is_shown_by_the_address(gazetteer):
    _refused(signup(Client(), address="", lat="37.0", lon="-120.0"), "address",
             "That point is not inside any neighborhood we serve.")


def test_no_home_at_all(gazetteer):
    _refused(signup(Client(), address=""), "address",
             "Enter your address or pick your home on the map.")


def test_duplicate_email(gazetteer, roles):
    factories.make_resident(factories.nbhd(gazetteer, "Elm"), email="taken@example.org")
    response = signup(Client(), email="taken@example.org")
    assert response.status_code == 409
    html = response.content.decode()
    assert field_error(html, "email") == "An account with this email already exists."
    assert User.objects.filter(email="taken@example.org").count() == 1


@pytest.mark.parametrize(("password", "message"), [
    ("short", "This password is too short. It must contain at least 10 characters."),
    ("password123", "This password is too common."),
    ("4815162342108", "This password is entirely numeric."),
])
def test_weak_password(gazetteer, password, message):
    _refused(signup(Client(), password=password), "password", message)


def test_several_errors_at_once_are_all_shown(gazetteer):
    response = signup(Client(), email="not-an-email", password="short", display_name="",
                      address="999 Nowhere Ln")
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, "display_name") == "This field is required."
    # Django's form check stops at the first missing field; filled ones are still checked.
    response = signup(Client(), email="not-an-email", password="short",
                      address="999 Nowhere Ln")
    html = response.content.decode()
    assert field_error(html, "email") == "Enter a valid email address."
    assert "too short" in field_error(html, "password")
    assert field_error(html, "address").startswith("We could not find that address.")
    assert html.count('<a href="#id_') == 3  # the summary links to each field


def test_signup_is_rate_limited_per_address(gazetteer, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "signup": "2/3600"}
    for n in range(2):
        assert signup(Client(), email=f"x{n}@example.org").status_code == 302
    response = signup(Client(), email="x3@example.org")
    assert response.status_code == 429
    assert "Too many sign-ups from your network" in response.content.decode()
    assert User.objects.count() == 2
    # Another client address has its own allowance.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert signup(other, email="x4@example.org").status_code == 302


def test_signup_with_an_invitation_verifies_at_once(gazetteer, roles):
    _invitation, token = accounts.invite_neighbor(roles["neighbor"], "pat@example.org")
    client = Client()
    page = client.get("/signup/", {"invitation": token}).content.decode()
    assert "Nora Neighbor invited you to Alder" in page
    assert f'name="invitation" value="{token}"' in page
    response = signup(client, invitation=token)
    assert response.status_code == 302
    assert response["Location"] == "/feed/"
    resident = Resident.objects.get(user__email="pat@example.org")
    assert resident.verification_method == Resident.Method.INVITATION
    assert client.get("/feed/").status_code == 200


def test_signup_with_an_invitation_for_another_neighborhood_is_refused(gazetteer, roles):
    _invitation, token = accounts.invite_neighbor(roles["neighbor"], "pat@example.org")
    response = signup(Client(), address="18 Birch Row", invitation=token)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This invitation is for neighbors in Alder; your home is in Birch." in html
    assert User.objects.filter(email="pat@example.org").count() == 0


def test_an_expired_invitation_link_says_so(gazetteer):
    html = Client().get("/signup/", {"invitation": "inv_expired"}).content.decode()
    assert "This invitation is not valid or has expired." in html


def test_an_empty_signup_reports_every_missing_field_at_once(gazetteer):
    response = Client().post("/signup/", {"email": "", "password": "", "display_name": "",
                                          "address": "", "lat": "", "lon": ""})
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("email", "password", "display_name", "address"):
        assert field_error(html, field), f"no error shown for {field}"
    assert User.objects.count() == 0
