"""Reads about agencies, always through policy: agency posts for residents and for
staff, the inbox, replies, reach, the audit log, staff lists.

The inbox reads the same `posts.FeedItem` rows as the feed (the caller's neighborhood,
agency rows only, partial index `feed_nbhd_agency_keyset`), keyset-paginated on
(created_at, id); staff read their agency's posts keyset-paginated on (publish_at, id).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from townsquare import policy
from townsquare.agencies import exports, targeting
from townsquare.agencies.models import (
    Agency,
    AgencyPost,
    AgencyPostImage,
    AgencyPostTarget,
    AgencyReply,
    AgencyStaff,
    AgencyThank,
    InboxRead,
)
from townsquare.core import cursors
from townsquare.core.errors import Forbidden, NotFound
from townsquare.core.models import AuditLog
from townsquare.places.models import Neighborhood
from townsquare.posts.models import FeedItem

_POST_RELATED = ("agency", "agency__city", "author")


@dataclass
class Page:
    items: list[Any]
    next: str | None


# --- agencies -------------------------------------------------------------------------------
def get_agency(slug: str) -> Agency:
    """An approved agency by slug (public: name, kind, badge); NotFound otherwise."""
    agency = (Agency.objects.select_related("city")
              .filter(slug=slug, status=Agency.Status.APPROVED).first())
    if agency is None:
        raise NotFound("No such agency.")
    return agency


def jurisdiction_slugs(agency: Agency) -> list[str]:
    if agency.all_neighborhoods:
        return list(Neighborhood.objects.filter(city_id=agency.city_id)
                    .order_by("name").values_list("slug", flat=True))
    return list(agency.jurisdiction.order_by("name").values_list("slug", flat=True))


def jurisdiction_neighborhoods(agency: Agency) -> list[Neighborhood]:
    """The neighborhoods the agency may reach, by name (names, slugs and outlines are
    public: the neighborhood pages show them)."""
    qs = (Neighborhood.objects.filter(city_id=agency.city_id) if agency.all_neighborhoods
          else agency.jurisdiction.all())
    return list(qs.select_related("city").order_by("name"))


@dataclass(frozen=True)
class Checklist:
    """A new agency's first steps, read from what it has done (nothing is ticked by hand)."""

    missing_profile: list[str]
    staff_count: int
    published_count: int
    practice_count: int

    @property
    def profile_complete(self) -> bool:
        return not self.missing_profile

    @property
    def has_other_staff(self) -> bool:
        return self.staff_count >= 2

    @property
    def has_published(self) -> bool:
        return self.published_count > 0

    @property
    def done(self) -> bool:
        return self.profile_complete and self.has_other_staff and self.has_published


def onboarding_checklist(user: Any, agency: Agency) -> Checklist:
    """Profile complete, at least one other staff member, a first (non-practice) post that
    went out. Counts only: no names of staff for roles that do not manage them."""
    require_internal(user, agency)
    missing = [label for label, value in (("the official website", agency.website),
                                          ("the staff email domain", agency.email_domain))
               if not value]
    if not agency.all_neighborhoods and not agency.jurisdiction.exists():
        missing.append("the jurisdiction")
    posts = AgencyPost.objects.filter(agency=agency)
    went_out = posts.filter(practice=False, publish_at__lte=timezone.now()).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("publish_at")))
    return Checklist(
        missing_profile=missing,
        staff_count=AgencyStaff.objects.filter(agency=agency, active=True).count(),
        published_count=went_out.count(),
        practice_count=posts.filter(practice=True).count(),
    )


def applications(user: Any, *, status: str = Agency.Status.PENDING) -> list[Agency]:
    if not policy.can_review_agencies(user):
        raise Forbidden("Only operators review agency applications.")
    return list(Agency.objects.select_related("city").filter(status=status)
                .order_by("created_at", "pk"))


