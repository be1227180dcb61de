from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.accounts.models import Resident
from townsquare.agencies.models.posts import AgencyPost
from townsquare.places.models import Neighborhood


class AgencyReply(models.Model):
    """A resident's reply to an agency post.

    Visible to the agency's staff and to the residents of `neighborhood` (the replier's
    own, kept as it was when they replied), and to nobody else (policy.py).
    """

    post = models.ForeignKey(AgencyPost, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="agency_replies")
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("agency replies")
        indexes = [models.Index(fields=["post", "neighborhood", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class AgencyThank(models.Model):
    post = models.ForeignKey(AgencyPost, on_delete=models.CASCADE, related_name="thanks")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "resident"], name="one_agency_thank"),
        ]

    def __str__(self) -> str:
        return f"thanks for agency post {self.post_id}"


class InboxRead(models.Model):
    """An account opened an agency post (inbox read, or the post fetched).

    Written by the reader's own request (one INSERT ... ON CONFLICT DO NOTHING), never at
    publish time, so the inbox's "read" flag is right from the first moment with no row
    per resident. Rows with a `neighborhood` are residents: they are the post's "seen"
    count; staff rows (no neighborhood) only keep the staff inbox's read state.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    agency_post = models.ForeignKey(AgencyPost, on_delete=models.CASCADE, related_name="reads")
    neighborhood = models.ForeignKey(
        Neighborhood, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency_post"], name="one_read_per_user"),
        ]
        indexes = [models.Index(fields=["agency_post", "neighborhood"])]

    def __str__(self) -> str:
        return f"agency post {self.agency_post_id} read {self.read_at:%Y-%m-%d %H:%M}"
