"""Browsers subscribing to Web Push, and subscriptions retired when they stop working."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare.core.errors import Forbidden, Invalid, NotFound
from townsquare.core.text import is_storable
from townsquare.notifications.models import PushSubscription

MAX_SUBSCRIPTIONS = 20  # browsers per account; the oldest is retired beyond it


def _b64(value: object, length: int, field: str, errors: dict[str, list[str]]) -> str:
    if not isinstance(value, str) or len(value) > 200:
        errors.setdefault(field, []).append(_("Must be a base64url string."))
        return ""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != length or (length == 65 and raw[0] != 4):
        errors.setdefault(field, []).append(
            _("Not a subscription key (the browser's PushSubscription keys)."))
    return value


def _local_host(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _clean_endpoint(endpoint: object, errors: dict[str, list[str]]) -> str:
    if not isinstance(endpoint, str) or len(endpoint) > 2000:
        errors.setdefault("endpoint", []).append(_("Must be the push service's URL."))
        return ""
    parts = urlsplit(endpoint)
    local = _local_host(parts.hostname or "")
    # Workers POST to this URL: no plain http, and no addresses inside our own network
    # (unless the operator allows it, for tests and a local push service).
    if local and not settings.TOWNSQUARE_PUSH_ALLOW_LOCAL:
        errors.setdefault("endpoint", []).append(_("Not a push service's URL."))
    elif parts.scheme != "https" and not (local and parts.scheme == "http"):
        errors.setdefault("endpoint", []).append(_("The push service's URL must be https."))
    return endpoint


def subscribe_push(user: Any, *, endpoint: object, p256dh: object, auth: object,
                   user_agent: str = "") -> PushSubscription:
    """Store (or refresh) a browser's subscription for the caller. The same endpoint from
    another account moves to this one: a browser belongs to whoever signed in last."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Forbidden(_("Sign in to receive push notifications."))
    errors: dict[str, list[str]] = {}
    endpoint = _clean_endpoint(endpoint, errors)
    p256dh = _b64(p256dh, 65, "p256dh", errors)
    auth = _b64(auth, 16, "auth", errors)
    if errors:
        raise Invalid(_("This is not a usable push subscription."), errors)
    with transaction.atomic(durable=True):
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"user": user, "p256dh": p256dh, "auth": auth,
                      "user_agent": user_agent[:300], "retired_at": None, "retire_reason": ""})
        active = (PushSubscription.objects.filter(user=user, retired_at__isnull=True)
                  .order_by("-created_at", "-pk").values_list("pk", flat=True))
        extra = list(active[MAX_SUBSCRIPTIONS:])
        if extra:
            PushSubscription.objects.filter(pk__in=extra).update(
                retired_at=timezone.now(), retire_reason="too many browsers subscribed")
    return subscription


def unsubscribe_push(user: Any, *, endpoint: object) -> None:
    """The browser unsubscribed (or the resident pressed the button): retire it."""
    if not isinstance(endpoint, str) or not is_storable(endpoint):
        raise NotFound(_("No such push subscription."))
    updated = PushSubscription.objects.filter(
        user=user, endpoint=endpoint, retired_at__isnull=True).update(
        retired_at=timezone.now(), retire_reason="unsubscribed in the browser")
    if not updated:
        raise NotFound(_("No such push subscription."))


def retire_subscription(subscription_id: int, reason: str) -> None:
    """The push service says it is gone (404/410), or its keys cannot be used."""
    PushSubscription.objects.filter(pk=subscription_id, retired_at__isnull=True).update(
        retired_at=timezone.now(), retire_reason=reason[:300])
