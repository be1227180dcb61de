"""Drafts of agency posts: the compose form's values kept for later, per agency."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.agencies.models.agencies import Agency


class AgencyDraft(models.Model):
    """A post not sent yet. `fields` holds the compose form's values as typed (text and
    lists of neighborhood slugs), checked only when the draft is published. Every publisher
    and admin of the agency sees, resumes and deletes its drafts."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    fields = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["agency", "-updated_at"],
                                name="agency_drafts_by_update")]

    def __str__(self) -> str:
        return self.title or f"draft {self.pk}"
