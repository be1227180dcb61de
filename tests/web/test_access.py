"""Who may open which page: a matrix of page x role with the expected status code.

302 is the login redirect for anonymous visitors (or "already signed in" for sign-up and
log-in pages), 403 a role that may not use the page, 404 an object the caller may not see.
"""

from __future__ import annotations

import re

import pytest
from django.template.loader import get_template
from django.test import Client

from tests import factories
from townsquare.accounts import actions as accounts

ROLES = ["anonymous", "unverified", "neighbor", "nearby", "stranger", "lead", "operator"]

# page: expected status per role, in ROLES order.
MATRIX = {
    "/":                         [200, 200, 200, 200, 200, 200, 200],
    "/n/testville/alder/":       [200, 200, 200, 200, 200, 200, 200],
    "/signup/":                  [200, 302, 302, 302, 302, 302, 302],
    "/login/":                   [200, 302, 302, 302, 302, 302, 302],
    "/welcome/":                 [302, 200, 200, 200, 200, 200, 200],
    "/verify/":                  [302, 200, 200, 200, 200, 200, 403],
    "/invite/":                  [302, 403, 200, 200, 200, 200, 403],
    "/feed/":                    [302, 200, 200, 200, 200, 200, 200],
    "/posts/new/":               [302, 403, 200, 200, 200, 200, 403],
    "/posts/{post}/":            [302, 404, 200, 404, 404, 200, 200],
    "/posts/{shared}/":          [302, 404, 200, 200, 404, 200, 200],
    "/posts/{post}/edit/":       [302, 404, 200, 404, 404, 404, 404],
    "/posts/{post}/delete/":     [302, 404, 200, 404, 404, 404, 404],
    "/posts/999999/":            [302, 404, 404, 404, 404, 404, 404],
    "/search/?q=garden":         [302, 200, 200, 200, 200, 200, 200],
    "/moderation/":              [302, 403, 403, 403, 403, 200, 200],
    "/settings/":                [302, 200, 200, 200, 200, 200, 200],
    "/operator/postcards/":      [302, 403, 403, 403, 403, 403, 200],
    "/operator/leads/":          [302, 403, 403, 403, 403, 403, 200],
    "/invitations/{token}/":     [200, 200, 200, 200, 200, 200, 200],
    "/invitations/inv_nope/":    [404, 404, 404, 404, 404, 404, 404],
    "/addresses/suggest?q=432":  [200, 200, 200, 200, 200, 200, 200],
    "/n/testville/no-such-place/": [404, 404, 404, 404, 404, 404, 404],
}


@pytest.fixture
def objects(roles):
    neighbor = roles["neighbor"]
    _invitation, token = accounts.invite_neighbor(neighbor, "friend@example.org")
    return {
        "post": factories.make_post(neighbor, title="Garden swap", body="Bring seeds.").pk,
        "shared": factories.make_post(neighbor, title="Street fair", body="Everyone welcome.",
                                      share_nearby=True).pk,
        "token": token,
    }


@pytest.mark.parametrize("page", list(MATRIX))
def test_page_status_per_role(page, roles, objects):
    url = page.format(**objects)
    got = {}
    for role in ROLES:
        client = Client()
        if roles[role] is not None:
            client.force_login(roles[role])
        got[role] = client.get(url).status_code
    assert got == dict(zip(ROLES, MATRIX[page], strict=True))


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
    "operator": ["Search", "Moderation", "Postcards", "Leads", "Agencies", "Admin", "Settings",
                 "Log out"],
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
