"""Who may open which page: a matrix of page x role with the expected status code and the
most database queries one request may make.

302 is the login redirect for anonymous visitors (or "already signed in" for sign-up and
log-in pages; after a POST, the way back to the page), 403 a role that may not use the
page, 404 an object the caller may not see, 405 a method the page does not take.
Agency pages have their own matrix (tests/web/test_agency_pages.py); together the two hold
every route of the URLconf (`test_every_page_of_the_site_is_in_a_matrix`).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.agencies.factories import publish
from tests.web import test_agency_pages
from tests.web.agency_helpers import signed_in
from tests.web.matrix import Page, check_row, route_of, site_routes
from townsquare.accounts import actions as accounts
from townsquare.agencies import actions as agency_actions
from townsquare.notifications import actions as notification_actions
from townsquare.posts import actions as posts

# Domains whose pages have their matrix in tests/<domain>/test_pages_matrix.py.
DOMAIN_MATRICES = ("tips", "questions", "incidents", "coverage")

ROLES = ["anonymous", "unverified", "neighbor", "nearby", "stranger", "lead", "operator"]

# page: expected status per role, in ROLES order, and the query budget. POST rows are
# sent by every role in turn (the lead hides the post before the operator tries).
MATRIX = {
    "/":                         Page([200, 200, 200, 200, 200, 200, 200], 7),
    "/n/testville/alder/":       Page([200, 200, 200, 200, 200, 200, 200], 8),
    "/signup/":                  Page([200, 302, 302, 302, 302, 302, 302], 3),
    "/login/":                   Page([200, 302, 302, 302, 302, 302, 302], 4),
    "/logout/":                  Page([302, 302, 302, 302, 302, 302, 302], 4, "post"),
    "/welcome/":                 Page([302, 200, 200, 200, 200, 200, 200], 5),
    "/verify/":                  Page([302, 200, 200, 200, 200, 200, 403], 5),
    "/invite/":                  Page([302, 403, 200, 200, 200, 200, 403], 5),
    "/feed/":                    Page([302, 200, 200, 200, 200, 200, 200], 8),
    "/posts/new/":               Page([302, 403, 200, 200, 200, 200, 403], 5),
    "/posts/{post}/":            Page([302, 404, 200, 404, 404, 200, 200], 7),
    "/posts/{shared}/":          Page([302, 404, 200, 200, 404, 200, 200], 8),
    "/posts/{post}/edit/":       Page([302, 404, 200, 404, 404, 404, 404], 6),
    "/posts/{post}/delete/":     Page([302, 404, 200, 404, 404, 404, 404], 6),
    "/posts/999999/":            Page([302, 404, 404, 404, 404, 404, 404], 6),
    "/posts/{post}/thank/":      Page([302, 404, 302, 404, 404, 302, 403], 11, "post"),
    "/posts/{post}/report/":     Page([302, 404, 302, 404, 404, 302, 403], 12, "post",
                                      {"reason": "spam"}),
    "/posts/{post}/replies/":    Page([302, 404, 302, 404, 404, 302, 403], 10, "post",
                                      {"body": "Count me in"}),
    "/posts/{post}/replies/{reply}/delete/":
                                 Page([302, 404, 200, 404, 404, 404, 404], 7),
    "/search/?q=garden":         Page([302, 200, 200, 200, 200, 200, 200], 8),
    "/moderation/":              Page([302, 403, 403, 403, 403, 200, 200], 6),
    "/moderation/reports/{report}/dismiss/":
                                 Page([302, 404, 404, 404, 404, 302, 404], 9, "post"),
    "/posts/{post}/hide/":       Page([302, 404, 404, 404, 404, 302, 302], 11, "post"),
    "/posts/{hidden}/unhide/":   Page([302, 404, 404, 404, 404, 302, 404], 13, "post"),
    "/posts/{post}/replies/{reply}/hide/":
                                 Page([302, 404, 404, 404, 404, 302, 302], 11, "post"),
    "/settings/":                Page([302, 200, 200, 200, 200, 200, 200], 7),
    "/settings/notifications/":  Page([302, 200, 200, 200, 200, 200, 200], 7),
    "/operator/postcards/":      Page([302, 403, 403, 403, 403, 403, 200], 7),
    "/operator/postcards/999999.pdf":
                                 Page([302, 403, 403, 403, 403, 403, 404], 6),
    "/operator/leads/":          Page([302, 403, 403, 403, 403, 403, 200], 8),
    "/invitations/{token}/":     Page([200, 200, 200, 200, 200, 200, 200], 6),
    "/invitations/inv_nope/":    Page([404, 404, 404, 404, 404, 404, 404], 6),
    "/addresses/suggest?q=432":  Page([200, 200, 200, 200, 200, 200, 200], 2),
    "/n/testville/no-such-place/": Page([404, 404, 404, 404, 404, 404, 404], 6),
    "/accounts/password-reset/": Page([200, 200, 200, 200, 200, 200, 200], 5),
    "/accounts/password-reset/sent/":
                                 Page([200, 200, 200, 200, 200, 200, 200], 5),
    "/accounts/password-reset/MQ/made-up/":
                                 Page([404, 404, 404, 404, 404, 404, 404], 6),
    "/u/made-up/":               Page([404, 404, 404, 404, 404, 404, 404], 5),
    "/open/post/{post}/made-up/":
                                 Page([302, 302, 302, 302, 302, 302, 302], 0),
    "/sw.js":                    Page([200, 200, 200, 200, 200, 200, 200], 0),
    "/manifest.webmanifest":     Page([200, 200, 200, 200, 200, 200, 200], 0),
    "/inbox/read-all/":          Page([302, 302, 302, 302, 302, 302, 302], 8, "post"),
    "/events/inbox":             Page([204, 200, 200, 200, 200, 200, 200], 2),
    "/jsi18n/":                  Page([200, 200, 200, 200, 200, 200, 200], 0),
}


@pytest.fixture
def objects(roles):
    neighbor = roles["neighbor"]
    _invitation, token = accounts.invite_neighbor(neighbor, "friend@example.org")
    post = factories.make_post(neighbor, title="Garden swap", body="Bring seeds.")
    reply = posts.create_reply(neighbor, post, body="Tomatoes too.")
    shared = factories.make_post(neighbor, title="Street fair", body="Everyone welcome.",
                                 share_nearby=True)
    report = posts.report_content(roles["nearby"], shared, reason="spam")
    hidden = factories.make_post(neighbor, title="Old news", body="Gone.")
    posts.hide_post(roles["operator"], hidden)
    return {"post": post.pk, "shared": shared.pk, "hidden": hidden.pk, "reply": reply.pk,
            "report": report.pk, "token": token}


def test_every_page_of_the_site_is_in_a_matrix():
    """Every route of the URLconf (but the API's and the admin's) has a row here or in the
    agency pages' matrix, and every row opens a route that exists."""
    rows = [*MATRIX, *test_agency_pages.MATRIX, *test_agency_pages.POST_ONLY]
    for module in DOMAIN_MATRICES:  # the later domains' pages, each in its own folder
        rows += importlib.import_module(f"tests.{module}.test_pages_matrix").PAGES
    covered = {route_of(page) for page in rows}
    assert sorted(site_routes() - covered) == []
    assert covered <= site_routes()


