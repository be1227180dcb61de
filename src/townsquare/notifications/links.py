"""Absolute links that go into messages (they are opened outside the site)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from townsquare.notifications import tokens


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _reverse(name: str, *args: object, fallback: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the page is not there (yet): the nearest one that is
        return fallback


def agency_post(post_id: int) -> str:
    return absolute(_reverse("web:agency_post", post_id,
                             fallback=f"/feed/#agency-post-{post_id}"))


def post(post_id: int) -> str:
    return absolute(_reverse("web:post", post_id, fallback="/feed/"))


def question(agency_slug: str, question_id: int) -> str:
    return absolute(_reverse("web:question", agency_slug, question_id,
                             fallback=f"/agencies/{agency_slug}/questions/"))


def feed() -> str:
    return absolute(_reverse("web:feed", fallback="/feed/"))


def target_path(target: str, target_id: int) -> str:
    """The page a message's link leads to (a path on this site, never taken from a link)."""
    if target == "agency-post":
        return _reverse("web:agency_post", target_id, fallback="/feed/")
    if target == "post":
        return _reverse("web:post", target_id, fallback="/feed/")
    return "/"


def opened(delivery_id: int, target: str, target_id: int) -> str:
    """The link to the post in a message: following it records the message as opened
    (web/views/notifications.py), then leads to `target_path`."""
    token = tokens.make_open(delivery_id, target, target_id)
    return absolute(_reverse("web:opened", target, target_id, token,
                             fallback=target_path(target, target_id)))


def settings_page() -> str:
    return absolute(_reverse("web:settings", fallback="/settings/") + "#notifications")


def unsubscribe(user_id: int, channel: str, kind: str) -> str:
    token = tokens.make(user_id, channel, kind)
    return absolute(_reverse("web:unsubscribe", token, fallback=f"/u/{token}/"))


def unsubscribe_mailto(user_id: int, channel: str, kind: str) -> str:
    """Only when the operator has set up the mailbox that processes these."""
    if not settings.TOWNSQUARE_UNSUBSCRIBE_MAILTO:
        return ""
    return (f"mailto:{settings.TOWNSQUARE_UNSUBSCRIBE_MAILTO}"
            f"?subject=unsubscribe%20{tokens.make(user_id, channel, kind)}")


def message_domain() -> str:
    """The right-hand side of our Message-IDs: the site's host name."""
    return urlsplit(settings.SITE_URL).hostname or "townsquare.invalid"
