"""Posts through the pages: writing (with the crime & safety guard), the feed, replies,
thanks, reports, editing and deleting, moderation, search and feed settings."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.web.helpers import field_error
from townsquare.posts import profiling
from townsquare.posts.models import Post, Reply, Report

CRIME = {"title": "Car break-in on Quail Run", "category": "crime_safety"}


def _post_ids(html: str) -> list[int]:
    cards = re.findall(r'<article class="post-card" aria-labelledby="post-(\d+)-title"', html)
    return [int(pk) for pk in cards]


def test_new_post_publishes_and_redirects_to_it(roles, client_as):
    client = client_as(roles["neighbor"])
    response = client.post("/posts/new/", {"title": "Lost cat", "body": "Grey, answers to Mo.",
                                           "category": "lost_found", "share_nearby": "on"})
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/"
    assert (post.title, post.category, post.share_nearby, post.person) == (
        "Lost cat", "lost_found", True, {})
    html = client.get(response["Location"]).content.decode()
    assert "Your post is published." in html
    assert "Lost &amp; found" in html


def test_new_post_form_shows_the_person_fieldset_and_warning(roles, client_as):
    html = client_as(roles["neighbor"]).get("/posts/new/").content.decode()
    assert "Describing a person?" in html
    assert str(profiling.WARNING) in html
    for key in [*profiling.DETAIL_FIELDS, *profiling.OPTIONAL_FIELDS]:
        assert f'name="person_{key}"' in html
    # Without JavaScript the fieldset is always there, with a note saying when it applies.
    assert "Only for crime &amp; safety posts; leave it empty otherwise." in html
    assert 'data-category-value="crime_safety"' in html


def test_race_alone_is_not_a_description(roles, client_as):
    response = client_as(roles["neighbor"]).post("/posts/new/", {
        **CRIME, "body": "Someone tried car doors at 2am.", "person_race": "Black",
    })
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("data-error-summary"):html.index("</div>", html.index(
        "data-error-summary"))]
    assert str(profiling.WARNING) in summary
    assert "Give at least 3 details besides race" in html
    assert 'aria-describedby="person-warning person-errors"' in html
    # What was typed is kept for the next try.
    assert 'name="person_race" value="Black"' in html.replace(' maxlength="200"', "")
    assert Post.objects.count() == 0


def test_race_in_the_text_needs_the_description_form(roles, client_as):
    response = client_as(roles["neighbor"]).post("/posts/new/", {
        **CRIME, "body": "A black guy was looking into cars.",
    })
    assert response.status_code == 400
    assert "Your post mentions a person&#x27;s race." in response.content.decode()
    assert Post.objects.count() == 0


def test_a_full_description_is_accepted(roles, client_as):
    client = client_as(roles["neighbor"])
    response = client.post("/posts/new/", {
        **CRIME, "body": "Someone tried car doors at 2am.", "person_top": "red hoodie",
        "person_bottom": "grey sweatpants", "person_shoes": "white sneakers",
        "person_race": "Black",
    })
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.person == {"top": "red hoodie", "bottom": "grey sweatpants",
                           "shoes": "white sneakers", "race": "Black"}
    html = client.get(f"/posts/{post.pk}/").content.decode()
    assert "Description of the person" in html and "red hoodie" in html


def test_person_fields_are_ignored_outside_crime_and_safety(roles, client_as):
    client_as(roles["neighbor"]).post("/posts/new/", {
        "title": "Hello", "body": "Hi all", "category": "general", "person_race": "Black",
    })
    assert Post.objects.get().person == {}


def test_empty_body_is_refused_on_its_field(roles, client_as):
    response = client_as(roles["neighbor"]).post("/posts/new/", {"title": "x", "body": "",
                                                                 "category": "general"})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "body") == "This field is required."


def test_post_rate_limit_is_a_form_error(roles, client_as, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "1/3600"}
    client = client_as(roles["neighbor"])
    assert client.post("/posts/new/", {"body": "one", "category": "general"}).status_code == 302
    response = client.post("/posts/new/", {"body": "two", "category": "general"})
    assert response.status_code == 429
    assert "You are posting too often. Try again later." in response.content.decode()
    assert Post.objects.count() == 1


def test_feed_pages_with_a_cursor(roles, client_as, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "100/3600"}
    made = [factories.make_post(roles["neighbor"], title=f"Post {n}").pk for n in range(23)]
    other = factories.make_post(roles["stranger"], title="Elsewhere")
    client = client_as(roles["lead"])
    first = client.get("/feed/").content.decode()
    assert _post_ids(first) == made[::-1][:20]
    cursor = re.search(r'href="\?cursor=([^"]+)" rel="next">Older posts</a>', first).group(1)
    second = client.get(f"/feed/?cursor={cursor}").content.decode()
    assert _post_ids(second) == made[::-1][20:]
    assert "Older posts" not in second
    assert other.pk not in _post_ids(first + second)
    assert client.get("/feed/?cursor=garbage").status_code == 400


def test_feed_page_costs_the_same_queries_for_one_post_or_twenty(roles, client_as, settings):
    """Nothing on a card loads more of a post, its author or its neighborhood."""
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "100/3600"}
    factories.make_post(roles["neighbor"], title="First")
    client = client_as(roles["lead"])
    client.get("/feed/")
    with CaptureQueriesContext(connection) as one:
        assert len(_post_ids(client.get("/feed/").content.decode())) == 1
    authors = [roles["neighbor"], roles["lead"], roles["nearby"]]
    for n in range(19):
        factories.make_post(authors[n % 3], title=f"Post {n}", share_nearby=True)

    with CaptureQueriesContext(connection) as twenty:
        assert len(_post_ids(client.get("/feed/").content.decode())) == 20

    assert len(twenty) == len(one)


def test_feed_items_show_who_where_what_and_counts(roles, client_as):
    post = factories.make_post(roles["neighbor"], title="Yard sale", body="Saturday",
                               category="for_sale_free")
    client = client_as(roles["lead"])
    client.post(f"/posts/{post.pk}/thank/")
    client.post(f"/posts/{post.pk}/replies/", {"body": "I'll come by"})
    factories.make_post(roles["neighbor"], title="Edited one")
    edited = Post.objects.get(title="Edited one")
    client_as(roles["neighbor"]).post(f"/posts/{edited.pk}/edit/", {
        "title": "Edited one", "body": "New text", "category": "general"})
    html = client.get("/feed/").content.decode()
    card = html[html.index(f'post-{post.pk}-title'):]
    card = card[:card.index("</article>")]
    assert "Nora Neighbor" in card and "Alder" in card and "For sale &amp; free" in card
    assert "1 reply · 1 thank" in card
    assert "(edited)" not in card
    edited_card = html[html.index(f'post-{edited.pk}-title'):]
    assert "(edited)" in edited_card[:edited_card.index("</article>")]


def test_unverified_feed_explains_and_links_to_the_neighborhood(roles, client_as):
    html = client_as(roles["unverified"]).get("/feed/").content.decode()
    assert "Your feed opens once you are verified" in html
    assert 'href="/n/testville/alder/"' in html


def test_reply_thank_and_undo(roles, client_as):
    post = factories.make_post(roles["neighbor"], title="Tools to lend")
    client = client_as(roles["lead"])
    response = client.post(f"/posts/{post.pk}/replies/", {"body": "Could I borrow a ladder?"})
    reply = Reply.objects.get()
    assert response["Location"] == f"/posts/{post.pk}/#reply-{reply.pk}"
    response = client.post(f"/posts/{post.pk}/replies/", {"body": "   "})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "body") == "This field is required."
    assert Reply.objects.count() == 1

    client.post(f"/posts/{post.pk}/thank/")
    client.post(f"/posts/{post.pk}/thank/")
    html = client.get(f"/posts/{post.pk}/").content.decode()
    assert "1 thank · 1 reply" in html
    assert 'aria-pressed="true">Thanked · undo</button>' in html
    client.post(f"/posts/{post.pk}/thank/", {"undo": "1"})
    html = client.get(f"/posts/{post.pk}/").content.decode()
    assert "0 thanks · 1 reply" in html
    assert '<button type="submit" class="button-secondary">Thank</button>' in html


def test_reply_author_deletes_their_reply_with_confirmation(roles, client_as):
    post = factories.make_post(roles["neighbor"])
    client_as(roles["lead"]).post(f"/posts/{post.pk}/replies/", {"body": "Oops"})
    reply = Reply.objects.get()
    url = f"/posts/{post.pk}/replies/{reply.pk}/delete/"
    assert client_as(roles["neighbor"]).get(url).status_code == 404  # not theirs
    author = client_as(roles["lead"])
    assert "Delete your reply?" in author.get(url).content.decode()
    assert author.post(url).status_code == 302
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    assert "No replies yet." in author.get(f"/posts/{post.pk}/").content.decode()


def test_author_edits_and_deletes_with_confirmation(roles, client_as):
    post = factories.make_post(roles["neighbor"], title="Old title", body="Old body")
    client = client_as(roles["neighbor"])
    html = client.get(f"/posts/{post.pk}/edit/").content.decode()
    assert 'value="Old title"' in html.replace(' maxlength="200"', "")
    response = client.post(f"/posts/{post.pk}/edit/", {"title": "New title", "body": "New body",
                                                       "category": "events"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.body, post.category) == ("New title", "New body", "events")
    assert post.edited_at is not None
    assert "(edited)" in client.get(f"/posts/{post.pk}/").content.decode()

    assert "Delete your post?" in client.get(f"/posts/{post.pk}/delete/").content.decode()
    response = client.post(f"/posts/{post.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, "/feed/")
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    assert client_as(roles["operator"]).get(f"/posts/{post.pk}/").status_code == 404


def test_report_then_moderate_from_the_queue(roles, client_as):
    post = factories.make_post(roles["neighbor"], title="Rant")
    other = factories.make_post(roles["nearby"], title="Birch news")
    client_as(roles["nearby"]).post(f"/posts/{other.pk}/report/", {"reason": "spam"})
    reporter = client_as(roles["lead"])
    response = reporter.post(f"/posts/{post.pk}/report/", {"reason": "harassment",
                                                          "note": "Name-calling"})
    assert response.status_code == 302
    response = reporter.post(f"/posts/{post.pk}/report/", {"reason": "harassment"})
    assert response.status_code == 409
    assert "You have already reported this." in response.content.decode()
    response = reporter.post(f"/posts/{post.pk}/report/", {"reason": ""})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "reason") == "This field is required."

    # The lead of Alder sees Alder's report only; the operator sees both.
    queue = client_as(roles["lead"]).get("/moderation/").content.decode()
    assert queue.count('class="report-card"') == 1
    assert "Harassment or hate" in queue and "Name-calling" in queue
    assert client_as(roles["operator"]).get("/moderation/").content.decode().count(
        'class="report-card"') == 2

    response = client_as(roles["lead"]).post(f"/posts/{post.pk}/hide/",
                                             {"next": "/moderation/"})
    assert (response.status_code, response["Location"]) == (302, "/moderation/")
    post.refresh_from_db()
    assert post.hidden_at is not None
    assert Report.objects.get(post=post).resolution == "hidden"
    assert "No open reports." in client_as(roles["lead"]).get("/moderation/").content.decode()
    # Hidden: gone for neighbors, marked for its author, reversible by the lead.
    assert client_as(roles["neighbor"]).get(f"/posts/{post.pk}/").status_code == 200
    assert "A moderator has hidden this post." in client_as(roles["neighbor"]).get(
        f"/posts/{post.pk}/").content.decode()
    third = factories.make_resident(post.neighborhood)
    assert client_as(third).get(f"/posts/{post.pk}/").status_code == 404
    client_as(roles["lead"]).post(f"/posts/{post.pk}/unhide/")
    assert client_as(third).get(f"/posts/{post.pk}/").status_code == 200


def test_dismiss_and_hide_reply(roles, client_as):
    post = factories.make_post(roles["neighbor"])
    client_as(roles["lead"]).post(f"/posts/{post.pk}/replies/", {"body": "Rude words"})
    reply = Reply.objects.get()
    client_as(roles["neighbor"]).post(f"/posts/{post.pk}/report/",
                                      {"reason": "harassment", "reply": reply.pk})
    report = Report.objects.get()
    assert report.reply_id == reply.pk
    # Only moderators of the post's neighborhood can dismiss.
    stranger_lead = factories.make_resident(roles["stranger"].resident.neighborhood, lead=True)
    assert client_as(stranger_lead).post(
        f"/moderation/reports/{report.pk}/dismiss/").status_code == 404
    queue = client_as(roles["operator"]).get("/moderation/").content.decode()
    assert f'action="/posts/{post.pk}/replies/{reply.pk}/hide/"' in queue
    response = client_as(roles["operator"]).post(f"/posts/{post.pk}/replies/{reply.pk}/hide/",
                                                 {"next": "/moderation/"})
    assert response["Location"] == "/moderation/"
    reply.refresh_from_db()
    assert reply.hidden_at is not None
    report.refresh_from_db()
    assert report.resolution == "hidden"
    assert "Rude words" not in client_as(roles["neighbor"]).get(
        f"/posts/{post.pk}/").content.decode()

    client_as(roles["lead"]).post(f"/posts/{post.pk}/report/", {"reason": "spam"})
    second = Report.objects.get(resolved_at__isnull=True)
    response = client_as(roles["lead"]).post(f"/moderation/reports/{second.pk}/dismiss/")
    assert response["Location"] == "/moderation/"
    second.refresh_from_db()
    assert second.resolution == "dismissed"


def test_search(roles, client_as):
    mine = factories.make_post(roles["neighbor"], title="Tomato seedlings", body="Free")
    factories.make_post(roles["stranger"], title="Tomato festival", body="In Ironwood")
    html = client_as(roles["lead"]).get("/search/", {"q": "tomato"}).content.decode()
    assert '1 result for "tomato"' in html
    assert f'href="/posts/{mine.pk}/"' in html
    html = client_as(roles["unverified"]).get("/search/", {"q": "tomato"}).content.decode()
    assert "0 results" in html


@pytest.mark.parametrize("mute", [True, False])
def test_settings_choose_nearby_neighborhoods_in_the_feed(roles, client_as, mute):
    shared = factories.make_post(roles["nearby"], title="Birch block party", share_nearby=True)
    client = client_as(roles["neighbor"])
    html = client.get("/settings/").content.decode()
    labels = re.findall(r'<input type="checkbox" name="follow" value="(\d+)"[^>]*checked', html)
    assert len(labels) == 3  # Birch, Dogwood and Elm touch Alder; all followed at first
    birch = roles["nearby"].resident.neighborhood_id
    keep = [pk for pk in labels if int(pk) != birch] if mute else labels
    response = client.post("/settings/", {"follow": keep})
    assert response.status_code == 302
    muted = list(roles["neighbor"].resident.muted_nearby.values_list("id", flat=True))
    assert muted == ([birch] if mute else [])
    assert (shared.pk in _post_ids(client.get("/feed/").content.decode())) is (not mute)
