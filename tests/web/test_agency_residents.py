"""Agency posts as residents meet them on the pages: the feed card with the verified badge,
the inbox with read state and the unread count in the header, the post's page, replies
(seen by the agency and the replier's own neighborhood only) and thanks."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.agencies.factories import publish
from tests.web.agency_helpers import signed_in, text
from tests.web.helpers import field_error
from townsquare.agencies.models import AgencyReply, InboxRead


@pytest.fixture
def scene(city, police, agency_roles):
    """A request for information to Alder and Birch; a second resident in each."""
    users = dict(agency_roles)
    users["alder_2"] = factories.make_resident(factories.nbhd(city, "Alder"), name="Al Two")
    users["birch"] = factories.make_resident(factories.nbhd(city, "Birch"), name="Bo Birch")
    post = publish(users["publisher"], police, title="Did you see a grey van?",
                   neighborhoods=["alder", "birch"], case_number="24-0117",
                   rfi_area="Alder Lane, 100 block")
    return {"users": users, "post": post}


def header_count(page: str) -> str | None:
    """The unread count in the header's Inbox link (None when it is hidden)."""
    match = re.search(r'Inbox <span class="badge badge-count" data-unread-count="(\d+)"'
                      r'( hidden)?>([^<]*)<', page)
    assert match, "no inbox link in the header"
    return None if match.group(2) else match.group(3)


def test_the_feed_card_links_to_the_post_with_the_badge(scene):
    page = text(signed_in(scene["users"]["resident_in"]).get("/feed/"))
    post = scene["post"]

    card = page[page.index(f'id="agency-post-{post.pk}"'):]
    card = card[:card.index("</article>")]
    assert f'<a href="/agency-posts/{post.pk}/">Did you see a grey van?</a>' in card
    assert "Verified agency" in card and "Request for information" in card
    assert re.findall(r'href="([^"]+)"', card) == [f"/agency-posts/{post.pk}/"]


def test_the_inbox_shows_unread_posts_and_the_count_in_the_header(scene, police):
    users = scene["users"]
    second = publish(users["publisher"], police, kind="alert", title="Water main break",
                     neighborhoods=["alder"])
    client = signed_in(users["resident_in"])

    before = text(client.get("/inbox/"))
    client.get(f"/agency-posts/{second.pk}/")  # opening it marks it read
    after = text(client.get("/inbox/"))

    assert header_count(before) == "2" and "2 unread." in before
    assert before.count('<span class="badge badge-unread">Unread</span>') == 2
    assert before.index("Water main break") < before.index("Did you see a grey van?")
    assert header_count(after) == "1" and "1 unread." in after
    assert after.count('<span class="badge badge-unread">Unread</span>') == 1
    assert InboxRead.objects.filter(user=users["resident_in"]).count() == 1


def test_the_header_count_is_hidden_at_zero_and_shows_99_plus(scene, police, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "500/3600"}
    client = signed_in(scene["users"]["resident_out"])
    assert header_count(text(client.get("/feed/"))) is None
    for i in range(100):
        publish(scene["users"]["publisher"], police, title=f"Notice {i}",
                neighborhoods=["ironwood"])

    assert header_count(text(client.get("/feed/"))) == "99+"


def test_staff_have_an_inbox_of_their_agencys_posts(scene, police):
    publish(scene["users"]["publisher"], police, title="Practice run", practice=True)
    page = text(signed_in(scene["users"]["tips"]).get("/inbox/"))

    assert header_count(page) == "2"
    assert "Practice run" in page and "Did you see a grey van?" in page
    assert '<a href="/agency/testville-police/">Testville Police</a>' in page


def test_unverified_residents_and_operators_have_an_empty_inbox(scene):
    unverified = text(signed_in(scene["users"]["unverified"]).get("/inbox/"))
    operator = text(signed_in(scene["users"]["operator"]).get("/inbox/"))

    assert "Your inbox opens once you are verified." in unverified
    assert "Did you see a grey van?" not in unverified + operator
    assert 'data-unread-count' not in unverified  # no inbox link: nothing would be in it


def test_the_post_page_shows_the_request_and_its_details(scene):
    page = text(signed_in(scene["users"]["resident_in"]).get(
        f"/agency-posts/{scene['post'].pk}/"))

    assert '<h1 id="agency-post-title" class="agency-post-title">Did you see a grey van?</h1>' in (
        page)
    assert "<dt>Area</dt><dd>Alder Lane, 100 block</dd>" in page
    assert "<dt>Case number</dt><dd>24-0117</dd>" in page
    assert "Practice" not in page


def test_a_reply_is_seen_by_the_agency_and_the_repliers_own_neighborhood_only(scene):
    users, post = scene["users"], scene["post"]
    url = f"/agency-posts/{post.pk}/"

    response = signed_in(users["resident_in"]).post(f"{url}replies/",
                                                    {"body": "A grey van at 9 pm"})

    reply = AgencyReply.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"{url}#reply-{reply.pk}")
    assert "A grey van at 9 pm" in text(signed_in(users["alder_2"]).get(url))
    assert "A grey van at 9 pm" not in text(signed_in(users["birch"]).get(url))
    assert signed_in(users["resident_out"]).get(url).status_code == 404
    staff_page = text(signed_in(users["tips"]).get(f"/agency/testville-police/posts/{post.pk}/"))
    assert "A grey van at 9 pm" in staff_page
    assert 'aria-label="Reply by Ina Inside, Alder"' in staff_page


def test_an_empty_reply_is_shown_on_its_field(scene):
    response = signed_in(scene["users"]["resident_in"]).post(
        f"/agency-posts/{scene['post'].pk}/replies/", {"body": "  "})

    assert response.status_code == 400
    assert field_error(text(response), "body") == "This field is required."
    assert AgencyReply.objects.count() == 0


def test_a_resident_deletes_their_own_reply(scene):
    users, post = scene["users"], scene["post"]
    client = signed_in(users["resident_in"])
    client.post(f"/agency-posts/{post.pk}/replies/", {"body": "Wrong van, sorry"})
    reply = AgencyReply.objects.get()
    delete_url = f"/agency-posts/{post.pk}/replies/{reply.pk}/delete/"

    assert signed_in(users["alder_2"]).get(delete_url).status_code == 404
    assert "Delete your reply?" in text(client.get(delete_url))
    assert client.post(delete_url).status_code == 302
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    assert "Wrong van, sorry" not in text(signed_in(users["tips"]).get(
        f"/agency/testville-police/posts/{post.pk}/"))


def test_thanks_once_and_undo(scene):
    users, post = scene["users"], scene["post"]
    client = signed_in(users["resident_in"])
    url = f"/agency-posts/{post.pk}/thank/"

    client.post(url)
    client.post(url)
    post.refresh_from_db()
    thanked = text(client.get(f"/agency-posts/{post.pk}/"))
    client.post(url, {"undo": "1"})

    assert post.thank_count == 1
    assert 'aria-pressed="true">Thanked · undo</button>' in thanked
    post.refresh_from_db()
    assert post.thank_count == 0


def test_staff_opening_the_residents_page_land_on_their_own(scene):
    post = scene["post"]
    response = signed_in(scene["users"]["publisher"]).get(f"/agency-posts/{post.pk}/")

    assert response["Location"] == f"/agency/testville-police/posts/{post.pk}/"
    assert InboxRead.objects.count() == 0
