from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.posts.models.posts import Post, Reply


class Report(models.Model):
    """A resident flags a post or a reply for the neighborhood's leads and the operators."""

    class Reason(models.TextChoices):
        PROFILING = "profiling", _("Racial profiling or discrimination")
        HARASSMENT = "harassment", _("Harassment or hate")
        SPAM = "spam", _("Spam or advertising")
        MISINFORMATION = "misinformation", _("Misinformation")
        PRIVATE_INFO = "private_info", _("Shares private information")
        OTHER = "other", _("Something else")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.CharField(max_length=20, blank=True)  # "hidden" | "dismissed"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reply", "reporter"], name="one_report_per_reporter"
            ),
        ]

    def __str__(self) -> str:
        return f"Report of post #{self.post_id} ({self.reason})"
