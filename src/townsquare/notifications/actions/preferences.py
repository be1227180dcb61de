"""Notification settings: changed by the resident (settings page, API), by a one-click
unsubscribe link (RFC 8058), or by the delivery engine when a mail server says the address
is dead (a hard bounce)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townsquare.accounts.models import User
from townsquare.core.errors import Forbidden, Invalid
from townsquare.notifications import kinds, quiet, tokens
from townsquare.notifications.models import NotificationPreference

URGENT_MESSAGE = gettext_lazy("Urgent alerts cannot be muted on their own: they reach you on "
                              "every channel that is on. Turn the channel off to stop them there.")
DIGEST_MESSAGE = gettext_lazy("The daily digest collects neighborhood posts by email: turn on "
                              "neighborhood posts by email too, or leave the digest off.")
_BOOLEAN_FIELDS = {"email_enabled", "push_enabled", "neighborhood_digest",
                   *(f for c in kinds.CHANNELS for k in kinds.KINDS
                     if (f := kinds.field_for(c, k)) is not None)}


def _clean(changes: dict[str, Any], current: NotificationPreference) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name.endswith(f"_{kinds.URGENT_ALERT}"):
            if value is not True:
                errors.setdefault(name, []).append(URGENT_MESSAGE)
            continue
        if name in _BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                errors.setdefault(name, []).append(_("Must be true or false."))
            cleaned[name] = value
        elif name in ("quiet_start", "quiet_end"):
            if value is not None and not isinstance(value, dt.time):
                errors.setdefault(name, []).append(_("Must be a time of day, e.g. 22:00."))
            cleaned[name] = value.replace(second=0, microsecond=0, tzinfo=None) if isinstance(
                value, dt.time) else None
        elif name == "time_zone":
            if not isinstance(value, str) or (value and quiet.zone(value, "").key != value):
                errors.setdefault(name, []).append(_("Not a time zone name, e.g. "
                                                     "America/Los_Angeles."))
            cleaned[name] = value if isinstance(value, str) else ""
        else:
            errors.setdefault(name, []).append(_("There is no such setting."))
    start = cleaned.get("quiet_start", current.quiet_start)
    end = cleaned.get("quiet_end", current.quiet_end)
    if (start is None) != (end is None):
        errors.setdefault("quiet_hours", []).append(
            _("Give both the start and the end of your quiet hours, or neither."))
    elif start is not None and start == end:
        errors.setdefault("quiet_hours", []).append(_("Quiet hours must not start and end at "
                                                      "the same time."))
    neighborhood_email = kinds.field_for(kinds.EMAIL, kinds.NEIGHBORHOOD_POST)
    if (cleaned.get("neighborhood_digest") is True
            and not cleaned.get(neighborhood_email, getattr(current, neighborhood_email))):
        errors.setdefault("neighborhood_digest", []).append(DIGEST_MESSAGE)
    if errors:
        raise Invalid(_("Please correct the highlighted settings."), errors)
    return cleaned


def update_preferences(user: Any, changes: dict[str, Any]) -> NotificationPreference:
    """Change some of the caller's settings (the others stay). Switching email back on
    clears a hard-bounce reason: the resident says the address works again."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Forbidden(_("Sign in to change your notification settings."))
    with transaction.atomic(durable=True):
        preference, _created = (NotificationPreference.objects.select_for_update()
                                .get_or_create(user=user))
        cleaned = _clean(changes, preference)
        for name, value in cleaned.items():
            setattr(preference, name, value)
        if cleaned.get("email_enabled") is True:
            preference.email_off_reason, preference.email_off_at = "", None
        preference.save()
    return preference


def unsubscribe(token: str) -> tuple[User, str]:
    """Apply a one-click unsubscribe link: that kind off on that channel (for urgent
    alerts, which cannot be muted alone, the channel itself). Idempotent. Returns the
    account and a sentence saying what changed."""
    request = tokens.read(token)
    user = User.objects.filter(pk=request.user_id, is_active=True).first()
    if user is None:
        from townsquare.core.errors import NotFound

        raise NotFound(_("This unsubscribe link is not valid."))
    field = kinds.field_for(request.channel, request.kind)
    if field is None:
        field = f"{request.channel}_enabled"
        done = _("%(channel)s notifications are now off.") % {"channel": request.channel.title()}
    else:
        done = _("%(kind)s will no longer reach you by %(channel)s.") % {
            "kind": kinds.KIND_LABELS[request.kind], "channel": request.channel}
    if request.channel == kinds.INBOX:
        raise Invalid(_("The inbox cannot be unsubscribed from."))
    with transaction.atomic(durable=True):
        NotificationPreference.objects.get_or_create(user=user)
        NotificationPreference.objects.filter(user=user).update(**{field: False},
                                                                updated_at=timezone.now())
    return user, done


def retire_email_address(user_id: int, reason: str) -> None:
    """The mail server rejected the address for good: email off, with the reason shown on
    the settings page. Called by the delivery engine inside its own transaction."""
    with transaction.atomic():
        NotificationPreference.objects.get_or_create(user_id=user_id)
        NotificationPreference.objects.filter(user_id=user_id).update(
            email_enabled=False, email_off_reason=reason[:300], email_off_at=timezone.now())
