"""Cities, neighborhoods and the gazetteer, for operators to look up (imports change them)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from townsquare.core.admin import OperatorAdmin
from townsquare.places.models import Address, City, Neighborhood


@admin.register(City)
class CityAdmin(OperatorAdmin):
    list_display = ["name", "slug", "neighborhood_count", "time_zone", "geometry_version"]
    search_fields = ["name", "slug"]
    readonly_fields = ["name", "slug", "time_zone", "geometry_version", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[City]:
        return super().get_queryset(request).annotate(n_neighborhoods=Count("neighborhoods"))

    @admin.display(description=_("neighborhoods"), ordering="n_neighborhoods")
    def neighborhood_count(self, city: City) -> int:
        return city.n_neighborhoods  # type: ignore[attr-defined]


class LaunchedFilter(admin.SimpleListFilter):
    title = _("launched")
    parameter_name = "launched"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", _("Launched")), ("no", _("Not yet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(launched_at__isnull=self.value() == "no")
        return queryset


@admin.register(Neighborhood)
class NeighborhoodAdmin(OperatorAdmin):
    list_display = ["name", "city", "slug", "verified_members", "launched_at"]
    list_filter = [LaunchedFilter, "city"]
    search_fields = ["name", "slug"]
    list_select_related = ["city"]
    fields = ["name", "slug", "city", "verified_members", "launched_at", "area",
              ("min_lon", "min_lat", "max_lon", "max_lat"), "nearby_names",
              "source_properties", "created_at", "updated_at"]
    readonly_fields = ["name", "slug", "city", "verified_members", "launched_at", "area",
                       "min_lon", "min_lat", "max_lon", "max_lat", "nearby_names",
                       "source_properties", "created_at", "updated_at"]

    @admin.display(description=_("nearby"))
    def nearby_names(self, nbhd: Neighborhood) -> str:
        return ", ".join(n.name for n in nbhd.nearby.order_by("name"))


@admin.register(Address)
class AddressAdmin(OperatorAdmin):
    list_display = ["text", "street", "neighborhood", "city", "lat", "lon"]
    list_filter = ["city"]
    search_fields = ["key", "street"]
    list_select_related = ["city", "neighborhood"]
    readonly_fields = ["city", "text", "key", "street", "lat", "lon", "neighborhood"]
    show_full_result_count = False  # the gazetteer can be large
