"""Operator pages: postcard batches to print and mail, and neighborhood leads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from townsquare import policy
from townsquare.accounts import actions, tasks
from townsquare.accounts import selectors as accounts_selectors
from townsquare.accounts.models import PostcardBatch
from townsquare.places.models import City
from townsquare.web.errors import domain_errors, message_errors


def _require_operator(request: HttpRequest) -> None:
    if not policy.is_operator(request.user):
        raise PermissionDenied(_("Only operators can open this page."))


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def postcards(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    if request.method == "POST":
        with message_errors(request, only={400}):
            batch = actions.request_postcard_batch(request.user)
            messages.success(request, _("Batch #%(number)s is being prepared. Reload this page "
                                        "in a minute to download it.") % {"number": batch.pk})
        return redirect("web:operator_postcards")
    pending, held = accounts_selectors.postcard_overview(request.user)
    return render(request, "web/operator/postcards.html", {
        "pending": pending,
        "held": held,
        "batches": accounts_selectors.postcard_batches(request.user),
    })


@login_required
@require_GET
@domain_errors
def postcard_pdf(request: HttpRequest, batch_id: int) -> FileResponse:
    _require_operator(request)
    batch = accounts_selectors.get_postcard_batch(request.user, batch_id)
    path = tasks.postcard_path(batch)
    if batch.status != PostcardBatch.Status.READY or not path.is_file():
        raise Http404("This batch is not ready.")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                            content_type="application/pdf")
    # Home addresses inside: never cache it anywhere on the way.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def leads(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    if request.method == "POST":
        return _change_lead(request)
    cities = list(City.objects.prefetch_related("neighborhoods").order_by("name"))
    chosen = None
    raw = request.GET.get("neighborhood", "")
    if raw.isdigit():
        chosen = next((n for c in cities for n in c.neighborhoods.all() if n.pk == int(raw)),
                      None)
    return render(request, "web/operator/leads.html", {
        "cities": cities,
        "chosen": chosen,
        "members": accounts_selectors.lead_candidates(request.user, chosen.pk) if chosen else [],
        "leads": accounts_selectors.current_leads(request.user),
    })


def _change_lead(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("resident", "")
    if not raw.isdigit():
        raise Http404("No such resident.")
    resident = accounts_selectors.get_resident_for_operator(request.user, int(raw))
    with message_errors(request, only={400}):
        if request.POST.get("action") == "remove":
            actions.remove_lead(request.user, resident)
            messages.success(request, _("%(name)s is no longer a lead of %(neighborhood)s.") % {
                "name": resident.user.display_name, "neighborhood": resident.neighborhood.name})
        else:
            actions.appoint_lead(request.user, resident)
            messages.success(request, _("%(name)s is now a lead of %(neighborhood)s.") % {
                "name": resident.user.display_name, "neighborhood": resident.neighborhood.name})
    query = urlencode({"neighborhood": resident.neighborhood_id})
    return redirect(f"{reverse('web:operator_leads')}?{query}")
