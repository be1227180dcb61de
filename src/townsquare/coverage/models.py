"""Household counts per neighborhood, as a city provides them (docs/coverage.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.places.models import Neighborhood


class HouseholdCount(models.Model):
    """How many households a neighborhood has, by the city's count (one per neighborhood:
    a new import replaces it). The share of households reached is read against these."""

    neighborhood = models.OneToOneField(Neighborhood, on_delete=models.CASCADE,
                                        related_name="household_count")
    households = models.PositiveIntegerField()
    source = models.CharField(max_length=200, help_text=_("Where the count comes from."))
    as_of = models.DateField(help_text=_("The date the count describes."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["neighborhood__name"]

    def __str__(self) -> str:
        return f"{self.neighborhood}: {self.households}"
