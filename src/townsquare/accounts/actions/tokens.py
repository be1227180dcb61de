from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from townsquare.accounts import codes
from townsquare.accounts.models import ApiToken, User
from townsquare.core import audit


def issue_token(user: User, *, label: str = "", actor: Any = None) -> str:
    """Create an API token for `user` and return it. It is shown once and stored hashed."""
    token = codes.new_token("ts")
    with transaction.atomic(durable=True):
        record = ApiToken.objects.create(
            user=user, key_hash=codes.hash_token(token), prefix=token[:10], label=label[:100]
        )
        audit.record(actor or user, "accounts.issue_token", record, user=user.email)
    return token


def authenticate_token(token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=codes.hash_token(token), user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    # Record use at most once a minute, so reads do not write on every request.
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
