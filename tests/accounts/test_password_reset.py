"""A forgotten password: the link by email (pages and API alike), single use, expiry, the
limits, the same answer for unknown addresses, and what a new password ends."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.api.conftest import ApiClient
from tests.web.agency_helpers import enrol
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import ApiToken, User
from townsquare.accounts.password_reset_tokens import reset_link, reset_tokens, uid_of
from townsquare.core.models import AuditLog

NEW_PASSWORD = "a brand new passphrase 42"
SAME_ANSWER = {"detail": "If an account uses this address, a link to reset its password "
                         "is on its way."}
LINK = re.compile(r"(https?://\S+/accounts/password-reset/([^/\s]+)/([^/\s]+)/)")


def mailed_link() -> tuple[str, str, str]:
    """The link, uid and token of the one reset mail sent."""
    [message] = mail.outbox
    match = LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1), match.group(2), match.group(3)


def ask_by_api(email: str, address: str = "203.0.113.7"):
    return Client().post("/api/v1/auth/password-reset", {"email": email},
                         content_type="application/json", REMOTE_ADDR=address)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def ask_on_the_page(client: Client, email: str, address: str = "203.0.113.7"):
    return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)


def set_on_the_page(client: Client, link: str, password: str = NEW_PASSWORD):
    """Open the link (which moves the token into the session) and submit the new password."""
    opened = client.get(path_of(link))
    assert opened.status_code == 302, opened.status_code
    form_url = opened["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


@pytest.fixture
def resident(city) -> User:
    return factories.make_resident(factories.nbhd(city, "Alder"), email="nora@example.org")


# The worker sends the mail from the real task queue, which needs committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_whole_flow_on_the_pages(resident, settings):
    settings.SITE_URL = "https://town.example"
    elsewhere = Client()
    elsewhere.force_login(resident)
    token = accounts.issue_token(resident)
    client = Client()

    login_page = client.get("/login/")
    form = client.get("/accounts/password-reset/")
    asked = ask_on_the_page(client, "Nora@Example.org ")
    sent = client.get(asked["Location"])
    factories.run_worker()
    link, uid, _token = mailed_link()
    changed = set_on_the_page(client, link)

    assert 'href="/accounts/password-reset/">Forgot your password?</a>' in login_page.text
    assert form.status_code == 200 and '<label for="id_email">Email</label>' in form.text
    assert (asked.status_code, asked["Location"]) == (302, "/accounts/password-reset/sent/")
    assert "If an account uses that address" in sent.text
    [message] = mail.outbox
    assert (message.to, message.subject) == (["nora@example.org"],
                                             "Reset your townsquare password")
    assert link.startswith("https://town.example/accounts/password-reset/")
    assert uid == uid_of(resident)
    assert (changed.status_code, changed["Location"]) == (302, "/login/")
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert not resident.check_password(factories.PASSWORD)
    # Every other session is signed out, every API token revoked.
    assert elsewhere.get("/settings/")["Location"].startswith("/login/")
    assert ApiToken.objects.filter(user=resident).count() == 0
    assert ApiClient(token).get("/me").status_code == 401
    assert list(AuditLog.objects.filter(action="accounts.password_reset")
                .values_list("actor_label", "data")) == [
        ("nora@example.org", {"api_tokens_revoked": 1})]
    # The new password signs in.
    signed_in = client.post("/login/", {"username": "nora@example.org",
                                        "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_an_unknown_address_gets_the_same_answer_and_no_mail(resident):
    known, unknown = ApiClient(), ApiClient()

    for_known = known.post("/auth/password-reset", {"email": "nora@example.org"})
    for_unknown = unknown.post("/auth/password-reset", {"email": "nobody@example.org"})
    page_known = ask_on_the_page(Client(), "nora@example.org")
    page_unknown = ask_on_the_page(Client(), "nobody@example.org")
    queued = DBTaskResult.objects.count()
    factories.run_worker()

    assert (for_known.status_code, for_known.json()) == (202, SAME_ANSWER)
    assert (for_unknown.status_code, for_unknown.json()) == (202, SAME_ANSWER)
    assert (page_known.status_code, page_known["Location"]) == (
        page_unknown.status_code, page_unknown["Location"])
    assert queued == 4  # the same work is queued for either address
    assert [m.to for m in mail.outbox] == [["nora@example.org"], ["nora@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_the_api_flow_revokes_tokens_and_the_link_works_once(resident):
    token = accounts.issue_token(resident)
    ApiClient().post("/auth/password-reset", {"email": "nora@example.org"})
    factories.run_worker()
    _link, uid, reset_token = mailed_link()
    body = {"uid": uid, "token": reset_token, "password": NEW_PASSWORD}

    done = ApiClient().post("/auth/password-reset/confirm", body)
    again = ApiClient().post("/auth/password-reset/confirm",
                             {**body, "password": "yet another passphrase 7"})

    assert done.status_code == 200
    assert ApiClient(token).get("/me").status_code == 401
    assert again.status_code == 400
    assert again.json()["detail"] == ("This password reset link is used, expired or "
                                      "incomplete. Ask for a new one.")
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    new_token = ApiClient().post("/auth/token", {"email": "nora@example.org",
                                                 "password": NEW_PASSWORD})
    assert new_token.status_code == 200


def test_the_link_works_once_on_the_page(resident):
    link = reset_link(resident)
    set_on_the_page(Client(), link)

    reopened = Client().get(path_of(link), follow=True)

    assert reopened.status_code == 404
    assert "This link no longer works" in reopened.text


def test_an_expired_link_is_refused(resident, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    made = reset_tokens._num_seconds(reset_tokens._now())
    old = reset_tokens._make_token_with_timestamp(resident, made - 3601,
                                                   reset_tokens.secret)
    fresh = reset_tokens._make_token_with_timestamp(resident, made - 3500,
                                                     reset_tokens.secret)
    uid = uid_of(resident)

    expired = ApiClient().post("/auth/password-reset/confirm",
                               {"uid": uid, "token": old, "password": NEW_PASSWORD})
    page = Client().get(reverse("web:password_reset_confirm", args=[uid, old]), follow=True)

    assert expired.status_code == 400
    assert page.status_code == 404
    resident.refresh_from_db()
    assert resident.check_password(factories.PASSWORD)
    assert reset_tokens.check_token(resident, fresh)  # a link of the last hour still works


def test_altered_links_and_staff_set_password_links_are_refused(resident):
    from townsquare.agencies.links import password_set_link

    uid = uid_of(resident)
    staff_token = password_set_link(resident).rstrip("/").rsplit("/", 1)[1]
    good = reset_tokens.make_token(resident)
    for uid_, token in [(uid, staff_token), (uid, good[:-1] + "x"), ("Zm9v", good),
                        ("", good), ("\x00", good)]:
        response = ApiClient().post("/auth/password-reset/confirm",
                                    {"uid": uid_, "token": token, "password": NEW_PASSWORD})
        assert response.status_code == 400, (uid_, token)
    resident.refresh_from_db()
    assert resident.check_password(factories.PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works(resident):
    link = reset_link(resident)
    client = Client()

    weak = set_on_the_page(client, link, "password")
    by_api = ApiClient().post("/auth/password-reset/confirm", {
        "uid": uid_of(resident), "token": link.rstrip("/").rsplit("/", 1)[1],
        "password": "12345678901"})

    assert weak.status_code == 400
    assert "This password is too common." in weak.text
    assert by_api.status_code == 400
    assert by_api.json()["fields"] == {"password": ["This password is too common.",
                                                    "This password is entirely numeric."]}
    assert set_on_the_page(Client(), link).status_code == 302


def test_requests_are_limited_per_email_address(resident, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "password_reset_email": "2/3600"}
    answers = [ask_by_api(email, f"198.51.100.{i}").status_code
               for i, email in enumerate(["nora@example.org", "NORA@example.org",
                                          "nora@example.org", "nobody@example.org"])]
    page = ask_on_the_page(Client(), "nora@example.org", "198.51.100.99")

    assert answers == [202, 202, 429, 202]
    assert page.status_code == 429
    assert "Too many password reset requests" in page.text


def test_requests_are_limited_per_client_address(resident, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "password_reset_client": "2/3600"}
    answers = [ask_by_api(f"person{i}@example.org", "198.51.100.1").status_code
               for i in range(3)]
    elsewhere = ask_by_api("person9@example.org", "198.51.100.2")

    assert answers == [202, 202, 429]
    assert elsewhere.status_code == 202


def test_a_malformed_address_is_a_400_not_a_hint(db):
    response = ApiClient().post("/auth/password-reset", {"email": "not an email"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["Enter a valid email address."]}


def test_staff_still_need_their_second_factor_after_a_reset(agency_roles):
    officer = agency_roles["publisher"]
    officer.set_password(factories.PASSWORD)
    officer.save()
    enrol(officer)
    client = Client()

    set_on_the_page(client, reset_link(officer))
    signed_in = client.post("/login/", {"username": officer.email, "password": NEW_PASSWORD})
    agency = client.get("/agency/testville-police/")

    assert signed_in.status_code == 302
    assert agency.status_code == 302
    assert agency["Location"].startswith("/accounts/two-factor/?next=")
