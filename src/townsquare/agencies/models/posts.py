from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townsquare.agencies.models.agencies import Agency
from townsquare.places.models import Neighborhood


class AgencyPost(models.Model):
    """A post by an agency to the residents of chosen neighborhoods.

    Delivery is one `feeds.FeedItem` row per targeted neighborhood (never one row per
    resident), written in the publishing transaction with `created_at = publish_at`: the
    feeds and inboxes show it from that moment on. Practice posts get no feed rows.
    Title and body are plain text, stored as typed and escaped on output.
    """

    class Kind(models.TextChoices):
        ALERT = "alert", _("Alert")
        ADVISORY = "advisory", _("Advisory")
        NEWS = "news", _("News")
        EVENT = "event", _("Event")
        REQUEST_FOR_INFORMATION = "request_for_information", _("Request for information")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Severity(models.TextChoices):
        """How urgent an alert is (the words of the Common Alerting Protocol)."""
        EXTREME = "extreme", _("Extreme")
        SEVERE = "severe", _("Severe")
        MODERATE = "moderate", _("Moderate")
        MINOR = "minor", _("Minor")

    class UpdateKind(models.TextChoices):
        UPDATE = "update", _("Update")
        ALL_CLEAR = "all_clear", _("All clear")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    case_number = models.CharField(max_length=60, blank=True)
    event_starts_at = models.DateTimeField(null=True, blank=True)
    event_place = models.CharField(max_length=200, blank=True)
    # A request for information: the area and the time window it is about.
    rfi_area = models.CharField(max_length=300, blank=True)
    rfi_from = models.DateTimeField(null=True, blank=True)
    rfi_until = models.DateTimeField(null=True, blank=True)
    target_all = models.BooleanField(default=False)
    targets = models.ManyToManyField(
        Neighborhood, through="AgencyPostTarget", related_name="+", blank=True
    )
    # The area drawn on the map, as sent (GeoJSON), when the targets came from one.
    target_area = models.JSONField(null=True, blank=True)
    # An alert's urgency (blank for the other kinds).
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    # Marked by the agency as for the targeted neighborhoods' verified residents only: not on
    # its public page, not shown to residents who are not yet verified.
    targeted_only = models.BooleanField(default=False)
    # An update or all-clear to an earlier post: same kind, same targets, one thread.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="updates")
    update_kind = models.CharField(max_length=10, choices=UpdateKind.choices, blank=True)
    # Verified residents reached at publish time: the sum of the targets' denormalised
    # `verified_members` (0 for practice posts).
    audience_size = models.PositiveIntegerField(default=0)
    practice = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices)
    publish_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    reply_count = models.PositiveIntegerField(default=0)
    thank_count = models.PositiveIntegerField(default=0)
    # The client's Idempotency-Key, so a retried POST returns this post, not a second one.
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-created_at", "-id"], name="agencypost_agency_created"),
            models.Index(fields=["agency", "-publish_at", "-id"], name="agencypost_agency_publish"),
            models.Index(fields=["parent", "publish_at", "id"], name="agencypost_parent_thread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                name="agencypost_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def current_status(self, now: dt.datetime | None = None) -> str:
        """The status as of `now`: a scheduled post is published once its time has come,
        whether or not the background task has flipped the stored status yet."""
        if self.status == self.Status.WITHDRAWN:
            return self.Status.WITHDRAWN
        return (self.Status.SCHEDULED if self.publish_at > (now or timezone.now())
                else self.Status.PUBLISHED)

    def is_live(self, now: dt.datetime | None = None) -> bool:
        """Published, not withdrawn, not expired: what residents may see."""
        now = now or timezone.now()
        return (self.current_status(now) == self.Status.PUBLISHED
                and (self.expires_at is None or self.expires_at > now))

    @property
    def edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_all_clear(self) -> bool:
        return self.update_kind == self.UpdateKind.ALL_CLEAR


class AgencyPostTarget(models.Model):
    """One targeted neighborhood of a post, with its verified members at publish time."""

    post = models.ForeignKey(AgencyPost, on_delete=models.CASCADE, related_name="target_rows")
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, related_name="+")
    audience = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "neighborhood"], name="one_target_row"),
        ]

    def __str__(self) -> str:
        return f"agency post {self.post_id} -> neighborhood {self.neighborhood_id}"


class AgencyPostImage(models.Model):
    """An image attached to an agency post: re-encoded, every metadata block stripped."""

    post = models.ForeignKey(AgencyPost, on_delete=models.CASCADE, related_name="images")
    file_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.file_name
