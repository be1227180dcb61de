"""Schemas of the incidents endpoints (docs/incidents.md)."""

from __future__ import annotations

from ninja import Field, Schema


class IncidentSummaryOut(Schema):
    count: int = Field(description="Incidents in [from, to).")
    compare_count: int | None = Field(
        description="Incidents in [compare_from, compare_to); null without a comparison.")
    rate_ratio: float | None = Field(
        description="(count per day) / (compare_count per day); null without a comparison "
                    "or when compare_count is 0.")
    rate_ratio_ci: list[float | None] | None = Field(
        description="The exact conditional 95% interval of the rate ratio, [lo, hi]; hi is "
                    "null when it is unbounded (compare_count 0); null without a comparison.")
    p_value: float | None = Field(
        description="The two-sided p-value of the E-test for two Poisson rates; null "
                    "without a comparison.")
    count_ci: list[float] = Field(description="The exact (Garwood) 95% interval of count.")
