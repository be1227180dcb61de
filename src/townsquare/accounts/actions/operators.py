"""Operators change accounts in the admin: active or not, operator or not. Every change is
in the audit log, and an agency staff account never becomes an operator (the privacy wall:
docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.models import User
from townsquare.core import audit
from townsquare.core.errors import Forbidden

# The flags an operator may change, and who may change them.
OPERATOR_FLAGS = ("is_staff", "is_superuser")
ACCOUNT_FLAGS = ("is_active", *OPERATOR_FLAGS)


def _changes(user: User, flags: dict[str, bool | None]) -> dict[str, bool]:
    return {name: bool(value) for name, value in flags.items()
            if name in ACCOUNT_FLAGS and value is not None
            and bool(value) != getattr(user, name)}


def check_account_change(actor: Any, user: User, **flags: bool | None) -> dict[str, bool]:
    """The flags that would change; Forbidden if `actor` may not change them. The admin's
    form asks this first, to show the refusal on the form."""
    if not policy.is_operator(actor):
        raise Forbidden(_("Only operators change accounts."))
    changes = _changes(user, flags)
    if any(name in OPERATOR_FLAGS for name in changes) and not policy.can_grant_operator(actor):
        raise Forbidden(_("Only superusers make or unmake operators."))
    if (changes.get("is_staff") or changes.get("is_superuser")) and not (
            policy.may_become_operator(user)):
        raise Forbidden(_("An agency staff account can never be an operator: operators use "
                          "an account of their own."))
    return changes


def change_account(actor: Any, user: User, **flags: bool | None) -> User:
    """Set `is_active`, `is_staff`, `is_superuser` (None: unchanged), with an audit entry
    that names each change. A plain atomic(), not a durable one: the admin's change form
    already runs in a transaction."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changes = check_account_change(actor, locked, **flags)
        if changes:
            User.objects.filter(pk=user.pk).update(**changes)
            audit.record(actor, "accounts.change_account", locked, **changes)
    for name, value in changes.items():
        setattr(user, name, value)
    return user
