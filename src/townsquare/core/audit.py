"""Write to the append-only audit log. Called from actions, inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from townsquare.core.models import AuditLog
from townsquare.core.text import scrub, scrub_data


def record(actor: Any, action: str, target: models.Model | None = None, *,
           agency: models.Model | None = None, **data: Any) -> AuditLog:
    """Append one entry. `agency` scopes it to an agency, whose admins may read it.

    Every string in `data` (notes are typed by people) is scrubbed as text inputs are
    (core/text.py): PostgreSQL's JSON refuses NUL and lone surrogates.
    """
    return AuditLog.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=scrub((getattr(actor, "email", "") or "system") if actor is not None
                          else "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=scrub_data(data),
        agency_id=agency.pk if agency is not None else None,
    )
