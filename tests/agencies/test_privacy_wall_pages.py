"""The privacy wall on the server-rendered pages and the operators' admin: agency staff,
signed in with the browser session, see no resident post, reply, member or address."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from tests.agencies.factories import publish
from townsquare.posts import actions as posts


@pytest.fixture
def scene(city, police, agency_roles):
    alder = factories.nbhd(city, "Alder")
    author = factories.make_resident(alder, name="Mara Member")
    post = factories.make_post(author, title="Parcel thief", body="Watch your parcels")
    posts.create_reply(agency_roles["resident_in"], post, body="Thanks for the warning")
    agency_post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    return {"post": post, "agency_post": agency_post, "users": agency_roles}


PAGES = ["/feed/", "/search/?q=parcel", "/posts/{post}/", "/n/testville/alder/", "/settings/",
         "/moderation/", "/admin/", "/admin/posts/post/", "/admin/accounts/resident/",
         "/admin/agencies/agencyreply/"]
SECRETS = ["Parcel thief", "Watch your parcels", "Thanks for the warning", "Mara Member",
           "Ina Inside"]


def page_text(user, path: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(path, follow=True)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("role", ["admin", "publisher", "tips", "other_staff"])
@pytest.mark.parametrize("path", PAGES)
def test_staff_pages_show_nothing_of_residents(scene, role, path):
    status, text = page_text(scene["users"][role], path.format(post=scene["post"].pk))

    assert status in (200, 403, 404)
    assert [secret for secret in SECRETS if secret in text] == []


def test_the_check_can_fail(scene):
    """A resident of Alder does see these on the same pages."""
    _status, text = page_text(scene["users"]["resident_in"], f"/posts/{scene['post'].pk}/")

    assert "Watch your parcels" in text and "Thanks for the warning" in text


def test_the_feed_page_shows_an_agency_post_with_its_badge(scene):
    _status, text = page_text(scene["users"]["resident_in"], "/feed/")

    assert "Did you see a grey van?" in text and "Testville Police" in text
    assert "Verified agency" in text
    agency_post = scene["agency_post"]
    assert f'id="agency-post-{agency_post.pk}-title"' in text
    # Its card links to the agency post's own page only (never to the resident post page
    # that has the same number).
    card = text[text.index(f'aria-labelledby="agency-post-{agency_post.pk}-title"'):]
    card = card[:card.index("</article>")]
    assert "Testville Police" in card
    assert re.findall(r'href="([^"]+)"', card) == [f"/agency-posts/{agency_post.pk}/"]
