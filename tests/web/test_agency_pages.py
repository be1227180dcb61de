"""Who may open which agency page: every page x every role with the exact status, staff
without the second factor sent to set it up, and the privacy wall on every agency page.

302 for anonymous visitors is the log-in redirect; for staff on /agency/ the way to their
dashboard, on a resident's agency-post page the way to its staff page.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils.http import urlencode

from tests import factories
from tests.agencies.factories import publish
from tests.notifications.conftest import point_mail_at
from tests.notifications.sinks import SmtpSink
from tests.web.agency_helpers import ROLES, STAFF_ROLES, enrol, signed_in, text
from tests.web.matrix import Page, check_row
from townsquare.accounts import actions as accounts
from townsquare.agencies import actions
from townsquare.agencies.actions.alerts import set_alert_details as alert_details
from townsquare.notifications import delivery, tasks
from townsquare.places import actions as places
from townsquare.posts import actions as posts

P = "/agency/testville-police"
# page: expected status per role, in ROLES order
# (anonymous, unverified, resident_in, resident_out, admin, publisher, tips, other_staff,
#  operator), and the most queries one request may make (tests/web/matrix.py).
MATRIX = {
    "/agencies/apply/":                 Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 8),
    "/agencies/apply/sent/":            Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 7),
    "/operator/agencies/":              Page([302, 403, 403, 403, 403, 403, 403, 403, 200], 8),
    "/agency/":                         Page([302, 403, 403, 403, 302, 302, 302, 302, 302], 5),
    f"{P}/":                            Page([302, 403, 403, 403, 200, 200, 200, 403, 200], 14),
    f"{P}/?cursor=bogus":               Page([302, 403, 403, 403, 400, 400, 400, 403, 400], 11),
    f"{P}/posts/new/":                  Page([302, 403, 403, 403, 200, 200, 403, 403, 403], 12),
    f"{P}/posts/{{post}}/":             Page([302, 403, 403, 403, 200, 200, 200, 403, 200], 20),
    f"{P}/posts/{{practice}}/":         Page([302, 403, 403, 403, 200, 200, 200, 403, 200], 19),
    f"{P}/posts/{{post}}/edit/":        Page([302, 403, 403, 403, 200, 200, 403, 403, 403], 9),
    f"{P}/posts/{{post}}/withdraw/":    Page([302, 403, 403, 403, 200, 200, 403, 403, 200], 9),
    f"{P}/posts/{{water_post}}/":       Page([302, 403, 403, 403, 404, 404, 404, 403, 404], 9),
    f"{P}/posts/999999/":               Page([302, 403, 403, 403, 404, 404, 404, 403, 404], 9),
    f"{P}/staff/":                      Page([302, 403, 403, 403, 200, 403, 403, 403, 200], 9),
    f"{P}/audit/":                      Page([302, 403, 403, 403, 200, 403, 403, 403, 200], 10),
    f"{P}/exports/":                    Page([302, 403, 403, 403, 200, 403, 403, 403, 200], 8),
    "/agency/no-such-agency/":          Page([302, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    "/agency/testville-pending/":       Page([302, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    "/inbox/":                          Page([302, 200, 200, 200, 200, 200, 200, 200, 200], 10),
    "/agency-posts/{post}/":            Page([302, 404, 200, 404, 302, 302, 302, 404, 200], 11),
    "/agency-posts/{practice}/":        Page([302, 404, 404, 404, 302, 302, 302, 404, 200], 8),
    "/agency-posts/{water_post}/":      Page([302, 404, 404, 200, 404, 404, 404, 302, 200], 13),
    "/agency-posts/{withdrawn}/":       Page([302, 404, 404, 404, 302, 302, 302, 404, 200], 8),
    "/agency-posts/999999/":            Page([302, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    "/accounts/two-factor/setup/":      Page([302, 403, 403, 403, 302, 302, 302, 302, 403], 5),
    "/accounts/two-factor/":            Page([302, 403, 403, 403, 302, 302, 302, 302, 403], 5),
    "/accounts/set-password/MQ/made-up/": Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    # The agency's public page and its public posts: anyone; a request for information or
    # a targeted alert only for whoever may see the post itself.
    "/agencies/testville-police/":      Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 10),
    "/agencies/testville-police/?page=9": Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 10),
    "/agencies/testville-pending/":     Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    "/agencies/testville-police/posts/{public_alert}/":
                                        Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 11),
    "/agencies/testville-police/posts/{post}/":
                                        Page([404, 404, 200, 404, 200, 200, 200, 404, 200], 11),
    "/agencies/testville-police/posts/{targeted_alert}/":
                                        Page([404, 404, 200, 404, 200, 200, 200, 404, 200], 11),
    "/agencies/testville-police/posts/{practice}/":
                                        Page([404, 404, 404, 404, 200, 200, 200, 404, 200], 11),
    "/agencies/testville-water/posts/{public_alert}/":
                                        Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 9),
    "/agency-posts/{post}/replies/{reply}/delete/":
                                        Page([302, 404, 200, 404, 404, 404, 404, 404, 404], 9),
}
# Pages that only accept POST (sent by every role in turn): a GET is 405 for whoever gets
# that far.
POST_ONLY = {
    f"{P}/audit.csv":            Page([302, 403, 403, 403, 200, 403, 403, 403, 200], 9, "post"),
    f"{P}/audience/":            Page([302, 403, 403, 403, 200, 200, 403, 403, 403], 8, "post"),
    "/agency-posts/{post}/thank/":
                                 Page([302, 404, 302, 404, 403, 403, 403, 404, 403], 13, "post"),
    "/agency-posts/{post}/replies/":
                                 Page([302, 404, 400, 404, 403, 403, 403, 404, 403], 10, "post"),
    f"{P}/posts/{{post}}/redeliver/":
                                 Page([302, 403, 403, 403, 302, 403, 403, 403, 302], 10, "post"),
    # The admin hides the reply first: a second hide is a conflict.
    f"{P}/posts/{{post}}/replies/{{reply}}/hide/":
                                 Page([302, 403, 403, 403, 302, 403, 409, 403, 409], 14, "post"),
    "/operator/agencies/{pending}/review/":
                                 Page([302, 403, 403, 403, 403, 403, 403, 403, 302], 9, "post",
                                      {"a{pending}-decision": "reject"}),
}


@pytest.fixture
def objects(city, police, water, agency_roles):
    users = agency_roles
    pending = actions.apply_for_agency(name="Testville Pending", kind="fire", city=city,
                                       website="https://fire.testville.gov",
                                       email_domain="fire.testville.gov", contact_name="Fay Fire",
                                       contact_email="fay@fire.testville.gov")
    withdrawn = publish(users["publisher"], police, title="Old notice", neighborhoods=["alder"])
    actions.withdraw_agency_post(users["publisher"], withdrawn)
    post = publish(users["publisher"], police, neighborhoods=["alder"])
    reply = actions.reply_to_agency_post(users["resident_in"], post, body="I saw it too")
    return {
        "post": post.pk,
        "reply": reply.pk,
        "pending": pending.pk,
        "practice": publish(users["publisher"], police, title="Practice run",
                            practice=True).pk,
        "water_post": publish(users["other_staff"], water, kind="advisory",
                              title="Boil water", neighborhoods=["ironwood"]).pk,
        "withdrawn": withdrawn.pk,
        "public_alert": publish(users["publisher"], police, kind="alert", title="Gas leak",
                                neighborhoods=["alder"]).pk,
        "targeted_alert": alert_details(
            users["publisher"], publish(users["publisher"], police, kind="alert",
                                        title="Police activity", neighborhoods=["alder"]),
            targeted_only=True).pk,
    }


@pytest.mark.parametrize("page", list(MATRIX))
def test_page_status_per_role(page, agency_roles, objects):
    check_row(page, MATRIX[page], objects, ROLES, lambda role: signed_in(agency_roles[role]))


@pytest.mark.parametrize("page", list(POST_ONLY))
def test_post_only_page_status_per_role(page, agency_roles, objects):
    check_row(page, POST_ONLY[page], objects, ROLES,
              lambda role: signed_in(agency_roles[role]))


@pytest.mark.parametrize("post", ["post", "practice"])
def test_the_delivery_section_is_on_the_post_page_for_whoever_may_open_it(
        post, agency_roles, objects):
    """The delivery figures are part of the agency's post page: the same roles, the same
    second factor (signed_in passes it for staff), nobody else."""
    shown = {}
    for role in ROLES:
        response = signed_in(agency_roles[role]).get(f"{P}/posts/{objects[post]}/")
        shown[role] = (response.status_code == 200
                       and "<caption>Messages by channel</caption>" in text(response))
    assert shown == {role: role in ("admin", "publisher", "tips", "operator") for role in ROLES}


def test_gets_on_post_only_pages_are_refused(agency_roles, objects):
    client = signed_in(agency_roles["admin"])
    assert [client.get(f"{P}/audit.csv").status_code,
            client.get(f"{P}/audience/").status_code] == [405, 405]


# --- the second factor gate --------------------------------------------------------------------
GATED = ["/agency/", f"{P}/", f"{P}/posts/new/", f"{P}/posts/{{post}}/", f"{P}/staff/",
         f"{P}/audit/", f"{P}/exports/", "/inbox/", "/agency-posts/{post}/"]


@pytest.mark.parametrize("page", GATED)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_an_app_are_sent_to_set_it_up(page, role, agency_roles, objects):
    url = page.format(**objects)
    response = signed_in(agency_roles[role], second_factor_done=False).get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/two-factor/setup/?{urlencode({'next': url})}"


@pytest.mark.parametrize("page", GATED)
def test_staff_with_an_app_type_a_code_before_any_agency_page(page, agency_roles, objects):
    enrol(agency_roles["tips"])
    url = page.format(**objects)
    response = signed_in(agency_roles["tips"], second_factor_done=False).get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/two-factor/?{urlencode({'next': url})}"


def test_a_post_without_the_second_factor_changes_nothing(agency_roles, objects, police):
    client = signed_in(agency_roles["publisher"], second_factor_done=False)

    response = client.post(f"{P}/posts/new/", {"kind": "alert", "title": "T", "body": "B"})

    assert response.status_code == 302
    assert response["Location"] == ("/accounts/two-factor/setup/?"
                                    + urlencode({"next": "/agency/"}))
    assert police.posts.filter(title="T").count() == 0


def test_the_api_with_a_staff_session_needs_the_second_factor_too(agency_roles, objects):
    path = "/api/v1/agencies/testville-police/posts"
    without = signed_in(agency_roles["admin"], second_factor_done=False).get(path)
    with_code = signed_in(agency_roles["admin"]).get(path)
    resident = signed_in(agency_roles["resident_in"]).get("/api/v1/inbox")

    assert (without.status_code, with_code.status_code, resident.status_code) == (401, 200, 200)
    assert [item["id"] for item in with_code.json()["items"]][:1] == [objects["targeted_alert"]]


def test_residents_and_operators_are_never_asked_for_a_code(agency_roles, objects):
    for role in ("resident_in", "operator"):
        response = signed_in(agency_roles[role]).get("/inbox/")
        assert response.status_code == 200
        assert "authenticator" not in text(response)


# --- the privacy wall on the agency pages --------------------------------------------------------
ADDRESSES = """address,latitude,longitude
4321 Quail Run,38.5951,-121.4952
"""


@pytest.fixture
def wall(city, police, agency_roles):
    """Alder with a resident who signed up by address, a resident post, replies between
    neighbors, and a reply of that resident to the police's post."""
    places.import_addresses(city, io.StringIO(ADDRESSES))
    resident = accounts.signup_resident(
        email="mara.secret@example.org", password=factories.PASSWORD,
        display_name="Mara Member", address="4321 Quail Run")
    accounts.verify_resident(resident, method="operator")
    mara = resident.user
    own = factories.make_post(mara, title="Parcel thief", body="Watch your parcels")
    posts.create_reply(agency_roles["resident_in"], own, body="Thanks for the warning")
    agency_post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    actions.reply_to_agency_post(mara, agency_post, body="I saw the van at noon")
    return {"post": agency_post, "users": agency_roles}


