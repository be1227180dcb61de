from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as site_settings
from django.utils import timezone

from tests import factories
from tests.agencies.factories import make_staff, publish
from tests.notifications.sinks import PushEndpoint, SmtpSink
from townsquare.notifications import actions, delivery, tasks
from townsquare.notifications.models import Delivery


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback, and the site's mail pointed at it (EMAIL_URL)."""
    with SmtpSink() as sink:
        point_mail_at(settings, sink.port)
        yield sink


def point_mail_at(settings: Any, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def push_service() -> Iterator[PushEndpoint]:
    with PushEndpoint() as endpoint:
        yield endpoint


@pytest.fixture
def publisher(police):
    return make_staff(police, "publisher", "Pat Publisher")


@pytest.fixture
def alder(city):
    return factories.nbhd(city, "Alder")


def subscribe(user: Any, service: PushEndpoint, name: str) -> Any:
    browser = service.browser(name)
    return actions.subscribe_push(user, endpoint=service.url(name), p256dh=browser.p256dh,
                                  auth=browser.auth)


def alert(publisher: Any, police: Any, **fields: Any) -> Any:
    """An urgent alert to Alder, its fan-out run as the worker runs it."""
    fields.setdefault("kind", "alert")
    fields.setdefault("title", "Gas leak on Alder Lane")
    fields.setdefault("body", "Stay indoors & keep windows closed <until> further notice.")
    fields.setdefault("neighborhoods", ["alder"])
    post = publish(publisher, police, **fields)
    tasks.fan_out_agency_post.call(post_id=post.pk)
    return post


def drain(at: dt.datetime | None = None) -> int:
    return delivery.drain("test-worker", now=at)


def states(post: Any, channel: str = "email") -> dict[str, int]:
    found: dict[str, int] = {}
    for state in Delivery.objects.filter(agency_post=post, channel=channel).values_list(
            "state", flat=True):
        found[state] = found.get(state, 0) + 1
    return found


def later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def message_to(smtp: SmtpSink, user: Any) -> Any:
    """The one message the sink accepted for `user`."""
    [message] = [m for m, (_s, to) in zip(smtp.messages, smtp.envelopes, strict=True)
                 if to == [user.email]]
    return message


def link_in(message: Any) -> str:
    """The "Read it on townsquare" link of a received email, as a path on the site."""
    text = message.get_body(("plain",)).get_content()
    url = re.search(r"Read it on townsquare: (\S+)", text).group(1)
    return url.removeprefix(site_settings.SITE_URL)


# --- the daily digest --------------------------------------------------------------------
def zone_where_it_is(hour: int) -> str:
    """A fixed-offset zone where the local time is `hour` o'clock now: digests are cut from
    7:00 to 11:00 local, so 9 leaves an hour or more either side however long a test runs."""
    offset = (hour - timezone.now().astimezone(dt.UTC).hour) % 24
    if offset > 14:  # Etc/GMT zones run from UTC-12 to UTC+14 (and their sign is reversed)
        offset -= 24
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def reader(neighborhood, time_zone: str, *, name: str | None = None, **more):
    """A verified resident who chose the daily digest."""
    user = factories.make_resident(neighborhood, name=name)
    actions.update_preferences(user, {"email_neighborhood_post": True,
                                      "neighborhood_digest": True, "time_zone": time_zone,
                                      **more})
    return user


def plain(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")
