from __future__ import annotations

from django.conf import settings
from django.db import models


class PushSubscription(models.Model):
    """One browser's Web Push subscription (the PushSubscription JSON it handed us).

    Retired (never deleted, so delivery records keep their target) when the push service
    says it is gone (404/410), when its keys are unusable, or when the browser unsubscribes.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_subscriptions")
    endpoint = models.URLField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retire_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user"], condition=models.Q(retired_at__isnull=True),
                                name="pushsub_active_by_user")]

    def __str__(self) -> str:
        return f"push subscription #{self.pk} of {self.user}"

    @property
    def active(self) -> bool:
        return self.retired_at is None
