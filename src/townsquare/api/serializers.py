"""Models to JSON-ready dicts, in the shapes of api/schemas.py.

People appear only through `policy.public_resident_label` (name, neighborhood, street):
never a home address or a home point, except in `me()`, which is the caller's own.
"""

from __future__ import annotations

from typing import Any

import shapely

from townsquare import policy
from townsquare.accounts.models import Invitation, Resident
from townsquare.places.geometry import from_wkb
from townsquare.places.models import Neighborhood
from townsquare.posts.models import Post, Reply, Report


def neighborhood_ref(nbhd: Neighborhood) -> dict[str, Any]:
    return {"slug": nbhd.slug, "name": nbhd.name}


def neighborhood_summary(nbhd: Neighborhood) -> dict[str, Any]:
    return {**neighborhood_ref(nbhd), "launched": nbhd.launched,
            "verified_members": nbhd.verified_members}


def neighborhood_detail(nbhd: Neighborhood, nearby_slugs: list[str]) -> dict[str, Any]:
    return {
        **neighborhood_summary(nbhd),
        "city": nbhd.city.slug,
        "nearby": nearby_slugs,
        "boundary": shapely.geometry.mapping(from_wkb(nbhd.geometry_wkb)),
    }


def located(nbhd: Neighborhood) -> dict[str, Any]:
    return {"city": nbhd.city.slug, "neighborhood": neighborhood_ref(nbhd)}


def resident_created(resident: Resident) -> dict[str, Any]:
    return {"id": resident.pk, "neighborhood": neighborhood_ref(resident.neighborhood),
            "verified": resident.is_verified}


def me(user: Any, home: Resident | None) -> dict[str, Any]:
    """The caller's account; `home` is `accounts.selectors.own_home(user)` (theirs only)."""
    resident = policy.resident_of(user)
    roles = []
    if resident is not None:
        roles.append("resident")
        if resident.is_lead:
            roles.append("lead")
    if policy.is_operator(user):
        roles.append("operator")
    staff = policy.agency_staff_of(user)
    if staff is not None:
        roles.append("agency_staff")
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "roles": roles,
        "neighborhood": None if resident is None else {
            **neighborhood_ref(resident.neighborhood), "city": resident.neighborhood.city.slug},
        "verified": resident is not None and resident.is_verified,
        "home": None if home is None else {
            "address": home.home_address, "street": home.street,
            "lat": home.home_lat, "lon": home.home_lon},
        "agency": None if staff is None else {
            "slug": staff.agency.slug, "name": staff.agency.name, "role": staff.role},
    }


def verification(resident: Resident) -> dict[str, Any]:
    return {"verified": resident.is_verified, "neighborhood": {
        **neighborhood_ref(resident.neighborhood), "city": resident.neighborhood.city.slug}}


def invitation(invite: Invitation) -> dict[str, Any]:
    return {"id": invite.pk, "email": invite.email, "expires_at": invite.expires_at}


def post(item: Post) -> dict[str, Any]:
    return {
        "id": item.pk,
        "type": "resident",
        "title": item.title,
        "body": item.body,
        "category": item.category,
        "neighborhood": item.neighborhood.slug,
        "share_nearby": item.share_nearby,
        "author": policy.public_resident_label(item.author),
        "created_at": item.created_at,
        "edited": item.edited_at is not None,
        "edited_at": item.edited_at,
        "reply_count": item.reply_count,
        "thank_count": item.thank_count,
        "hidden": item.hidden_at is not None,
        "person": item.person or {},
    }


def reply(item: Reply) -> dict[str, Any]:
    return {
        "id": item.pk,
        "post_id": item.post_id,
        "body": item.body,
        "author": policy.public_resident_label(item.author),
        "created_at": item.created_at,
        "edited": item.edited_at is not None,
        "hidden": item.hidden_at is not None,
    }


def thanks(item: Post, thanked: bool) -> dict[str, Any]:
    return {"thanked": thanked, "thank_count": item.thank_count}


def report_created(item: Report) -> dict[str, Any]:
    return {"id": item.pk, "reason": item.reason, "created_at": item.created_at}


def report(item: Report) -> dict[str, Any]:
    return {
        "id": item.pk,
        "reason": item.reason,
        "note": item.note,
        "created_at": item.created_at,
        "post": post(item.post),
        "reply": reply(item.reply) if item.reply is not None else None,
        "resolved_at": item.resolved_at,
        "resolution": item.resolution,
    }
