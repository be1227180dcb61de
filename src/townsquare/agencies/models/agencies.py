from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.places.models import City, Neighborhood


class Agency(models.Model):
    """A public agency (police, fire, a city department, a utility) of one city.

    The public applies (status pending); an operator approves or rejects. Only approved
    agencies carry the verified badge, have staff who can act, and appear anywhere.
    """

    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        FIRE = "fire", _("Fire")
        CITY = "city", _("City department")
        UTILITY = "utility", _("Utility")
        OTHER = "other", _("Other public agency")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(max_length=200)
    # Unique across the whole site, not only per city: the API and the CLI name an agency
    # by its slug alone (/api/v1/agencies/{agency}/...). See actions/onboarding.py.
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(max_length=300, blank=True)
    email_domain = models.CharField(max_length=200, blank=True,
                                    help_text=_("Staff accounts must use this email domain."))
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="agencies")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    verified_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.CharField(max_length=500, blank=True)
    # The jurisdiction: every neighborhood of the city, or the chosen ones.
    all_neighborhoods = models.BooleanField(default=False)
    jurisdiction = models.ManyToManyField(Neighborhood, blank=True, related_name="agencies")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class AgencyStaff(models.Model):
    """A staff account of an agency. Staff use work accounts: never a resident's account,
    never an operator's (actions/staff.py refuses both), so the privacy wall in
    policy.py can treat "staff" and "resident" as separate people."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin (staff and settings)")
        PUBLISHER = "publisher", _("Publisher (posts)")
        TIPS = "tips", _("Tips (reads and handles replies)")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "user__email"]
        verbose_name_plural = _("agency staff")
        constraints = [
            models.UniqueConstraint(fields=["agency", "user"], name="one_membership_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency}, {self.role})"
