"""The pages: one-click unsubscribe from a real email, settings, the service worker, and
the inbox badge's server-sent events."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient, Client
from django.urls import reverse

from tests import factories
from tests.agencies.factories import publish
from tests.notifications.conftest import alert, drain
from townsquare.notifications import tokens
from townsquare.notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(alder):
    return factories.make_resident(alder)


def test_the_one_click_link_in_a_real_email_unsubscribes_without_signing_in(
        smtp, resident, publisher, police):
    alert(publisher, police, kind="news", title="Library hours")
    drain()
    header = smtp.messages[0]["List-Unsubscribe"].strip()
    url = header.split(",")[0].strip("<> ")
    path = url.removeprefix("http://127.0.0.1:8000")

    # What a mail provider sends (RFC 8058): a POST with this body, no cookie, no CSRF.
    response = Client(enforce_csrf_checks=True).post(
        path, data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=resident)
    assert (preference.email_agency_post, preference.email_enabled) == (False, True)
    assert b"will no longer reach you by email" in response.content


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(resident):
    token = tokens.make(resident.pk, "email", "urgent_alert")

    page = Client().get(reverse("web:unsubscribe", args=[token]))

    assert page.status_code == 200
    assert b"Urgent alerts cannot be muted on their own" in page.content
    assert NotificationPreference.objects.count() == 0
    assert Client().get(reverse("web:unsubscribe", args=["forged"])).status_code == 404


def test_the_settings_page_shows_the_urgent_rule_and_saves(resident):
    client = Client()
    client.force_login(resident)
    url = reverse("web:notification_settings")

    page = client.get(url)
    assert page.status_code == 200
    assert b"Urgent alerts cannot be muted on their own." in page.content
    assert b'data-vapid-key="' in page.content

    saved = client.post(url, {"email_enabled": "on", "push_enabled": "on",
                              "email_agency_post": "on", "email_reply_to_me": "on",
                              "quiet_start": "22:00", "quiet_end": "07:00", "time_zone": ""})
    assert saved.status_code == 302
    stored = NotificationPreference.objects.get(user=resident)
    assert (stored.email_reply_to_me, stored.push_agency_post, stored.quiet_end.hour) == (
        True, False, 7)

    broken = client.post(url, {"quiet_start": "22:00", "email_enabled": "on"})
    assert broken.status_code == 400
    assert b"Give both the start and the end" in broken.content


def test_the_settings_page_needs_a_sign_in():
    response = Client().get(reverse("web:notification_settings"))
    assert response.status_code == 302


def test_the_service_worker_is_served_from_the_root_with_its_headers():
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = b"".join(response.streaming_content)
    assert b'addEventListener("push"' in body and b"showNotification" in body


def _events(user, settings, publish_alert) -> list[dict]:
    """Open /events/inbox as `user` (ASGI, async view), read the first event, publish an
    alert to their neighborhood, read the next one."""
    settings.TOWNSQUARE_INBOX_EVENTS_POLL = 0.05
    found: list[dict] = []

    async def run() -> None:
        client = AsyncClient()
        await sync_to_async(client.force_login)(user)
        response = await client.get("/events/inbox")
        assert response["Content-Type"] == "text/event-stream"
        stream = response.streaming_content
        assert await anext(stream) == b"retry: 5000\n\n"
        found.append(_event(await asyncio.wait_for(anext(stream), 10)))
        await sync_to_async(publish_alert)()
        found.append(_event(await asyncio.wait_for(anext(stream), 10)))
        await stream.aclose()

    async_to_sync(run)()
    return found


def _event(chunk: bytes) -> dict:
    name, data = chunk.decode().strip().split("\n")
    assert name == "event: inbox"
    return json.loads(data.removeprefix("data: "))


def test_the_inbox_badge_is_pushed_when_a_post_arrives(resident, publisher, police,
                                                       settings):
    def publish_alert() -> None:
        publish(publisher, police, kind="alert", title="Boil water", neighborhoods=["alder"])

    assert _events(resident, settings, publish_alert) == [{"unread": 0, "label": "0"},
                                           {"unread": 1, "label": "1"}]


def test_the_event_stream_says_no_to_strangers():
    response = async_to_sync(AsyncClient().get)("/events/inbox")
    assert response.status_code == 204


def test_open_event_streams_end_when_the_server_stops(resident, settings):
    """`townsquare serve` calls close_event_streams() on SIGTERM: a stream that would last
    minutes ends at its next look, so the shutdown is not held up."""
    from townsquare.web.views import notifications as views

    settings.TOWNSQUARE_INBOX_EVENTS_POLL = 0.05
    chunks: list[bytes] = []

    async def run() -> None:
        client = AsyncClient()
        await sync_to_async(client.force_login)(resident)
        response = await client.get("/events/inbox")
        stream = response.streaming_content
        chunks.append(await anext(stream))
        chunks.append(await asyncio.wait_for(anext(stream), 10))
        views.close_event_streams()
        async for chunk in stream:  # must end, not wait for the next keep-alive
            chunks.append(chunk)

    try:
        async_to_sync(asyncio.wait_for)(run(), 10)
    finally:
        views.STREAMS_CLOSING.clear()
    assert chunks[0] == b"retry: 5000\n\n"
    assert _event(chunks[1]) == {"unread": 0, "label": "0"}
    assert len(chunks) == 2
