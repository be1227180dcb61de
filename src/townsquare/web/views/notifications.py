"""Notification pages: the notification settings, one-click unsubscribe (RFC 8058), the
link in a message that counts it as opened, the service worker for Web Push, the web app
manifest (installing the site on a phone; iOS delivers web push only to installed sites),
and the inbox badge's event stream (SSE)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from townsquare.core.errors import NotFound
from townsquare.notifications import actions, links, selectors, tokens, vapid
from townsquare.notifications.kinds import KIND_LABELS
from townsquare.web.context import site
from townsquare.web.errors import domain_errors, form_errors
from townsquare.web.notification_forms import NotificationSettingsForm

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "web" / "sw.js"
# The badge stream: how often the server looks (one cheap count), how long one stream lasts
# (the browser's EventSource reconnects by itself), and a comment line against idle proxies.
EVENTS_POLL_SECONDS = 2.0
EVENTS_STREAM_SECONDS = 300.0
EVENTS_KEEPALIVE_SECONDS = 25.0
PUSH_TIMEOUT_SECONDS = 10
# Set when this process stops serving: every open stream ends at its next look, so a
# graceful shutdown is not held up for minutes (the browser reconnects, after `retry`).
STREAMS_CLOSING = threading.Event()


def close_event_streams() -> None:
    """End every inbox event stream of this process at its next look."""
    STREAMS_CLOSING.set()


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def notification_settings(request: HttpRequest) -> HttpResponse:
    found = selectors.settings_of(request.user)
    form = NotificationSettingsForm(request.POST or None, preference=found.preference,
                                    city_time_zone=found.city_time_zone)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with form_errors(form, form.ALIASES, up=()) as failed:
                actions.update_preferences(request.user, form.changes())
                messages.success(request, _("Your notification settings are saved."))
                return redirect("web:notification_settings")
            status = failed.status
    return render(request, "web/notifications/settings.html", {
        "form": form, "settings": found, "vapid_public_key": vapid.public_key(),
        "push_timeout_seconds": push_timeout_seconds(),
        "has_errors": bool(form.errors),
    }, status=status)


@login_required
@require_http_methods(["POST"])
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    """The inbox's "Mark all as read" button: every post now in the inbox, then back to it."""
    marked = actions.mark_all_read(request.user)
    if marked:
        messages.success(request, ngettext("%(count)d post marked as read.",
                                           "%(count)d posts marked as read.", marked)
                         % {"count": marked})
    else:
        messages.info(request, _("Nothing was unread."))
    return redirect("web:inbox")


@csrf_exempt  # mail providers POST here with no cookie and no CSRF token: the link is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058: a POST (`List-Unsubscribe=One-Click`) unsubscribes at once, no login, no
    redirect. A GET (a person clicking the link) shows what it will do and a button."""
    try:
        request_ = tokens.read(token)
    except NotFound:
        return render(request, "web/notifications/unsubscribe.html", {"invalid": True},
                      status=404)
    if request.method == "POST":
        _user, done = actions.unsubscribe(token)
        return render(request, "web/notifications/unsubscribe.html", {"done": done})
    return render(request, "web/notifications/unsubscribe.html", {
        "request_": request_, "token": token,
        "urgent": request_.kind == "urgent_alert",
        "label": KIND_LABELS[request_.kind]})


@never_cache
@require_http_methods(["GET", "HEAD"])
def opened(request: HttpRequest, target: str, target_id: int, token: str) -> HttpResponse:
    """The link to the post in an email or a push notification: count the message as
    opened (the first time), then go to the post, where signing in applies as anywhere.
    The destination is always this site's page for `target`, never taken from the link, so
    a bad or altered token still leads to the post (or home) and records nothing. A HEAD
    (link checkers) records nothing either."""
    if request.method == "GET":
        actions.record_open(token, target, target_id, opener=request.user)
    return redirect(links.target_path(target, target_id))


@require_GET
def service_worker(request: HttpRequest) -> FileResponse:
    """Served from the site root so that it may control every page (scope "/")."""
    response = FileResponse(SERVICE_WORKER.open("rb"), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on each visit
    return response


# The brand blue of site.css (--brand): the phone's status bar and splash screen.
THEME_COLOR = "#0b4f8a"
MANIFEST_ICONS = (
    ("web/icons/icon-192.png", "192x192", "any"),
    ("web/icons/icon-512.png", "512x512", "any"),
    ("web/icons/maskable-192.png", "192x192", "maskable"),
    ("web/icons/maskable-512.png", "512x512", "maskable"),
)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: a phone can add the site to its home screen, opening on the
    feed without the browser's bars. The icons are drawn by web/static/web/icons/make_icons.py."""
    name = str(site(request)["SITE_NAME"])
    data = {
        "name": name,
        "short_name": name,
        "description": _("Your neighborhood, its residents and its public agencies."),
        "start_url": reverse("web:feed"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "icons": [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for path, sizes, purpose in MANIFEST_ICONS],
    }
    response = JsonResponse(data, content_type="application/manifest+json",
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "max-age=3600"
    return response


async def inbox_events(request: HttpRequest) -> HttpResponse:
    """Server-sent events: `event: inbox` with `{"unread": n, "label": "n" | "99+"}` now
    and whenever the count changes. The server looks every EVENTS_POLL_SECONDS (one
    small count query); the page never polls. Not signed in: 204, which tells
    EventSource to stop."""
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=204)
    count = sync_to_async(selectors.unread_count)

    async def stream() -> AsyncIterator[str]:
        yield "retry: 5000\n\n"
        last: int | None = None
        started = quiet_since = time.monotonic()
        while (time.monotonic() - started < EVENTS_STREAM_SECONDS
               and not STREAMS_CLOSING.is_set()):
            unread = await count(user)
            if unread != last:
                last, quiet_since = unread, time.monotonic()
                data = {"unread": unread, "label": selectors.unread_label(unread)}
                yield f"event: inbox\ndata: {json.dumps(data)}\n\n"
            elif time.monotonic() - quiet_since > EVENTS_KEEPALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield ": keep-alive\n\n"
            await asyncio.sleep(settings_poll())

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response


def push_timeout_seconds() -> int:
    """How long the settings page's script waits for the browser (its service worker, a
    subscription) before saying it did not answer."""
    return int(getattr(settings, "TOWNSQUARE_PUSH_TIMEOUT_SECONDS", PUSH_TIMEOUT_SECONDS))


def settings_poll() -> float:
    return float(getattr(settings, "TOWNSQUARE_INBOX_EVENTS_POLL", EVENTS_POLL_SECONDS))


