"""The agency's own pages: the dashboard (onboarding checklist, recent posts with their
reach), staff, the audit log and the public-records exports. Every read through
agencies.selectors, every write through agencies.actions; both ask policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townsquare import policy
from townsquare.agencies import actions, exports, selectors
from townsquare.agencies.models import Agency, AgencyPost, AgencyStaff
from townsquare.core.errors import NotFound
from townsquare.web import audit_sentences
from townsquare.web.agency_forms import StaffInviteForm
from townsquare.web.errors import form_errors, message_errors
from townsquare.web.views.agencies_access import agency_page, agency_time, next_cursor

RECENT_POSTS = 10
AUDIT_PAGE = 50


@dataclass(frozen=True)
class PostRow:
    post: AgencyPost
    status: str
    neighborhoods: list[str]
    seen: int


def agency_context(request: HttpRequest, agency: Agency, here: str) -> dict[str, object]:
    """What the agency's sub-navigation may offer this caller (policy answers)."""
    user = request.user
    return {
        "agency": agency, "agency_here": here,
        "can_publish": policy.can_publish(user, agency),
        "can_manage_staff": policy.can_manage_staff(user, agency),
        "can_view_audit": policy.can_view_audit(user, agency),
        "can_export": policy.can_export(user, agency),
        "can_triage_tips": policy.can_triage_tips(user, agency),
        "can_view_questions": policy.can_view_questions(user, agency),
    }


@agency_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """/agency/: staff go to their agency, operators to the list of agencies."""
    staff = policy.agency_staff_of(request.user)
    if staff is not None:
        return redirect("web:agency_dashboard", slug=staff.agency.slug)
    if policy.is_operator(request.user):
        return redirect("web:operator_agencies")
    raise PermissionDenied(_("This page is for the staff of a public agency."))


@agency_page
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    agency = selectors.get_agency(slug)
    checklist = selectors.onboarding_checklist(request.user, agency)
    cursor = request.GET.get("cursor") or None
    rows = selectors.agency_posts(request.user, agency, cursor=cursor, limit=RECENT_POSTS)
    page = rows[:RECENT_POSTS]
    targets = selectors.targets_of(page)
    seen = selectors.seen_counts(request.user, agency, page)
    with agency_time(agency):
        return render(request, "web/agencies/dashboard.html", {
            **agency_context(request, agency, "dashboard"),
            "checklist": checklist,
            "posts": [PostRow(p, p.current_status(), targets[p.pk], seen[p.pk]) for p in page],
            "next_cursor": next_cursor(rows, RECENT_POSTS),
            "is_first_page": cursor is None,
        })


# --- staff -------------------------------------------------------------------------------------
@agency_page
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest, slug: str) -> HttpResponse:
    agency = selectors.get_agency(slug)
    members = selectors.staff_members(request.user, agency)  # admins and operators only
    form = StaffInviteForm(request.POST if request.POST.get("action") == "invite" else None)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") != "invite":
            return _change_member(request, agency)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form) as failed:
                member, _link = actions.add_agency_staff(
                    agency, data["email"], data["role"], actor=request.user,
                    display_name=data["display_name"], send_email=True)
                messages.success(request, _("We emailed %(email)s a link to set a password. "
                                            "It works once, for a few days.")
                                 % {"email": member.user.email})
                return redirect("web:agency_staff", slug=agency.slug)
            status = failed.status
    return render(request, "web/agencies/staff.html", {
        **agency_context(request, agency, "staff"), "members": members, "form": form,
        "roles": AgencyStaff.Role.choices, "has_errors": bool(form.errors),
    }, status=status)


def _change_member(request: HttpRequest, agency: Agency) -> HttpResponse:
    raw = request.POST.get("staff", "")
    if not raw.isdigit():
        raise NotFound(_("No such staff member."))
    member = selectors.get_staff_member(request.user, agency, int(raw))
    name = member.user.display_name
    with message_errors(request):
        if request.POST.get("action") == "remove":
            actions.remove_agency_staff(request.user, member)
            messages.success(request, _("%(name)s is no longer on the staff.") % {"name": name})
            if member.user_id == request.user.pk:
                return redirect("web:home")
        else:
            actions.change_staff_role(request.user, member, request.POST.get("role"))
            messages.success(request, _("%(name)s's role is now: %(role)s.") % {
                "name": name, "role": member.get_role_display()})
    return redirect("web:agency_staff", slug=agency.slug)


# --- the audit log and the exports -----------------------------------------------------------
@agency_page
@require_GET
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    agency = selectors.get_agency(slug)
    cursor = request.GET.get("cursor") or None
    rows = selectors.audit_entries(request.user, agency, cursor=cursor, limit=AUDIT_PAGE)
    with agency_time(agency):
        return render(request, "web/agencies/audit.html", {
            **agency_context(request, agency, "audit"),
            "entries": audit_sentences.sentences(rows[:AUDIT_PAGE]),
            "next_cursor": next_cursor(rows, AUDIT_PAGE), "is_first_page": cursor is None,
        })


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Replies of residents inside: never kept by a cache on the way.
    response["Cache-Control"] = "private, no-store"
    return response


@agency_page
@require_POST
def audit_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """A POST (a button), so neither a prefetch nor another site can add an entry."""
    agency = selectors.get_agency(slug)
    entries = actions.export_audit_log(request.user, agency)
    return _download(exports.audit_csv(entries), f"{agency.slug}-audit-log.csv",
                     "text/csv; charset=utf-8")


@agency_page
@require_http_methods(["GET", "POST"])
def exports_page(request: HttpRequest, slug: str) -> HttpResponse:
    agency = selectors.get_agency(slug)
    if not policy.can_export(request.user, agency):
        raise PermissionDenied(_("Only the agency's admins export its records."))
    if request.method == "POST":
        fmt = request.POST.get("format")
        if fmt not in ("csv", "json"):
            raise NotFound(_("No such format."))
        data = actions.export_agency(request.user, agency, fmt)
        kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return _download(data, f"{agency.slug}-posts-and-replies.{fmt}", kind)
    return render(request, "web/agencies/exports.html",
                  agency_context(request, agency, "exports"))
