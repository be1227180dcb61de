"""Who a post reached or would reach: audience, seen, replies and thanks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies import targeting
from townsquare.agencies.models import (
    Agency,
    AgencyPost,
    AgencyPostTarget,
    AgencyReply,
    AgencyThank,
    InboxRead,
)
from townsquare.agencies.selectors.agency import require_internal
from townsquare.core.errors import Forbidden
from townsquare.places.models import Neighborhood


@dataclass
class NeighborhoodReach:
    slug: str
    name: str
    audience: int
    seen: int
    replies: int
    thanks: int


def reach(user: Any, post: AgencyPost) -> tuple[dict[str, int], list[NeighborhoodReach]]:
    """Audience (at publish time), residents who have seen it, replies and thanks, in total
    and per targeted neighborhood. Four grouped queries, whatever the audience."""
    require_internal(user, post.agency)
    rows = {t.neighborhood_id: NeighborhoodReach(t.neighborhood.slug, t.neighborhood.name,
                                                  t.audience, 0, 0, 0)
            for t in AgencyPostTarget.objects.filter(post=post).select_related("neighborhood")
            .only("neighborhood_id", "audience", "neighborhood__slug", "neighborhood__name")}
    for model, attribute, extra in (
        (InboxRead, "seen", Q(agency_post=post, neighborhood__isnull=False)),
        (AgencyReply, "replies", Q(post=post, deleted_at__isnull=True)),
        (AgencyThank, "thanks", Q(post=post)),
    ):
        counts = model.objects.filter(extra).values_list("neighborhood_id").annotate(n=Count("pk"))
        for neighborhood_id, n in counts:
            if neighborhood_id in rows:
                setattr(rows[neighborhood_id], attribute, n)
    per = sorted(rows.values(), key=lambda r: r.name)
    totals = {"audience_size": post.audience_size, "seen": sum(r.seen for r in per),
              "replies": sum(r.replies for r in per), "thanks": sum(r.thanks for r in per)}
    return totals, per


def seen_counts(user: Any, agency: Agency, posts: list[AgencyPost]) -> dict[int, int]:
    """Residents who have seen each post (its reach's "seen" total), in one grouped query."""
    require_internal(user, agency)
    found = {p.pk: 0 for p in posts}
    rows = (InboxRead.objects.filter(agency_post__in=posts, neighborhood__isnull=False)
            .values_list("agency_post_id").annotate(n=Count("pk")))
    for post_id, n in rows:
        found[post_id] = n
    return found


def audience_preview(user: Any, agency: Agency, *, neighborhoods: object = None,
                     area: object = None) -> tuple[int, list[tuple[Neighborhood, int]]]:
    """The audience a target would reach, per neighborhood; nothing is written."""
    if not policy.can_publish(user, agency):
        raise Forbidden(_("Only the agency's publishers and admins publish."))
    targets = targeting.resolve(agency, neighborhoods=neighborhoods, area=area)
    found = list(Neighborhood.objects.filter(pk__in=targets.neighborhood_ids)
                 .only("slug", "name", "verified_members").order_by("name"))
    return sum(n.verified_members for n in found), [(n, n.verified_members) for n in found]