def get_application(user: Any, agency_id: int) -> Agency:
    if not policy.can_review_agencies(user):
        raise Forbidden("Only operators review agency applications.")
    agency = Agency.objects.select_related("city").filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("No such application.")
    return agency


def require_internal(user: Any, agency: Agency) -> None:
    """The agency's own pages are for its staff and operators: 403 for everyone else (the
    agency itself is public, so this says nothing that was not known)."""
    if not policy.can_view_agency_internal(user, agency):
        raise Forbidden("Only the agency's staff can see this.")


# --- posts, as staff see them -----------------------------------------------------------------
def agency_posts(user: Any, agency: Agency, *, cursor: str | None = None,
                 limit: int = 25) -> list[AgencyPost]:
    """All the agency's posts (scheduled, practice, withdrawn too), newest written first:
    `limit + 1` rows, for `api.pagination.newest_first`."""
    require_internal(user, agency)
    qs = AgencyPost.objects.filter(agency=agency).select_related(*_POST_RELATED)
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    return list(qs.order_by("-created_at", "-pk")[:limit + 1])


def get_agency_post_internal(user: Any, agency: Agency, post_id: int) -> AgencyPost:
    require_internal(user, agency)
    post = (AgencyPost.objects.select_related(*_POST_RELATED)
            .filter(pk=post_id, agency=agency).first())
    if post is None:
        raise NotFound("No such post.")
    return post


def targets_of(posts: list[AgencyPost]) -> dict[int, list[str]]:
    """The targeted neighborhoods' slugs of each post, by name, in one query."""
    found: dict[int, list[str]] = {p.pk: [] for p in posts}
    for post_id, slug in (AgencyPostTarget.objects.filter(post__in=posts)
                          .order_by("neighborhood__name")
                          .values_list("post_id", "neighborhood__slug")):
        found[post_id].append(slug)
    return found


def staff_feed(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    """For agency staff: their agency's posts that are out (practice ones included),
    newest first by publish time."""
    staff = policy.agency_staff_of(user)
    if staff is None:
        return Page([], None)
    rows = _published_for_staff(staff, cursor, limit)
    return Page(rows[:limit], _publish_cursor(rows, limit))


def _published_for_staff(staff: AgencyStaff, cursor: str | None,
                         limit: int) -> list[AgencyPost]:
    now = timezone.now()
    qs = (AgencyPost.objects.filter(agency_id=staff.agency_id, publish_at__lte=now)
          .exclude(status=AgencyPost.Status.WITHDRAWN).select_related(*_POST_RELATED))
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk))
    return list(qs.order_by("-publish_at", "-pk")[:limit + 1])


def _publish_cursor(rows: list[AgencyPost], limit: int) -> str | None:
    if len(rows) <= limit or not rows[:limit]:
        return None
    last = rows[limit - 1]
    return cursors.encode(last.publish_at, last.pk)


def posts_by_ids(ids: list[int]) -> dict[int, AgencyPost]:
    """Agency posts for a feed page, in one query (none for an empty list)."""
    return AgencyPost.objects.select_related(*_POST_RELATED).in_bulk(ids)


# --- posts, as residents see them ---------------------------------------------------------------
def get_agency_post(user: Any, post_id: int) -> AgencyPost:
    """The post if `user` may see it (targeted residents, its staff, operators)."""
    post = AgencyPost.objects.select_related(*_POST_RELATED).filter(pk=post_id).first()
    if post is None or not policy.can_view_agency_post(user, post):
        raise NotFound("No such post.")
    return post


def replies(user: Any, post: AgencyPost) -> list[AgencyReply]:
    """The replies `user` may read, oldest first (policy.visible_agency_replies_q)."""
    if not policy.can_view_agency_post(user, post):
        raise NotFound("No such post.")
    return list(AgencyReply.objects.filter(post=post)
                .filter(policy.visible_agency_replies_q(user, post))
                .select_related("author__user", "neighborhood").order_by("created_at", "pk"))


