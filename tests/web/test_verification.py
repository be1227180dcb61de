"""Verification through the pages: postcards (operator to worker to PDF to code),
invitations, and the log-in page's limits."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from tests.web.helpers import described_by, field_error
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import PostcardBatch, Resident


def _pages_in(pdf: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        # Page objects are never compressed by reportlab; "/Type /Pages" is the page tree.
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    import io

    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


# The worker runs the real task queue, which needs committed rows.
@pytest.mark.django_db(transaction=True)
def test_postcard_flow_through_the_pages(roles, client_as, var_dir):
    waiting = factories.make_resident(factories.nbhd(roles["neighbor"].resident.neighborhood.city,
                                                     "Elm"), verified=False, name="Wes Waiting")
    # A postcard goes out only with a complete mailing address.
    Resident.objects.filter(verified_at__isnull=True).update(
        home_address="12 Elm St", home_locality="Testville", home_state="CA",
        home_postcode="95814")
    operator = client_as(roles["operator"])
    page = operator.get("/operator/postcards/").content.decode()
    assert "<strong>2</strong> residents waiting for a postcard." in page

    response = operator.post("/operator/postcards/")
    assert response.status_code == 302
    batch = PostcardBatch.objects.get()
    assert batch.status == PostcardBatch.Status.PENDING
    page = operator.get("/operator/postcards/").content.decode()
    assert "<strong>0</strong> residents waiting" in page
    assert "Being prepared" in page
    assert f"/operator/postcards/{batch.pk}.pdf" not in page
    assert operator.get(f"/operator/postcards/{batch.pk}.pdf").status_code == 404

    factories.run_worker()
    batch.refresh_from_db()
    assert batch.status == PostcardBatch.Status.READY
    page = operator.get("/operator/postcards/").content.decode()
    assert f'href="/operator/postcards/{batch.pk}.pdf"' in page
    response = operator.get(f"/operator/postcards/{batch.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    assert _pages_in(pdf) == 2
    # Not for anyone else, even a lead.
    assert client_as(roles["lead"]).get(f"/operator/postcards/{batch.pk}.pdf").status_code == 403

    # Nobody is waiting now: preparing another batch says so instead of failing.
    response = operator.post("/operator/postcards/", follow=True)
    assert "No residents are waiting for a postcard." in response.content.decode()
    assert PostcardBatch.objects.count() == 1

    # The resident types the code from the card (made here with the same hashing).
    resident = Resident.objects.get(user=waiting)
    code = factories.make_postcard_code(resident)
    client = client_as(waiting)
    page = client.get("/verify/", {"code": code}).content.decode()
    assert f'value="{code}"' in page
    response = client.post("/verify/", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert response["Location"] == "/feed/"
    resident.refresh_from_db()
    assert resident.verification_method == Resident.Method.POSTCARD
    feed = client.get("/feed/").content.decode()
    assert "You are verified. Welcome to Elm!" in feed


def test_wrong_codes_are_explained_then_rate_limited(roles, client_as):
    client = client_as(roles["unverified"])
    response = client.post("/verify/", {"code": "ABC"})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "code") == "A postcard code has 8 letters and digits."
    assert "id_code_error" in described_by(html, "code")
    for _ in range(4):
        response = client.post("/verify/", {"code": "AAAA-BBBB"})
        assert response.status_code == 400
        assert field_error(response.content.decode(), "code") == (
            "That code is not valid or has expired.")
    response = client.post("/verify/", {"code": "AAAA-BBBB"})
    assert response.status_code == 429
    assert "Too many wrong codes. Please wait an hour before trying again." in (
        response.content.decode())


def test_anonymous_verify_link_survives_the_login(roles):
    response = Client().get("/verify/?code=AAAA-BBBB")
    assert response["Location"] == "/login/?next=/verify/%3Fcode%3DAAAA-BBBB"


def test_invitation_landing_and_accept(roles, client_as):
    _invitation, token = accounts.invite_neighbor(roles["neighbor"], "una@example.org")
    anonymous = Client().get(f"/invitations/{token}/").content.decode()
    assert "Nora Neighbor invited you to Alder" in anonymous
    assert f'href="/signup/?invitation={token}"' in anonymous
    assert f'href="/login/?next=%2Finvitations%2F{token}%2F"' in anonymous

    client = client_as(roles["unverified"])
    page = client.get(f"/invitations/{token}/").content.decode()
    assert "Accept the invitation" in page
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/feed/"
    assert Resident.objects.get(user=roles["unverified"]).verification_method == "invitation"
    # Used once: the link now says it is not valid.
    assert Client().get(f"/invitations/{token}/").status_code == 404


def test_invitation_for_another_neighborhood_is_refused_on_the_page(roles, client_as):
    _invitation, token = accounts.invite_neighbor(roles["neighbor"], "x@example.org")
    other = factories.make_resident(roles["stranger"].resident.neighborhood, verified=False)
    response = client_as(other).post(f"/invitations/{token}/")
    assert response.status_code == 400
    assert "This invitation is for neighbors in Alder; your home is in Ironwood." in (
        response.content.decode())
    assert Resident.objects.get(user=other).verified_at is None


def test_invite_a_neighbor(roles, client_as):
    client = client_as(roles["neighbor"])
    response = client.post("/invite/", {"email": "Friend@Example.org"})
    assert response.status_code == 302
    invitation = roles["neighbor"].resident.invitations.get()
    assert invitation.email == "friend@example.org"
    page = client.get("/invite/").content.decode()
    assert "We emailed an invitation to friend@example.org." in page
    response = client.post("/invite/", {"email": "nope"})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "email") == "Enter a valid email address."


def test_login_logout_and_the_login_limit(roles, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "login": "3/600"}
    email = roles["neighbor"].email
    client = Client()
    response = client.post("/login/", {"username": email, "password": "wrong password"})
    assert response.status_code == 400
    assert "Please enter a correct email and password." in response.content.decode()
    response = client.post("/login/", {"username": email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/feed/"  # residents land on their feed
    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/feed/").status_code == 302
    # The third attempt on this account from this address was the last allowed one.
    client.post("/login/", {"username": email, "password": "nope"})
    response = client.post("/login/", {"username": email, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts." in response.content.decode()
    # Another account from the same address, and this account from elsewhere, go on.
    response = Client().post(
        "/login/", {"username": roles["lead"].email, "password": factories.PASSWORD})
    assert response.status_code == 302
    response = Client(REMOTE_ADDR="10.1.2.4").post(
        "/login/", {"username": email, "password": factories.PASSWORD})
    assert response.status_code == 302
