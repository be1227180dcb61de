"""Agencies: applications and their review, public profiles, staff, the audit log, exports.

Agency endpoints under `/agencies/{agency}/` answer 404 for an agency that does not exist
or is not approved, and 403 to callers who are not its staff (or an operator): the agency
itself is public, so that says nothing new. See docs/agencies.md for the roles.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from townsquare.agencies import actions, exports, selectors
from townsquare.api import agency_serializers as serializers
from townsquare.api import pagination
from townsquare.api.agency_schemas import (
    AgencyOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    AuditPage,
    ReviewIn,
    StaffIn,
    StaffOut,
    StaffPage,
    StaffPatchIn,
)
from townsquare.api.auth import caller, client_ip
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors
from townsquare.core.errors import Invalid, NotFound
from townsquare.places import selectors as places

router = Router(tags=["agencies"])


def download(media_type: str, description: str) -> dict:
    """The OpenAPI description of a file download (ninja documents JSON bodies only)."""
    return {"responses": {200: {"description": description, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}}}}}


# --- applications (the public applies, operators review) -------------------------------------
@router.post("/agencies/applications", response={201: ApplicationOut, **errors(400, 429)},
             summary="Apply for an agency account")
def apply_for_agency(request: HttpRequest, payload: ApplicationIn) -> tuple[int, dict]:
    """A public agency applies: an operator checks the website and the email domain (the
    contact's address must be at that domain) before approving it."""
    try:
        city = places.get_city(payload.city)
    except NotFound as exc:
        raise Invalid(_("No such city."), {"city": [_("No city has this slug.")]}) from exc
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    agency = actions.apply_for_agency(
        name=payload.name, kind=payload.kind, city=city, website=payload.website,
        email_domain=payload.email_domain, contact_name=payload.contact_name,
        contact_email=payload.contact_email, client=client_ip(request), actor=user)
    return 201, serializers.application(agency)


@router.get("/agencies/applications/pending", auth=caller,
            response={200: ApplicationPage, **errors(400, 403, *AUTHED)},
            summary="Applications waiting for review")
def list_applications(request: HttpRequest, cursor: pagination.Cursor = None,
                      limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Operators only; oldest first."""
    items, next_cursor = pagination.oldest_first(
        selectors.applications(request.auth), cursor=cursor, limit=limit)
    return pagination.page([serializers.application(a) for a in items], next_cursor)


@router.post("/agencies/applications/{int:id}/approve", auth=caller,
             response={200: ApplicationOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Approve an agency")
def approve_application(request: HttpRequest, id: Id, payload: ReviewIn | None = None) -> dict:
    """Operators only. The agency is verified from now on; give it staff with
    `POST /agencies/{agency}/staff` (or `townsquare add_agency_staff`)."""
    agency = selectors.get_application(request.auth, id)
    note = payload.note if payload else ""
    return serializers.application(actions.approve_agency(request.auth, agency, note=note))


@router.post("/agencies/applications/{int:id}/reject", auth=caller,
             response={200: ApplicationOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Reject an agency application")
def reject_application(request: HttpRequest, id: Id, payload: ReviewIn | None = None) -> dict:
    agency = selectors.get_application(request.auth, id)
    note = payload.note if payload else ""
    return serializers.application(actions.reject_agency(request.auth, agency, note=note))


# --- public profile -------------------------------------------------------------------------
@router.get("/agencies/{slug:agency}", response={200: AgencyOut, **errors(404)},
            summary="An agency's public profile")
def get_agency(request: HttpRequest, agency: str) -> dict:
    """Name, kind, verified badge, website and jurisdiction of an approved agency."""
    found = selectors.get_agency(agency)
    return serializers.agency(found, selectors.jurisdiction_slugs(found))


# --- staff ----------------------------------------------------------------------------------
@router.get("/agencies/{slug:agency}/staff", auth=caller,
            response={200: StaffPage, **errors(400, 403, 404, *AUTHED)},
            summary="The agency's staff")
def list_staff(request: HttpRequest, agency: str, cursor: pagination.Cursor = None,
               limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Agency admins and operators."""
    members = selectors.staff_members(request.auth, selectors.get_agency(agency))
    items, next_cursor = pagination.by_name(members, cursor=cursor, limit=limit,
                                            key=lambda s: (s.user.email, s.pk))
    return pagination.page([serializers.staff(s) for s in items], next_cursor)


@router.post("/agencies/{slug:agency}/staff", auth=caller,
             response={201: StaffOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Add a staff member")
def add_staff(request: HttpRequest, agency: str, payload: StaffIn) -> tuple[int, dict]:
    """Agency admins and operators. The account is created if needed (or an existing
    non-resident account attached) and a one-time password-set link is mailed to it.
    Staff use work accounts: a resident's or an operator's email is refused (409), and the
    email must be at the agency's email domain."""
    found = selectors.get_agency(agency)
    staff, _link = actions.add_agency_staff(found, payload.email, payload.role,
                                            actor=request.auth,
                                            display_name=payload.display_name)
    return 201, serializers.staff(staff)


@router.patch("/agencies/{slug:agency}/staff/{int:id}", auth=caller,
              response={200: StaffOut, **errors(400, 403, 404, 409, *AUTHED)},
              summary="Change a staff member's role")
def change_staff(request: HttpRequest, agency: str, id: Id, payload: StaffPatchIn) -> dict:
    """The last admin cannot stop being one (409)."""
    staff = selectors.get_staff_member(request.auth, selectors.get_agency(agency), id)
    return serializers.staff(actions.change_staff_role(request.auth, staff, payload.role))


@router.delete("/agencies/{slug:agency}/staff/{int:id}", auth=caller,
               response={204: None, **errors(403, 404, 409, *AUTHED)},
               summary="Remove a staff member")
def remove_staff(request: HttpRequest, agency: str, id: Id) -> tuple[int, None]:
    staff = selectors.get_staff_member(request.auth, selectors.get_agency(agency), id)
    actions.remove_agency_staff(request.auth, staff)
    return 204, None


# --- audit log and exports ------------------------------------------------------------------
@router.get("/agencies/{slug:agency}/audit", auth=caller,
            response={200: AuditPage, **errors(400, 403, 404, *AUTHED)},
            summary="The agency's audit log")
def agency_audit(request: HttpRequest, agency: str, cursor: pagination.Cursor = None,
                 limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Every action of its staff (and of operators on it), newest first. Agency admins and
    operators."""
    rows = selectors.audit_entries(request.auth, selectors.get_agency(agency), cursor=cursor,
                                   limit=limit)
    items, next_cursor = pagination.newest_first(rows, limit=limit)
    return pagination.page([serializers.audit_entry(e) for e in items], next_cursor)


@router.get("/agencies/{slug:agency}/audit.csv", auth=caller,
            response={200: None, **errors(403, 404, *AUTHED)},
            openapi_extra=download("text/csv", "The audit log, newest first."),
            summary="The agency's audit log as CSV")
def agency_audit_csv(request: HttpRequest, agency: str) -> HttpResponse:
    """The whole log; the download itself is its newest entry."""
    found = selectors.get_agency(agency)
    data = exports.audit_csv(actions.export_audit_log(request.auth, found))
    return _download(data, "text/csv; charset=utf-8", f"{found.slug}-audit.csv")


@router.get("/agencies/{slug:agency}/export.csv", auth=caller,
            response={200: None, **errors(403, 404, *AUTHED)},
            openapi_extra=download("text/csv", "One row per post and per reply."),
            summary="All posts and replies, as CSV")
def export_csv(request: HttpRequest, agency: str) -> HttpResponse:
    """For public-records requests: one row per post and per reply; repliers as display
    name and neighborhood. Agency admins and operators; recorded in the audit log."""
    found = selectors.get_agency(agency)
    data = actions.export_agency(request.auth, found, "csv")
    return _download(data, "text/csv; charset=utf-8", f"{found.slug}-records.csv")


@router.get("/agencies/{slug:agency}/export.json", auth=caller,
            response={200: None, **errors(403, 404, *AUTHED)},
            openapi_extra=download("application/json",
                                   "`{agency, exported_at, posts: [{..., replies}]}`."),
            summary="All posts and replies, as JSON")
def export_json(request: HttpRequest, agency: str) -> HttpResponse:
    found = selectors.get_agency(agency)
    data = actions.export_agency(request.auth, found, "json")
    return _download(data, "application/json; charset=utf-8", f"{found.slug}-records.json")


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