WALL_PAGES = ["/agency/", f"{P}/", f"{P}/posts/new/", f"{P}/posts/{{post}}/",
              f"{P}/posts/{{post}}/edit/", f"{P}/posts/{{post}}/withdraw/", f"{P}/staff/",
              f"{P}/audit/", f"{P}/exports/", "/inbox/", "/agency-posts/{post}/", "/feed/",
              "/search/?q=parcel", "/n/testville/alder/"]
SECRETS = ["Parcel thief", "Watch your parcels", "Thanks for the warning", "Ina Inside",
           "4321", "Quail Run", "QUAIL RUN", "mara.secret@example.org", "Otto Outside"]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_agency_pages_show_staff_nothing_of_residents(wall, role):
    client = signed_in(wall["users"][role])
    leaks = {}
    for page in WALL_PAGES:
        response = client.get(page.format(post=wall["post"].pk), follow=True)
        assert response.status_code in (200, 403, 404), page
        found = [secret for secret in SECRETS if secret in text(response)]
        if found:
            leaks[page] = found
    assert leaks == {}


@pytest.mark.parametrize("role", [*STAFF_ROLES, "operator"])
def test_the_delivery_section_names_no_resident_even_when_a_mail_server_does(
        wall, role, settings):
    with SmtpSink() as sink:
        point_mail_at(settings, sink.port)
        sink.rcpt_answers["mara.secret@example.org"] = (
            "550 5.1.1 <mara.secret@example.org>: Recipient address rejected")
        tasks.fan_out_agency_post.call(post_id=wall["post"].pk)
        delivery.drain("test-worker")

    response = signed_in(wall["users"][role]).get(f"{P}/posts/{wall['post'].pk}/")

    if role == "other_staff":
        assert response.status_code == 403
        return
    page = text(response)
    assert "rejected the address: 550 5.1.1 &lt;address&gt;: Recipient address rejected" in page
    assert [secret for secret in SECRETS if secret in page] == []