def get_agency_reply(user: Any, post: AgencyPost, reply_id: int) -> AgencyReply:
    reply = (AgencyReply.objects.select_related("author__user", "neighborhood")
             .filter(pk=reply_id, post=post).first())
    if reply is None:
        raise NotFound("No such reply.")
    reply.post = post
    if not policy.can_view_agency_reply(user, reply):
        raise NotFound("No such reply.")
    return reply


def thanked_by(user: Any, post: AgencyPost) -> bool:
    resident = policy.verified_resident_of(user)
    return resident is not None and AgencyThank.objects.filter(post=post,
                                                               resident=resident).exists()


def get_image(user: Any, post_id: int, image_id: int) -> AgencyPostImage:
    post = get_agency_post(user, post_id)
    image = AgencyPostImage.objects.filter(pk=image_id, post=post).first()
    if image is None:
        raise NotFound("No such image.")
    return image


def images_of(posts: list[AgencyPost]) -> dict[int, list[AgencyPostImage]]:
    found: dict[int, list[AgencyPostImage]] = {p.pk: [] for p in posts}
    for image in AgencyPostImage.objects.filter(post__in=posts).order_by("created_at", "pk"):
        found[image.post_id].append(image)
    return found


# --- the inbox ---------------------------------------------------------------------------------
@dataclass
class InboxItem:
    post: AgencyPost
    created_at: dt.datetime
    read: bool


