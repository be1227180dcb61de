"""The adoption evidence page (docs/incidents.md, "Adoption evidence"): per neighborhood,
adoption beside the change in crime, and the comparisons between neighborhoods that
launched and those that did not, with their intervals, their power and their caveats."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from townsquare.coverage import adoption
from townsquare.places import selectors as places
from townsquare.web.errors import domain_errors


@require_GET
@domain_errors
def city_evidence(request: HttpRequest, city: str) -> HttpResponse:
    found = places.get_city(city)
    return render(request, "web/incidents/evidence.html", {
        "city": found,
        "evidence": adoption.city_evidence(found),
        "change_percent": round(abs(adoption.DETECT_CHANGE) * 100),
        "few": adoption.FEW_INCIDENTS,
    })


# This module's routes; web/urls.py adds them to the site's.
urlpatterns: list[URLPattern] = [
    path("c/<slug:city>/evidence/", city_evidence, name="city_evidence"),
]
