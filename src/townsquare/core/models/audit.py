from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    def update(self, **kwargs: object) -> int:  # noqa: D102
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:  # noqa: D102
        raise TypeError("The audit log is append-only.")


class AuditLog(models.Model):
    """One row per recorded action. Append-only: rows are never updated or deleted."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The agency an entry belongs to (its admins read and export these); null otherwise.
    # A plain integer rather than a foreign key: core knows nothing of the agencies app,
    # and an append-only log must outlive what it mentions.
    agency_id = models.BigIntegerField(null=True, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["agency_id", "-created_at", "-id"], name="audit_agency_keyset"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")
