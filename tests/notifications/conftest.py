from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
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
