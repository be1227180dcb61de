"""Reads about agencies, always through policy, one module per concern (as the actions are):

- `agency`: an agency's public profile and jurisdiction, the gate of its internal pages;
- `onboarding`: a new agency's checklist, the applications operators review;
- `posts`: agency posts as staff and as residents see them, targets, images;
- `replies`: replies and thanks on agency posts;
- `inbox`: the inbox and its read state (over the feed rows, feeds/selectors.py);
- `reach`: audience, seen, replies and thanks per neighborhood;
- `staff`: an agency's staff list;
- `records`: the audit log and the public-records export.

Callers import this package; the names below are its public surface.
"""

from townsquare.agencies.selectors.agency import (
    get_agency,
    jurisdiction_neighborhoods,
    jurisdiction_slugs,
    require_internal,
)
from townsquare.agencies.selectors.inbox import (
    InboxItem,
    inbox,
    inbox_post,
    unread_count,
)
from townsquare.agencies.selectors.onboarding import (
    Checklist,
    applications,
    get_application,
    onboarding_checklist,
)
from townsquare.agencies.selectors.posts import (
    agency_posts,
    get_agency_post,
    get_agency_post_internal,
    get_image,
    images_of,
    posts_by_ids,
    targets_of,
)
from townsquare.agencies.selectors.public import (
    area_of,
    area_words,
    get_public_post,
    public_alerts_for,
    public_posts,
    updates_of,
)
from townsquare.agencies.selectors.reach import (
    NeighborhoodReach,
    audience_preview,
    reach,
    seen_counts,
)
from townsquare.agencies.selectors.records import audit_entries, export_records
from townsquare.agencies.selectors.replies import get_agency_reply, replies, thanked_by
from townsquare.agencies.selectors.staff import get_staff_member, staff_members

__all__ = [
    "area_of",
    "area_words",
    "get_public_post",
    "public_alerts_for",
    "public_posts",
    "updates_of",
    "Checklist",
    "InboxItem",
    "NeighborhoodReach",
    "agency_posts",
    "applications",
    "audience_preview",
    "audit_entries",
    "export_records",
    "get_agency",
    "get_agency_post",
    "get_agency_post_internal",
    "get_agency_reply",
    "get_application",
    "get_image",
    "get_staff_member",
    "images_of",
    "inbox",
    "inbox_post",
    "jurisdiction_neighborhoods",
    "jurisdiction_slugs",
    "onboarding_checklist",
    "posts_by_ids",
    "reach",
    "replies",
    "require_internal",
    "seen_counts",
    "staff_members",
    "targets_of",
    "thanked_by",
    "unread_count",
]
