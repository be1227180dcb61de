"""Write to the append-only audit log. Called from actions, inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from townsquare.core.models import AuditLog


def record(actor: Any, action: str, target: models.Model | None = None, *,
           agency: models.Model | None = None, **data: Any) -> AuditLog:
    """Append one entry. `agency` scopes it to an agency, whose admins may read it."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "email", "") or "system") if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
        agency_id=agency.pk if agency is not None else None,
    )
