from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.accounts.models.residents import Resident


class PostcardBatch(models.Model):
    """A printable PDF of postcards, one per pending resident, that an operator mails."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready to print")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    residents = models.ManyToManyField(Resident, related_name="postcard_batches")
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("postcard batches")

    def __str__(self) -> str:
        return f"Postcard batch #{self.pk} ({self.status})"


class VerificationCode(models.Model):
    """A postcard code. Only its hash is stored; single-use; expires."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="codes")
    batch = models.ForeignKey(
        PostcardBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Postcard code for resident #{self.resident_id} (batch #{self.batch_id})"


class Invitation(models.Model):
    """A verified resident vouches for a neighbor; accepting it verifies them."""

    inviter = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Invitation to {self.email}"
