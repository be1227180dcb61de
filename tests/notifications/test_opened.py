""""Opened": the link in a real email, or a push notification's click, followed. A signed
token per delivery; the first open counts; bad tokens record nothing and still lead home
or to the post; never a redirect elsewhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.notifications.conftest import (
    alert,
    drain,
    link_in,
    message_to,
    plain,
    reader,
    subscribe,
    zone_where_it_is,
)
from townsquare.notifications import actions, digests, tokens
from townsquare.notifications.models import Delivery

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"  # SITE_URL in the tests


@pytest.fixture
def residents(alder):
    return [factories.make_resident(alder, name=f"Alder {i}") for i in range(2)]


def test_following_the_link_in_a_real_email_counts_it_opened_once(
        smtp, residents, publisher, police):
    post = alert(publisher, police)
    drain()
    opener, other = residents
    path = link_in(message_to(smtp, opener))
    row = Delivery.objects.get(agency_post=post, recipient=opener)
    token = tokens.make_open(row.pk, "agency-post", post.pk)
    assert path == f"/open/agency-post/{post.pk}/{token}/"

    first = Client().get(path)  # from the mail client: not signed in here

    assert (first.status_code, first["Location"]) == (302, f"/agency-posts/{post.pk}/")
    assert first["Cache-Control"].startswith("max-age=0")
    row.refresh_from_db()
    opened_at = row.opened_at
    assert opened_at is not None and opened_at <= timezone.now()
    assert Delivery.objects.get(agency_post=post, recipient=other).opened_at is None

    signed_in = Client()
    signed_in.force_login(opener)
    again = signed_in.get(path, follow=True)

    assert again.redirect_chain == [(f"/agency-posts/{post.pk}/", 302)]
    assert again.status_code == 200 and b"Gas leak on Alder Lane" in again.content
    row.refresh_from_db()
    assert row.opened_at == opened_at  # the first open counts
    assert actions.record_open(token, "agency-post", post.pk) is False


def test_the_post_page_still_asks_a_stranger_to_sign_in(smtp, residents, publisher, police):
    post = alert(publisher, police)
    drain()

    response = Client().get(link_in(message_to(smtp, residents[0])), follow=True)

    assert response.redirect_chain == [
        (f"/agency-posts/{post.pk}/", 302), (f"/login/?next=/agency-posts/{post.pk}/", 302)]
    assert b"Gas leak" not in response.content


@pytest.mark.parametrize("path", [
    "/open/agency-post/{post}/forged/",                        # not signed here
    "/open/agency-post/{post}/{token_with_a_character_changed}/",
    "/open/agency-post/{other_post}/{token}/",                 # a real token, another post
    "/open/post/{post}/{token}/",                              # a real token, another kind
])
def test_a_bad_token_records_nothing_and_leads_to_the_page_in_the_link(
        path, smtp, residents, publisher, police):
    post = alert(publisher, police)
    other_post = alert(publisher, police, title="Another alert")
    drain()
    row = Delivery.objects.get(agency_post=post, recipient=residents[0])
    token = tokens.make_open(row.pk, "agency-post", post.pk)
    broken = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    url = path.format(post=post.pk, other_post=other_post.pk, token=token,
                      token_with_a_character_changed=broken)

    response = Client().get(url)

    kind, target = url.split("/")[2:4]
    expected = f"/agency-posts/{target}/" if kind == "agency-post" else f"/posts/{target}/"
    assert (response.status_code, response["Location"]) == (302, expected)
    assert Delivery.objects.filter(opened_at__isnull=False).count() == 0


@pytest.mark.parametrize("path", [
    "/open/elsewhere/1/x/", "/open/agency-post/1/x/?next=https://evil.example/",
    "/open/post/1/x/?url=//evil.example/",
])
def test_the_open_link_never_leads_off_the_site(path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] in ("/", "/agency-posts/1/", "/posts/1/")


def test_a_forwarded_link_followed_by_someone_else_signed_in_is_not_counted(
        smtp, residents, publisher, police):
    post = alert(publisher, police)
    drain()
    path = link_in(message_to(smtp, residents[0]))
    neighbor = Client()
    neighbor.force_login(residents[1])

    assert neighbor.get(path)["Location"] == f"/agency-posts/{post.pk}/"
    assert Client().head(path).status_code == 302  # a link checker

    assert Delivery.objects.filter(opened_at__isnull=False).count() == 0


def test_clicking_a_push_notification_counts_it_opened(push_service, residents, publisher,
                                                       police, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    phone = subscribe(residents[0], push_service, "phone")
    post = alert(publisher, police)
    drain()
    payload = push_service.to("phone")[0].payload

    # What sw.js does on notificationclick: open `open` (or focus the page and fetch it).
    response = Client().get(payload["open"].removeprefix(SITE))

    assert response["Location"] == payload["url"].removeprefix(SITE) == f"/agency-posts/{post.pk}/"
    pushed = Delivery.objects.get(subscription=phone)
    assert pushed.opened_at is not None
    assert Delivery.objects.get(agency_post=post, channel="email",
                                recipient=residents[0]).opened_at is None


def test_the_service_worker_opens_the_counting_link_on_this_site_only():
    body = b"".join(Client().get("/sw.js").streaming_content).decode()

    assert 'addEventListener("notificationclick"' in body
    assert "data.open && sameOrigin(data.open) ? data.open" in body
    assert "openWindow(open || url)" in body


def test_each_post_in_a_digest_has_its_own_counting_link(smtp, alder):
    mara = reader(alder, zone_where_it_is(9))
    author = factories.make_resident(alder)
    posts = [factories.make_post(author, title=f"Post {i}") for i in range(2)]
    digests.Planner().run(timezone.now())
    drain()
    links = re.findall(r"http://127\.0\.0\.1:8000(/open/post/\S+)", plain(smtp.messages[0]))

    assert [Client().get(link)["Location"] for link in links] == [
        f"/posts/{p.pk}/" for p in posts]
    assert Delivery.objects.get(recipient=mara).opened_at is not None
