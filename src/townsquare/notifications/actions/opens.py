"""A message counted as opened: its recipient followed its link to the post.

There are no tracking pixels (docs/notifications.md, docs/privacy.md): "opened" means the
link in the email, or the push notification, was followed. The link carries a signed token
naming the delivery and the post it leads to (tokens.make_open); the first open is kept.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from townsquare.notifications import tokens
from townsquare.notifications.models import Delivery


def record_open(token: str, target: str, target_id: int, *, opener: Any = None) -> bool:
    """Record the first open of the delivery the token names. Nothing is recorded for a
    token that was not made here, was altered, or leads elsewhere than `target`, nor when
    someone else than the recipient is signed in (a forwarded message). Returns whether
    this call recorded it (False when it was already opened)."""
    found = tokens.read_open(token)
    if found is None or (found.target, found.target_id) != (target, target_id):
        return False
    rows = Delivery.objects.filter(pk=found.delivery_id, opened_at__isnull=True)
    if getattr(opener, "is_authenticated", False):
        rows = rows.filter(recipient_id=opener.pk)
    with transaction.atomic(durable=True):
        # One conditional UPDATE: two clicks at once record one open, the first.
        return bool(rows.update(opened_at=timezone.now()))
