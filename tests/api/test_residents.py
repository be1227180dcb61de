"""Sign-up, the caller's own account, postcard codes and invitations."""

from __future__ import annotations

import base64
import re
import zlib

import pytest

from tests import factories
from tests.api.conftest import as_user, error_of
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident, User
from townsquare.accounts.tasks import postcard_path
from townsquare.core.models import AuditLog


def signup(**fields):
    body = {"email": "new@example.org", "password": factories.PASSWORD,
            "display_name": "New Neighbor"}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def test_sign_up_with_a_point(anon, city):
    lat, lon = factories.center_of(factories.nbhd(city, "Fir"))

    response = anon.post("/residents", signup(lat=lat, lon=lon))

    assert response.status_code == 201
    resident = Resident.objects.get(user__email="new@example.org")
    assert response.json() == {"id": resident.pk, "verified": False,
                                "neighborhood": {"slug": "fir", "name": "Fir"}}
    assert (resident.home_lat, resident.home_lon) == (lat, lon)


def test_sign_up_with_an_address(anon, gazetteer):
    response = anon.post("/residents", signup(address="7 hazel  court", city="testville"))

    assert response.status_code == 201
    assert response.json()["neighborhood"] == {"slug": "hazel", "name": "Hazel"}
    # Kept as people write it, with the USPS abbreviation (places/streets.py).
    assert Resident.objects.get(user__email="new@example.org").home_address == "7 Hazel Ct"


def test_sign_up_with_an_address_in_any_city(anon, gazetteer):
    response = anon.post("/residents", signup(address="12 ALDER LANE"))

    assert response.status_code == 201
    assert response.json()["neighborhood"]["slug"] == "alder"


def test_sign_up_unknown_address_is_400(anon, gazetteer):
    response = anon.post("/residents", signup(address="1 Nowhere Street"))

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["address"]
    assert not User.objects.filter(email="new@example.org").exists()


def test_sign_up_unknown_city_is_400(anon, gazetteer):
    response = anon.post("/residents", signup(address="12 Alder Lane", city="atlantis"))

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"city": ["No city has this slug."]}


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [(91, -121.49, "lat"), (-90.5, -121.49, "lat"), (38.59, 181, "lon"), (38.59, -360, "lon")],
)
def test_sign_up_impossible_coordinates_is_400(anon, city, lat, lon, field):
    response = anon.post("/residents", signup(lat=lat, lon=lon))

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [field]


def test_sign_up_point_outside_every_neighborhood_is_400(anon, city):
    response = anon.post("/residents", signup(lat=0, lon=0))

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "lat": ["That point is not inside any neighborhood we serve."]}


def test_sign_up_without_a_home_is_400(anon, city):
    response = anon.post("/residents", signup())

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["address"]


def test_sign_up_weak_password_is_400(anon, city):
    lat, lon = factories.center_of(factories.nbhd(city, "Fir"))

    response = anon.post("/residents", signup(password="12345", lat=lat, lon=lon))

    assert response.status_code == 400
    messages = error_of(response)["fields"]["password"]
    assert "This password is too short. It must contain at least 10 characters." in messages
    assert "This password is entirely numeric." in messages


def test_sign_up_missing_fields_is_400(anon, city):
    response = anon.post("/residents", {"lat": 38.59})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "email": ["Field required"], "password": ["Field required"],
        "display_name": ["Field required"]}


def test_sign_up_wrong_types_is_400(anon, city):
    response = anon.post("/residents", signup(email=["a@b.c"], lat="north", lon=-121.49))

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"email", "lat"}


def test_sign_up_taken_email_is_409(anon, roles):
    lat, lon = factories.center_of(factories.nbhd(roles["neighbor"].resident.neighborhood.city,
                                                  "Fir"))

    response = anon.post("/residents", signup(email=roles["neighbor"].email.upper(),
                                               lat=lat, lon=lon))

    assert response.status_code == 409
    assert error_of(response)["error"] == "conflict"
    assert User.objects.filter(email=roles["neighbor"].email).count() == 1


def test_me_shows_the_callers_own_home(author):
    response = as_user(author).get("/me")

    assert response.status_code == 200
    resident = author.resident
    assert response.json() == {
        "id": author.pk, "email": "ada@example.org", "display_name": "Ada Author",
        "roles": ["resident"], "verified": True,
        "neighborhood": {"slug": "alder", "name": "Alder", "city": "testville"},
        "home": {"address": "12 Alder Ln", "street": resident.street,
                 "lat": 38.5957, "lon": -121.4961},
        "agency": None,
    }


