"""Joining: a public agency applies; an operator approves it (with its jurisdiction) or
rejects it. Both through agencies.actions.onboarding."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townsquare.agencies import actions, selectors
from townsquare.agencies.models import Agency
from townsquare.places import selectors as places
from townsquare.places.models import City
from townsquare.web.agency_forms import AgencyApplicationForm, JurisdictionChoice, ReviewForm
from townsquare.web.errors import add_domain_error, catch_domain_error, domain_errors, form_errors
from townsquare.web.forms import client_ip


@require_http_methods(["GET", "POST"])
@domain_errors
def apply(request: HttpRequest) -> HttpResponse:
    form = AgencyApplicationForm(request.POST or None, cities=list(City.objects.order_by("name")))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user if request.user.is_authenticated else None
        with form_errors(form) as failed:
            agency = actions.apply_for_agency(
                name=data["name"], kind=data["kind"], city=form.chosen_city(),
                website=data["website"], email_domain=data["email_domain"],
                contact_name=data["contact_name"], contact_email=data["contact_email"],
                client=client_ip(request), actor=user)
            messages.success(request, _("Thank you. The application of %(agency)s is "
                                        "waiting for review.") % {"agency": agency.name})
            return redirect("web:agency_applied")
        status = failed.status
    elif request.method == "POST":
        status = 400
    return render(request, "web/agencies/apply.html",
                  {"form": form, "has_errors": bool(form.errors)}, status=status)


@require_GET
def applied(request: HttpRequest) -> HttpResponse:
    return render(request, "web/agencies/applied.html")


def _review_form(agency: Agency, data: Any = None) -> ReviewForm:
    return ReviewForm(data, prefix=f"a{agency.pk}",
                      neighborhoods=list(places.neighborhoods_for_city(agency.city)))


def _applications_page(request: HttpRequest, failed: tuple[Agency, ReviewForm] | None = None,
                       status: int = 200) -> HttpResponse:
    pending = selectors.applications(request.user)  # operators only (Forbidden otherwise)
    items = []
    for agency in pending:
        form = failed[1] if failed and failed[0].pk == agency.pk else _review_form(agency)
        items.append((agency, form))
    return render(request, "web/agencies/applications.html", {
        "items": items,
        "approved": selectors.applications(request.user, status=Agency.Status.APPROVED),
        "has_errors": failed is not None,
    }, status=status)


@login_required
@require_GET
@domain_errors
def applications(request: HttpRequest) -> HttpResponse:
    return _applications_page(request)


@login_required
@require_POST
@domain_errors
def review(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = selectors.get_application(request.user, agency_id)
    form = _review_form(agency, request.POST)
    if not form.is_valid():
        return _applications_page(request, (agency, form), status=400)
    data = form.cleaned_data
    with catch_domain_error(up=(), only={400, 409}) as failed:
        if data["decision"] == "reject":
            actions.reject_agency(request.user, agency, note=data["note"])
            messages.success(request, _("The application of %(agency)s is rejected.")
                             % {"agency": agency.name})
            return redirect("web:operator_agencies")
        everywhere = data["jurisdiction"] != JurisdictionChoice.CHOSEN
        actions.approve_agency(
            request.user, agency, note=data["note"], all_neighborhoods=everywhere,
            neighborhoods=None if everywhere else list(data["neighborhoods"]))
    if failed.error is not None and failed.status == 409:  # decided meanwhile: say so
        messages.error(request, failed.error.detail)
        return redirect("web:operator_agencies")
    if failed.error is not None:
        add_domain_error(form, failed.error)
        return _applications_page(request, (agency, form), status=failed.status)
    messages.success(request, _("%(agency)s is approved and verified. Invite its first "
                                "admin on its staff page.") % {"agency": agency.name})
    return redirect(reverse("web:agency_staff", args=[agency.slug]))