def inbox(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page:
    """Agency posts for the caller, newest first, each with its read state.

    A verified resident: the posts targeted at their neighborhood (the FeedItem rows, so a
    post is there the moment it is published, with no row per resident). Agency staff:
    their agency's posts that are out, practice ones included. Everyone else: nothing.
    """
    resident = policy.verified_resident_of(user)
    if resident is not None:
        return _resident_inbox(user, resident.neighborhood_id, cursor, limit)
    staff = policy.agency_staff_of(user)
    if staff is None:
        return Page([], None)
    rows = _published_for_staff(staff, cursor, limit)
    page = rows[:limit]
    read = _read_ids(user, [p.pk for p in page])
    return Page([InboxItem(p, p.publish_at, p.pk in read) for p in page],
                _publish_cursor(rows, limit))


def _resident_inbox(user: Any, neighborhood_id: int, cursor: str | None,
                    limit: int) -> Page:
    now = timezone.now()
    rows = FeedItem.objects.filter(neighborhood_id=neighborhood_id, agency_post__isnull=False,
                                   created_at__lte=now).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if cursor:
        at, pk = cursors.decode(cursor)
        rows = rows.filter(created_at__lte=at).exclude(created_at=at, pk__gte=pk)
    keys = list(rows.order_by("-created_at", "-pk")
                .values_list("created_at", "pk", "agency_post_id")[:limit + 1])
    page = keys[:limit]
    posts = posts_by_ids([k[2] for k in page])
    read = _read_ids(user, [k[2] for k in page])
    items = [InboxItem(posts[k[2]], k[0], k[2] in read) for k in page if k[2] in posts]
    more = len(keys) > limit and page
    return Page(items, cursors.encode(page[-1][0], page[-1][1]) if more else None)


def _read_ids(user: Any, post_ids: list[int]) -> set[int]:
    if not post_ids:
        return set()
    return set(InboxRead.objects.filter(user=user, agency_post_id__in=post_ids)
               .values_list("agency_post_id", flat=True))


def unread_count(user: Any, *, cap: int = 99) -> int:
    """How many posts of the caller's inbox they have not opened, counted up to `cap + 1`
    (the header shows "99+"): one query, whatever the size of the inbox."""
    now = timezone.now()
    read = InboxRead.objects.filter(user=user).values("agency_post_id")
    resident = policy.verified_resident_of(user)
    if resident is not None:
        rows = FeedItem.objects.filter(
            neighborhood_id=resident.neighborhood_id, agency_post__isnull=False,
            created_at__lte=now).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        return rows.exclude(agency_post_id__in=read)[:cap + 1].count()
    staff = policy.agency_staff_of(user)
    if staff is None:
        return 0
    posts = (AgencyPost.objects.filter(agency_id=staff.agency_id, publish_at__lte=now)
             .exclude(status=AgencyPost.Status.WITHDRAWN))
    return posts.exclude(pk__in=read)[:cap + 1].count()


def inbox_post(user: Any, post_id: int) -> AgencyPost:
    """A post that is in the caller's inbox; NotFound otherwise (operators have none)."""
    post = AgencyPost.objects.select_related(*_POST_RELATED).filter(pk=post_id).first()
    if post is None:
        raise NotFound("No such inbox item.")
    resident = policy.verified_resident_of(user)
    if resident is not None and policy.can_view_agency_post(user, post):
        return post
    if resident is None and policy.agency_role(user, post.agency_id) is not None and (
            post.current_status() == AgencyPost.Status.PUBLISHED):
        return post
    raise NotFound("No such inbox item.")


# --- reach, audience ---------------------------------------------------------------------------
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
        raise Forbidden("Only the agency's publishers and admins publish.")
    targets = targeting.resolve(agency, neighborhoods=neighborhoods, area=area)
    found = list(Neighborhood.objects.filter(pk__in=targets.neighborhood_ids)
                 .only("slug", "name", "verified_members").order_by("name"))
    return sum(n.verified_members for n in found), [(n, n.verified_members) for n in found]


# --- staff, audit, exports ----------------------------------------------------------------------
def staff_members(user: Any, agency: Agency) -> list[AgencyStaff]:
    if not policy.can_manage_staff(user, agency):
        raise Forbidden("Only the agency's admins see its staff.")
    return list(AgencyStaff.objects.filter(agency=agency, active=True).select_related("user")
                .order_by("user__email", "pk"))


def get_staff_member(user: Any, agency: Agency, staff_id: int) -> AgencyStaff:
    if not policy.can_manage_staff(user, agency):
        raise Forbidden("Only the agency's admins manage its staff.")
    staff = (AgencyStaff.objects.select_related("user", "agency")
             .filter(pk=staff_id, agency=agency, active=True).first())
    if staff is None:
        raise NotFound("No such staff member.")
    return staff


def audit_entries(user: Any, agency: Agency, *, cursor: str | None = None,
                  limit: int | None = 25) -> list[AuditLog]:
    """The agency's audit log, newest first (`limit + 1` rows; None: all of it)."""
    if not policy.can_view_audit(user, agency):
        raise Forbidden("Only the agency's admins and operators read its audit log.")
    qs: QuerySet[AuditLog] = AuditLog.objects.filter(agency_id=agency.pk)
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    qs = qs.order_by("-created_at", "-pk")
    return list(qs if limit is None else qs[:limit + 1])


def export_records(agency: Agency) -> list[dict[str, Any]]:
    """Every post of the agency with its (not deleted) replies, oldest first, as plain data
    for agencies/exports.py. Callers check policy.can_export first (the export action)."""
    posts = list(AgencyPost.objects.filter(agency=agency).select_related("author")
                 .order_by("created_at", "pk"))
    targets: dict[int, list[str]] = {p.pk: [] for p in posts}
    for post_id, slug in (AgencyPostTarget.objects.filter(post__agency=agency)
                          .order_by("neighborhood__name")
                          .values_list("post_id", "neighborhood__slug")):
        targets[post_id].append(slug)
    by_post: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in posts}
    for reply in (AgencyReply.objects.filter(post__agency=agency, deleted_at__isnull=True)
                  .select_related("author__user", "neighborhood").order_by("created_at", "pk")):
        by_post[reply.post_id].append(exports.reply_record(reply))
    return [{**exports.post_record(p, targets[p.pk]), "replies": by_post[p.pk]} for p in posts]
