"""Tips: what a resident tells an agency, privately or anonymously, and the agency's
triage of it (docs/tips-and-questions.md).

Every text a tipster or the staff write (the tip, its messages, internal notes) and every
attachment is stored encrypted (tips/crypto.py); the clear text is read through the `body`
properties. Times are kept to the hour at most (`*_hour` fields): an anonymous tip must not
be matched to a visit in a proxy's log by its minute. The follow-up code is stored only as
a keyed digest.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.accounts.models import Resident
from townsquare.agencies.models import Agency, AgencyPost, AgencyStaff
from townsquare.tips import crypto


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWING = "reviewing", _("Reviewing")
    ACTIONABLE = "actionable", _("Actionable")
    CLOSED = "closed", _("Closed")


class Tip(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="tips")
    status = models.CharField(max_length=12, choices=TipStatus.choices, default=TipStatus.NEW)
    anonymous = models.BooleanField(default=True)
    # Private tips only: the staff see the sender's display name and neighborhood.
    sender = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    agency_post = models.ForeignKey(AgencyPost, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="tips")
    # Rounded to 3 decimals (about a block) before they are stored.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    case_number = models.CharField(max_length=60, blank=True)
    assignee = models.ForeignKey(AgencyStaff, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_tips")
    tags = models.JSONField(default=list, blank=True)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="duplicates")
    forwarded_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="forwards")
    created_hour = models.DateTimeField()
    first_response_hour = models.DateTimeField(null=True, blank=True)
    last_activity_hour = models.DateTimeField()
    code_digest = models.CharField(max_length=64, unique=True)
    body_token = models.TextField()

    class Meta:
        ordering = ["-created_hour", "-id"]
        indexes = [
            models.Index(fields=["agency", "-created_hour", "-id"], name="tip_inbox"),
            models.Index(fields=["agency", "status", "-created_hour", "-id"],
                         name="tip_inbox_status"),
        ]

    def __str__(self) -> str:
        return f"Tip {self.pk} to {self.agency_id}"

    @property
    def body(self) -> str:
        cached = getattr(self, "_ts_body", None)
        if cached is None:
            cached = crypto.decrypt_text(self.body_token)
            self._ts_body = cached
        return cached

    @property
    def hours_to_first_response(self) -> int | None:
        """Time to first response, in whole hours (first agency message hour - created hour)."""
        if self.first_response_hour is None:
            return None
        return int((self.first_response_hour - self.created_hour).total_seconds() // 3600)


class TipMessage(models.Model):
    class Sender(models.TextChoices):
        TIPSTER = "tipster", _("Tipster")
        AGENCY = "agency", _("Agency")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    author = models.ForeignKey(AgencyStaff, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    body_token = models.TextField()
    created_hour = models.DateTimeField()

    class Meta:
        ordering = ["created_hour", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} ({self.sender}) on tip {self.tip_id}"

    @property
    def body(self) -> str:
        return crypto.decrypt_text(self.body_token)

    @property
    def created_at(self) -> dt.datetime:
        """The thread's time: the hour."""
        return self.created_hour


class TipNote(models.Model):
    """Internal: the staff's notes on a tip; the tipster never sees them."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(AgencyStaff, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    body_token = models.TextField()
    created_hour = models.DateTimeField()

    class Meta:
        ordering = ["created_hour", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on tip {self.tip_id}"

    @property
    def body(self) -> str:
        return crypto.decrypt_text(self.body_token)


class TipAttachment(models.Model):
    """A photo, re-encoded from its pixels alone (agencies/images.py), then encrypted."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    data_token = models.TextField()
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_hour = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Attachment {self.pk} of tip {self.tip_id}"

    @property
    def data(self) -> bytes:
        return crypto.decrypt_bytes(self.data_token)


class TipSearchToken(models.Model):
    """The search index over encrypted text: a keyed digest per word of a tip (its body,
    messages and notes). The words themselves are never stored."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["digest", "tip"], name="tip_search")]
        constraints = [models.UniqueConstraint(fields=["tip", "digest"],
                                               name="one_search_token_per_tip")]

    def __str__(self) -> str:
        return f"Search token of tip {self.tip_id}"


class TipIdempotency(models.Model):
    """A submission's Idempotency-Key (keyed digest), its tip and its code (encrypted), for
    at most 24 hours, so that a retried submission answers with the same code."""

    key_digest = models.CharField(max_length=64, unique=True)
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="+")
    code_token = models.TextField()
    expires_hour = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Idempotency record of tip {self.tip_id}"


class TipLimitKey(models.Model):
    """The day's key of the tip rate limits' counters (tips/limits.py). Counters are keyed
    by a keyed hash of the client address; the key of a past day is deleted, after which
    no one can tell whose address a counter was."""

    day = models.DateField(unique=True)
    key = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Tip limit key of {self.day}"


class Outcome(models.Model):
    """What came of a request for information, posted by its agency: public text."""

    agency_post = models.ForeignKey(AgencyPost, on_delete=models.CASCADE, related_name="outcomes")
    body = models.TextField()
    author = models.ForeignKey(AgencyStaff, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Outcome {self.pk} of agency post {self.agency_post_id}"