def test_staff_see_a_replier_as_name_and_neighborhood_only(wall):
    page = text(signed_in(wall["users"]["tips"]).get(f"{P}/posts/{wall['post'].pk}/"))

    assert "I saw the van at noon" in page
    assert 'aria-label="Reply by Mara Member, Alder"' in page
    assert "Quail" not in page and "mara.secret" not in page


def test_exports_hold_no_resident_post_or_address(wall):
    client = signed_in(wall["users"]["admin"])
    csv_body = client.post(f"{P}/exports/", {"format": "csv"}).content.decode("utf-8-sig")
    json_body = client.post(f"{P}/exports/", {"format": "json"}).content.decode()

    for body in (csv_body, json_body):
        assert "I saw the van at noon" in body and "Mara Member" in body
        assert [s for s in SECRETS if s in body] == []


def test_the_wall_check_can_fail(wall):
    """A resident of Alder does see these things, on the same kind of pages."""
    client = signed_in(wall["users"]["resident_in"])
    seen = "".join(text(client.get(url)) for url in (
        "/search/?q=parcel", "/n/testville/alder/", f"/agency-posts/{wall['post'].pk}/"))

    assert [s for s in SECRETS if s in seen] == [
        "Parcel thief", "Watch your parcels", "Ina Inside", "QUAIL RUN"]
    assert "I saw the van at noon" in seen