@pytest.mark.parametrize("page", list(MATRIX))
def test_page_status_per_role(page, roles, objects):
    def client_for(role: str) -> Client:
        client = Client()
        if roles[role] is not None:
            client.force_login(roles[role])
        return client

    check_row(page, MATRIX[page], objects, ROLES, client_for)


# --- the heavy pages: as many queries with 30 items as with 3 ----------------------------------
@pytest.fixture
def many_allowed(settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "1000/3600",
                                       "reply": "1000/3600", "report": "1000/3600"}


def _queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _search_items(world: dict[str, Any], start: int, stop: int) -> None:
    authors = [world["roles"]["neighbor"], world["roles"]["lead"]]
    for i in range(start, stop):
        post = factories.make_post(authors[i % 2], title=f"Garden tools {i}", body="Free.")
        posts.create_reply(world["roles"]["lead"], post, body="I'll take the rake.")
        if i % 2:
            posts.thank_post(world["roles"]["neighbor"], post)


def _moderation_items(world: dict[str, Any], start: int, stop: int) -> None:
    for i in range(start, stop):
        post = factories.make_post(world["roles"]["neighbor"], title=f"Yard sale {i}")
        posts.report_content(world["roles"]["lead"], post, reason="spam")
        reply = posts.create_reply(world["roles"]["lead"], post, body=f"Reply {i}")
        posts.report_content(world["roles"]["neighbor"], post, reason="spam", reply=reply)


def _inbox_items(world: dict[str, Any], start: int, stop: int) -> None:
    for i in range(start, stop):
        publish(world["agency_roles"]["publisher"], world["police"], title=f"Notice {i}",
                neighborhoods=["alder"])


def _agency_post_replies(world: dict[str, Any], start: int, stop: int) -> None:
    post = world.setdefault("agency_post", publish(world["agency_roles"]["publisher"],
                                                   world["police"], neighborhoods=["alder"]))
    alder = factories.nbhd(world["city"], "Alder")
    for i in range(start, stop):
        replier = factories.make_resident(alder, name=f"Replier {i}")
        agency_actions.reply_to_agency_post(replier, post, body=f"I saw it, {i}")
    agency_actions.reply_to_agency_post(world["agency_roles"]["resident_in"], post,
                                        body=f"Me too ({stop})")


def _push_subscriptions(world: dict[str, Any], start: int, stop: int) -> None:
    from tests.notifications.sinks import FakeBrowser

    for i in range(start, stop):
        browser = FakeBrowser()
        notification_actions.subscribe_push(
            world["roles"]["neighbor"], endpoint=f"https://push.example.net/{i}",
            p256dh=browser.p256dh, auth=browser.auth)


