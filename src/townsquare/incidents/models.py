"""Incidents reported to the police, as a city publishes them, and the daily counts the
crime pages read (kept up to date by the import, so no page counts incidents one by one)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from townsquare.places.models import City, Neighborhood


class Category(models.TextChoices):
    """The categories residents see; offenses map onto them through the table in
    incidents/data/categories.csv (offense code first, then the offense text)."""

    VIOLENT = "violent", _("Violent")
    PROPERTY = "property", _("Property")
    VEHICLE = "vehicle", _("Vehicle")
    BURGLARY = "burglary", _("Burglary")
    VANDALISM = "vandalism", _("Vandalism and graffiti")
    DRUGS = "drugs", _("Drugs")
    QUALITY_OF_LIFE = "quality_of_life", _("Quality of life")
    TRAFFIC = "traffic", _("Traffic")
    OTHER = "other", _("Other")
    INFORMATIONAL = "informational", _("Informational")


class Incident(models.Model):
    """One incident inside one of the city's neighborhoods. Incidents outside every
    neighborhood are counted by the import and not kept."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="incidents")
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE,
                                     related_name="incidents")
    key = models.CharField(
        max_length=64,
        help_text=_("A digest of the source row: importing the same row again finds it."))
    occurred_at = models.DateTimeField()
    occurred_on = models.DateField(help_text=_("The local date, in the city's time zone."))
    offense_code = models.CharField(max_length=32, blank=True)
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    block = models.CharField(
        max_length=200, blank=True,
        help_text=_("The location as published: a block or an intersection, never finer."))
    lat = models.FloatField()
    lon = models.FloatField()
    source = models.CharField(max_length=20)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "key"], name="incident_unique_key"),
        ]
        indexes = [
            models.Index(fields=["city", "category", "occurred_on"],
                         name="incident_city_cat_day"),
            models.Index(fields=["neighborhood", "occurred_on"], name="incident_nbhd_day"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.description}"


class DailyCount(models.Model):
    """How many incidents of a category a neighborhood had on a day. The import keeps it
    true; the summary, trend and coverage reads aggregate these rows."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    day = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["neighborhood", "category", "day"],
                                    name="daily_count_unique"),
        ]
        indexes = [models.Index(fields=["city", "day"], name="daily_count_city_day")]

    def __str__(self) -> str:
        return f"{self.neighborhood_id} {self.category} {self.day}: {self.count}"