def test_every_agency_template_escapes_hostile_text(police, agency_roles):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    post = publish(agency_roles["publisher"], police, title=hostile, body=hostile,
                   neighborhoods=["alder"], case_number="<b>24-1</b>", rfi_area=hostile)
    actions.reply_to_agency_post(agency_roles["resident_in"], post, body=hostile)
    pages = [
        (signed_in(agency_roles["admin"]), f"{P}/posts/{post.pk}/"),
        (signed_in(agency_roles["admin"]), f"{P}/"),
        (signed_in(agency_roles["admin"]), f"{P}/posts/{post.pk}/edit/"),
        (signed_in(agency_roles["admin"]), f"{P}/posts/{post.pk}/withdraw/"),
        (signed_in(agency_roles["resident_in"]), f"/agency-posts/{post.pk}/"),
        (signed_in(agency_roles["resident_in"]), "/inbox/"),
        (signed_in(agency_roles["resident_in"]), "/feed/"),
    ]
    for client, url in pages:
        body = text(client.get(url))
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body, url
        assert "<b>24-1</b>" not in body, url


def test_anonymous_visitors_are_sent_to_log_in_with_the_page_to_return_to(objects):
    response = Client().get(f"{P}/posts/{objects['post']}/")
    assert response["Location"] == f"/login/?next={P}/posts/{objects['post']}/"
