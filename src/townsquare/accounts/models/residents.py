from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.places.models import Neighborhood


class Resident(models.Model):
    """A person who lives in a neighborhood. The home point and address are private."""

    class Method(models.TextChoices):
        POSTCARD = "postcard", _("Postcard code")
        INVITATION = "invitation", _("Invitation from a verified neighbor")
        OPERATOR = "operator", _("Verified by an operator")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident"
    )
    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.PROTECT, related_name="residents"
    )
    # Private: never shown to other residents or agencies. Operators see it to mail postcards.
    home_lat = models.FloatField()
    home_lon = models.FloatField()
    home_address = models.CharField(max_length=200, blank=True)
    # The rest of the mailing address, for the postcard ("" when not known).
    home_locality = models.CharField(max_length=120, blank=True)
    home_state = models.CharField(max_length=40, blank=True)
    home_postcode = models.CharField(max_length=10, blank=True)
    # The point was interpolated between known house numbers of the street.
    home_approximate = models.BooleanField(default=False)
    # The only part of the address other residents may see.
    street = models.CharField(max_length=200, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    verification_method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    founding_member = models.BooleanField(default=False)
    lead_since = models.DateTimeField(null=True, blank=True)
    # Nearby neighborhoods whose shared posts this resident does not want in the feed.
    muted_nearby = models.ManyToManyField(Neighborhood, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["neighborhood", "verified_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.neighborhood})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_lead(self) -> bool:
        return self.lead_since is not None
