"""Imported incidents and their daily counts, for operators to look up (only the import
changes them: docs/incidents.md)."""

from __future__ import annotations

from django.contrib import admin

from townsquare.core.admin import OperatorAdmin
from townsquare.incidents.models import DailyCount, Incident


@admin.register(Incident)
class IncidentAdmin(OperatorAdmin):
    list_display = ["occurred_at", "description", "category", "block", "neighborhood", "city"]
    list_filter = ["city", "category"]
    search_fields = ["description", "offense_code", "block"]
    list_select_related = ["city", "neighborhood"]
    date_hierarchy = "occurred_on"
    readonly_fields = ["city", "neighborhood", "key", "occurred_at", "occurred_on",
                       "offense_code", "description", "category", "block", "lat", "lon",
                       "source", "imported_at"]
    show_full_result_count = False  # a city's incidents run to millions


@admin.register(DailyCount)
class DailyCountAdmin(OperatorAdmin):
    list_display = ["day", "neighborhood", "category", "count"]
    list_filter = ["city", "category"]
    list_select_related = ["neighborhood"]
    date_hierarchy = "day"
    readonly_fields = ["city", "neighborhood", "category", "day", "count"]
    show_full_result_count = False
