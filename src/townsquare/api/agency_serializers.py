"""Agency models to JSON-ready dicts, in the shapes of api/agency_schemas.py.

Repliers appear only through `policy.agency_reply_author_label` (display name and
neighborhood): never a street, an address or an email.
"""

from __future__ import annotations

from typing import Any

from townsquare import policy
from townsquare.agencies.models import (
    Agency,
    AgencyPost,
    AgencyPostImage,
    AgencyReply,
    AgencyStaff,
)
from townsquare.agencies.selectors import InboxItem, NeighborhoodReach
from townsquare.core.models import AuditLog
from townsquare.places.models import Neighborhood


def agency_ref(agency: Agency) -> dict[str, Any]:
    return {"slug": agency.slug, "name": agency.name, "kind": agency.kind,
            "verified": agency.is_approved}


def agency(item: Agency, jurisdiction: list[str]) -> dict[str, Any]:
    return {**agency_ref(item), "website": item.website, "city": item.city.slug,
            "all_neighborhoods": item.all_neighborhoods, "jurisdiction": jurisdiction}


def application(item: Agency) -> dict[str, Any]:
    return {"id": item.pk, "slug": item.slug, "name": item.name, "kind": item.kind,
            "city": item.city.slug, "status": item.status, "website": item.website,
            "email_domain": item.email_domain, "contact_name": item.contact_name,
            "contact_email": item.contact_email, "created_at": item.created_at,
            "verified_at": item.verified_at}


def image(item: AgencyPostImage) -> dict[str, Any]:
    return {"id": item.pk, "url": f"/api/v1/agency-posts/{item.post_id}/images/{item.pk}",
            "content_type": item.content_type, "width": item.width, "height": item.height}


def feed_item(post: AgencyPost) -> dict[str, Any]:
    """The post as residents see it in the feed (its images come with the post itself)."""
    return {
        "id": post.pk, "type": "agency", "agency": agency_ref(post.agency), "kind": post.kind,
        "title": post.title, "body": post.body, "created_at": post.publish_at,
        "edited": post.edited, "edited_at": post.edited_at, "expires_at": post.expires_at,
        "practice": post.practice, "case_number": post.case_number,
        "event": {"starts_at": post.event_starts_at, "place": post.event_place}
        if post.kind == AgencyPost.Kind.EVENT and post.event_starts_at else None,
        "request_for_information": {"area": post.rfi_area, "time_from": post.rfi_from,
                                    "time_until": post.rfi_until}
        if post.kind == AgencyPost.Kind.REQUEST_FOR_INFORMATION else None,
        "thank_count": post.thank_count,
    }


def public_post(post: AgencyPost, images: list[AgencyPostImage], thanked: bool) -> dict[str, Any]:
    return {**feed_item(post), "images": [image(i) for i in images], "thanked": thanked}


def staff_post(post: AgencyPost, images: list[AgencyPostImage],
               neighborhoods: list[str]) -> dict[str, Any]:
    """The post as its agency's staff see it: status, targets, audience, counts."""
    return {
        **feed_item(post), "images": [image(i) for i in images],
        "status": post.current_status(),
        "publish_at": post.publish_at, "written_at": post.created_at,
        "withdrawn_at": post.withdrawn_at, "target_all": post.target_all,
        "neighborhoods": neighborhoods, "audience_size": post.audience_size,
        "reply_count": post.reply_count,
        "author": post.author.display_name if post.author else "",
    }


def created(post: AgencyPost) -> dict[str, Any]:
    return {"id": post.pk, "audience_size": post.audience_size}


def reply(item: AgencyReply) -> dict[str, Any]:
    return {"id": item.pk, "post_id": item.post_id, "body": item.body,
            "author": policy.agency_reply_author_label(item), "created_at": item.created_at,
            "hidden": item.hidden_at is not None}


def inbox_item(item: InboxItem) -> dict[str, Any]:
    return {"id": item.post.pk, "post_id": item.post.pk, "kind": item.post.kind,
            "title": item.post.title, "created_at": item.created_at, "read": item.read,
            "practice": item.post.practice}


def audience(total: int, rows: list[tuple[Neighborhood, int]]) -> dict[str, Any]:
    return {"audience_size": total, "neighborhoods": [
        {"slug": n.slug, "name": n.name, "verified_members": count} for n, count in rows]}


def reach(totals: dict[str, int], rows: list[NeighborhoodReach]) -> dict[str, Any]:
    return {**totals, "neighborhoods": [
        {"slug": r.slug, "name": r.name, "audience": r.audience, "seen": r.seen,
         "replies": r.replies, "thanks": r.thanks} for r in rows]}


def staff(item: AgencyStaff) -> dict[str, Any]:
    return {"id": item.pk, "email": item.user.email, "display_name": item.user.display_name,
            "role": item.role, "created_at": item.created_at}


def audit_entry(item: AuditLog) -> dict[str, Any]:
    return {"id": item.pk, "created_at": item.created_at, "actor": item.actor_label,
            "action": item.action, "target_type": item.target_type,
            "target_id": item.target_id, "data": item.data}