def test_me_for_a_lead_and_an_operator(roles):
    lead = as_user(roles["lead"]).get("/me").json()
    operator = as_user(roles["operator"]).get("/me").json()

    assert lead["roles"] == ["resident", "lead"]
    assert (operator["roles"], operator["neighborhood"], operator["home"],
            operator["verified"]) == (["operator"], None, None, False)


def test_me_with_the_browser_session(client, roles):
    client.force_login(roles["neighbor"])

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["email"] == roles["neighbor"].email


def _postcard_code(user: User, django_capture_on_commit_callbacks) -> str:
    """Print the postcards as an operator would, and read the code off the PDF."""
    # A postcard goes out only with a complete mailing address.
    Resident.objects.filter(user=user).update(
        home_address="4 Alder Lane", home_locality="Testville", home_state="CA",
        home_postcode="95818")
    with django_capture_on_commit_callbacks(execute=True):
        batch = accounts.request_postcard_batch(factories.make_operator())
    factories.run_worker()
    batch.refresh_from_db()
    pdf = postcard_path(batch).read_bytes()
    # reportlab writes each page's text as an ASCII85-wrapped, deflated content stream.
    texts = b"".join(
        zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    )
    codes = set(re.findall(rb"\(([0-9A-Z]{4}-[0-9A-Z]{4})\) Tj", texts))
    assert len(codes) == 1
    return codes.pop().decode()


# The worker runs the real task queue, which needs committed rows.
@pytest.mark.django_db(transaction=True)
def test_redeem_postcard_code_verifies(roles, django_capture_on_commit_callbacks):
    unverified = roles["unverified"]
    code = _postcard_code(unverified, django_capture_on_commit_callbacks)
    client = as_user(unverified)

    response = client.post("/verification/code", {"code": code.lower().replace("-", " ")})

    assert response.status_code == 200
    assert response.json() == {"verified": True, "neighborhood": {
        "slug": "alder", "name": "Alder", "city": "testville"}}
    assert Resident.objects.get(user=unverified).verification_method == "postcard"
    assert client.get("/me").json()["verified"] is True


def test_redeem_wrong_code_is_400_then_rate_limited(roles):
    client = as_user(roles["unverified"])

    statuses = [client.post("/verification/code", {"code": "ZZZZ-ZZZZ"}).status_code
                for _ in range(6)]

    assert statuses == [400, 400, 400, 400, 400, 429]
    assert Resident.objects.get(user=roles["unverified"]).verified_at is None


def test_redeem_code_missing_is_400(roles):
    response = as_user(roles["unverified"]).post("/verification/code", {})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"code": ["Field required"]}


@pytest.mark.django_db(transaction=True)
def test_invitation_round_trip(roles, city, django_capture_on_commit_callbacks, mailoutbox):
    inviter = as_user(roles["neighbor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = inviter.post("/invitations", {"email": "Friend@Example.org"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "expires_at"}
    assert body["email"] == "friend@example.org"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", body["expires_at"])

    factories.run_worker()
    assert len(mailoutbox) == 1
    token = re.search(r"/invitations/(inv_[\w-]+)/", mailoutbox[0].body).group(1)
    factories.make_resident(factories.nbhd(city, "Alder"), verified=False,
                            email="friend@example.org")
    friend = as_user(User.objects.get(email="friend@example.org"))

    accepted = friend.post("/invitations/accept", {"token": token})

    assert accepted.status_code == 200
    assert accepted.json()["verified"] is True
    again = friend.post("/invitations/accept", {"token": token})
    assert again.status_code == 400
    assert list(error_of(again)["fields"]) == ["token"]


def test_invitation_bad_email_is_400(roles):
    response = as_user(roles["neighbor"]).post("/invitations", {"email": "not an email"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"email": ["Enter a valid email address."]}


def test_actions_are_audited_with_the_token_user(roles):
    as_user(roles["neighbor"]).post("/invitations", {"email": "friend@example.org"})

    log = AuditLog.objects.filter(action="accounts.invite").get()
    assert log.actor_id == roles["neighbor"].pk


@pytest.mark.parametrize("slug", ["Testville", "a\x00b", "../x"])
def test_sign_up_city_that_is_not_a_slug_is_400(anon, gazetteer, slug):
    response = anon.post("/residents", signup(address="12 Alder Lane", city=slug))

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["city"]


@pytest.mark.parametrize("field", ["email", "display_name", "password", "address"])
def test_sign_up_nul_characters_are_refused(anon, gazetteer, field):
    # No text may hold a NUL (PostgreSQL refuses it): 400, naming the field (web/guards.py).
    body = signup(address="12 Alder Lane")
    body[field] = body[field][:3] + "\x00" + body[field][3:]

    response = anon.post("/residents", body)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        field: ["Contains a NUL character or a lone surrogate."]}
    assert not User.objects.exists()