# page: who opens it, the page, how to add items numbered start..stop-1, and a mark of one
# item in the page with how often it shows with 3 and with 30 items (so the page does show
# them: a page that lists nothing would make few queries too).
HEAVY = {
    "search": ("lead", "/search/?q=garden", _search_items, "Garden tools ", (3, 30)),
    "moderation queue": ("lead", "/moderation/", _moderation_items, "Yard sale ", (6, 60)),
    "inbox": ("resident_in", "/inbox/", _inbox_items, "Notice ", (3, 25)),  # pages of 25
    "agency post page (staff)": ("admin", "/agency/testville-police/posts/{agency_post}/",
                                 _agency_post_replies, "I saw it, ", (3, 30)),
    "agency post page (resident)": ("resident_in", "/agency-posts/{agency_post}/",
                                    _agency_post_replies, "I saw it, ", (3, 30)),
    "notification settings": ("neighbor", "/settings/notifications/", _push_subscriptions,
                              "Push is on: 3 browsers are subscribed.", (1, 0)),
}


@pytest.mark.parametrize("name", list(HEAVY))
def test_heavy_pages_make_as_many_queries_for_30_items_as_for_3(
        name, city, roles, agency_roles, police, many_allowed):
    role, page, add, mark, shown = HEAVY[name]
    world: dict[str, Any] = {"city": city, "roles": roles, "agency_roles": agency_roles,
                             "police": police}
    client = signed_in(roles.get(role) or agency_roles[role])
    add(world, 0, 3)
    url = page.format(agency_post=getattr(world.get("agency_post"), "pk", 0))
    with_3 = _queries_of(client, url)
    marks_3 = client.get(url).content.decode().count(mark)
    add(world, 3, 30)
    with_30 = _queries_of(client, url)
    marks_30 = client.get(url).content.decode().count(mark)

    assert (marks_3, marks_30) == shown
    assert with_30 == with_3


def test_anonymous_is_sent_to_login_with_the_page_to_return_to(roles, objects):
    response = Client().get(f"/posts/{objects['post']}/")
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/posts/{objects['post']}/"


@pytest.mark.parametrize("url", ["/posts/{post}/thank/", "/posts/{post}/replies/",
                                 "/posts/{post}/report/", "/posts/{post}/hide/"])
def test_actions_on_invisible_posts_are_404(url, roles, objects, client_as):
    for role in ("unverified", "nearby", "stranger"):
        response = client_as(roles[role]).post(url.format(**objects),
                                               {"body": "hi", "reason": "spam"})
        assert response.status_code == 404, role


def test_hide_is_404_for_a_resident_who_can_see_but_not_moderate(roles, objects, client_as):
    response = client_as(roles["neighbor"]).post(f"/posts/{objects['post']}/hide/")
    assert response.status_code == 404


def test_postcard_pdf_is_operator_only(roles, client_as):
    for role, expected in (("anonymous", 302), ("neighbor", 403), ("lead", 403),
                           ("operator", 404)):
        assert client_as(roles[role]).get("/operator/postcards/1.pdf").status_code == expected


def test_member_list_only_for_verified_members_of_that_neighborhood(roles, client_as):
    for role in ROLES:
        html = client_as(roles[role]).get("/n/testville/alder/").content.decode()
        shows = 'id="members-title"' in html
        assert shows == (role in {"neighbor", "lead", "operator"}), role
        if shows:
            # Verified members only: the unverified resident is not listed.
            assert html.count('<tr><td data-label="Name">') == 2
            assert "Nora Neighbor" in html and "Lee Lead" in html
            assert "Una Verified" not in html
            assert html.count('<span class="badge badge-lead">Lead</span>') == 1


NAV = {
    "anonymous": ["Log in", "Sign up"],
    "unverified": ["Feed", "Verify", "Search", "Settings", "Log out"],
    "neighbor": ["Feed", "New post", "Invite", "Search", "Settings", "Log out"],
    "lead": ["Feed", "New post", "Invite", "Search", "Moderation", "Settings", "Log out"],
    "operator": ["Search", "Moderation", "Postcards", "Leads", "Agencies", "Recruiting", "Admin",
                 "Settings", "Log out"],
}


@pytest.mark.parametrize("role", list(NAV))
def test_navigation_offers_what_the_role_can_use(role, roles, client_as):
    html = client_as(roles[role]).get("/").content.decode()
    nav = html[html.index('<nav aria-label="Main">'):html.index("</nav>")]
    labels = re.findall(r">([A-Z][a-z]+(?: [a-z]+)?)</(?:a|button)>", nav)
    assert labels == NAV[role]


def test_refusals_say_why(roles, client_as):
    response = client_as(roles["unverified"]).get("/posts/new/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only verified residents can post. Verify your address first." in html
    assert 'href="/welcome/">How to verify your address</a>' in html


def test_error_pages_render_without_a_request():
    # Django renders 500.html with an empty context: it must not need the site's context.
    html = get_template("500.html").render()
    assert "<title>Something went wrong · townsquare</title>" in html
    assert '<html lang="en">' in html
