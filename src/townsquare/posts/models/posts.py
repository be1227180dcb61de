from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.accounts.models import Resident
from townsquare.places.models import Neighborhood


class Category(models.TextChoices):
    GENERAL = "general", _("General")
    CRIME_SAFETY = "crime_safety", _("Crime & safety")
    LOST_FOUND = "lost_found", _("Lost & found")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    FOR_SALE_FREE = "for_sale_free", _("For sale & free")
    EVENTS = "events", _("Events")


class Post(models.Model):
    """A resident's post in their own neighborhood (optionally shared with nearby ones).

    Title and body are plain text: stored as typed, escaped on output.
    """

    author = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="posts")
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.GENERAL)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=5000)
    share_nearby = models.BooleanField(default=False)
    # A crime & safety post that describes a person carries a full description
    # (clothing, build, ...) in named fields; see posts/profiling.py.
    person = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_count = models.PositiveIntegerField(default=0)
    thank_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["neighborhood", "-created_at", "-id"])]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class Reply(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class Thank(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="thanks")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "resident"], name="one_thank_per_resident"),
        ]

    def __str__(self) -> str:
        return f"Thanks for post #{self.post_id}"
