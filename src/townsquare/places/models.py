"""Cities, their neighborhoods (with geometry) and the address gazetteer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every neighborhood import; the per-process geometry index keys on it.
    geometry_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Neighborhood(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="neighborhoods")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    # The boundary as WKB (MultiPolygon, WGS84 lon/lat); see places/geometry.py.
    geometry_wkb = models.BinaryField()
    area = models.FloatField(help_text=_("Area in square degrees, for the overlap rule."))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    nearby = models.ManyToManyField("self", symmetrical=True, blank=True)
    # Denormalised, updated with F() by the verification actions.
    verified_members = models.PositiveIntegerField(default=0)
    launched_at = models.DateTimeField(null=True, blank=True)
    source_properties = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="neighborhood_slug_per_city"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def launched(self) -> bool:
        return self.launched_at is not None


class Address(models.Model):
    """One entry of the address gazetteer.

    Either an address point from an OpenAddresses file (number, street, unit, city,
    state and ZIP: a complete mailing address) or, as a fallback, a block-level street
    address or intersection taken from incident data (text and point only).
    """

    class Source(models.TextChoices):
        INCIDENTS = "incidents", _("Incident data (block level)")
        OPENADDRESSES = "openaddresses", _("OpenAddresses address point")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="addresses")
    text = models.CharField(max_length=200)
    key = models.CharField(max_length=200, help_text=_("Normalised text used for lookups."))
    street = models.CharField(max_length=200, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    neighborhood = models.ForeignKey(
        Neighborhood, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.INCIDENTS)
    # Two streets ("3RD ST / O ST"): a place, never a home.
    is_intersection = models.BooleanField(default=False)
    number = models.CharField(max_length=20, blank=True)
    # The number's leading digits, for interpolating between known numbers of a street.
    number_value = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    locality = models.CharField(max_length=120, blank=True, help_text=_("Mailing city."))
    state = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    source_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(fields=["city", "key"], name="address_key_per_city"),
        ]
        indexes = [
            models.Index(fields=["city", "street", "number_value"],
                         name="address_street_number"),
        ]

    def __str__(self) -> str:
        return self.text
