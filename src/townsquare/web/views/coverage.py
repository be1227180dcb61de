"""The coverage pages (docs/coverage.md): the public city coverage page, and the operators'
recruiting page with its flyers and the household-count upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from townsquare import policy
from townsquare.coverage import actions, flyers, history, projection, selectors
from townsquare.places import selectors as places
from townsquare.places.models import City
from townsquare.web import maps
from townsquare.web.errors import domain_errors, form_errors
from townsquare.web.forms import PageForm


@require_GET
@domain_errors
def city_coverage(request: HttpRequest, city: str) -> HttpResponse:
    found = places.get_city(city)
    coverage = selectors.city_coverage(found)
    now = timezone.now()
    dates = coverage.launch_dates
    return render(request, "web/coverage/city.html", {
        "city": found,
        "coverage": coverage,
        "map": maps.city_map(found, list(places.neighborhoods_for_city(found))),
        "months": history.by_month(dates, coverage.neighborhoods, found.time_zone),
        "chart": history.step_chart(dates, coverage.neighborhoods, now),
        "projection": projection.project(dates, coverage.neighborhoods, now),
        "threshold": settings.TOWNSQUARE_LAUNCH_THRESHOLD,
        "min_launches": projection.MIN_LAUNCHES,
        "min_days": projection.MIN_DAYS,
    })


class HouseholdsForm(PageForm):
    city = forms.ChoiceField(label=gettext_lazy("City"))
    file = forms.FileField(label=gettext_lazy("CSV file"), help_text=gettext_lazy(
        "Two columns, with this first line: neighborhood,households. A neighborhood by its "
        "name or its slug. One bad row refuses the whole file."))
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200, help_text=gettext_lazy(
        "Where the counts come from, e.g. “2020 Census, table H1”."))
    as_of = forms.DateField(label=gettext_lazy("Counted on"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, cities: list[City], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cities = {city.slug: city for city in cities}
        self.fields["city"].choices = [(city.slug, city.name) for city in cities]


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def recruiting(request: HttpRequest) -> HttpResponse:
    if not policy.can_use_recruiting_tools(request.user):
        raise PermissionDenied(_("Only operators can open the recruiting tools."))
    cities = list(City.objects.order_by("name"))
    sections = [selectors.recruiting(request.user, city) for city in cities]
    form = HouseholdsForm(request.POST or None, request.FILES or None, cities=cities)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        city = form.cities[data["city"]]
        with form_errors(form) as failed:
            result = actions.import_household_counts(
                request.user, city, data["file"], source=data["source"], as_of=data["as_of"])
            messages.success(request, _(
                "Household counts of %(count)s neighborhoods of %(city)s imported "
                "(%(created)s new, %(updated)s changed, %(unchanged)s unchanged).") % {
                    "count": result.rows, "city": city.name, "created": result.created,
                    "updated": result.updated, "unchanged": result.unchanged})
            return redirect("web:operator_coverage")
        status = failed.status
    elif request.method == "POST":
        status = 400
    return render(request, "web/coverage/recruiting.html",
                  {"sections": sections, "form": form}, status=status)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
@domain_errors
def city_flyers(request: HttpRequest, city: str) -> HttpResponse:
    found = places.get_city(city)
    return _pdf(flyers.for_city(request.user, found), f"flyers-{found.slug}.pdf")


@login_required
@require_GET
@domain_errors
def neighborhood_flyer(request: HttpRequest, city: str, neighborhood: str) -> HttpResponse:
    found = places.get_city(city)
    return _pdf(flyers.for_city(request.user, found, neighborhood),
                f"flyer-{found.slug}-{neighborhood}.pdf")


# This module's routes; web/urls.py adds them to the site's.
urlpatterns: list[URLPattern] = [
    path("c/<slug:city>/coverage/", city_coverage, name="city_coverage"),
    path("operator/coverage/", recruiting, name="operator_coverage"),
    path("operator/coverage/<slug:city>/flyers.pdf", city_flyers, name="operator_flyers"),
    path("operator/coverage/<slug:city>/<slug:neighborhood>/flyer.pdf", neighborhood_flyer,
         name="operator_flyer"),
]
