"""An agency's public posts (its public page), the public alerts shown to residents who are
not yet verified, and a post's thread of updates. Policy decides what is public."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency, AgencyPost, AgencyPostTarget
from townsquare.core.errors import NotFound
from townsquare.places.models import Neighborhood

PUBLIC_PAGE_SIZE = 20


def _published_q() -> Q:
    now = timezone.now()
    return Q(publish_at__lte=now) & ~Q(status=AgencyPost.Status.WITHDRAWN)


def public_posts(agency: Agency, page: object = 1) -> Page:
    """The agency's public first posts (updates sit in their thread), newest first, with
    `update_count` on each; `page` is the page number as given (bad numbers: page 1 or
    the last)."""
    qs = (AgencyPost.objects.filter(policy.public_agency_posts_q(), _published_q(),
                                    agency=agency, parent__isnull=True)
          .select_related("agency")
          .annotate(update_count=Count("updates", filter=_published_q_updates()))
          .order_by("-publish_at", "-pk"))
    return Paginator(qs, PUBLIC_PAGE_SIZE).get_page(page)


def _published_q_updates() -> Q:
    return (Q(updates__publish_at__lte=timezone.now())
            & ~Q(updates__status=AgencyPost.Status.WITHDRAWN))


def public_alerts_for(user: Any, *, limit: int = 10) -> list[AgencyPost]:
    """The live public alerts targeted at the home neighborhood of a resident who is not
    yet verified, newest first (an alert with its all-clear is over); none for anyone
    else."""
    neighborhood_id = policy.public_alert_neighborhood(user)
    if neighborhood_id is None:
        return []
    now = timezone.now()
    return list(AgencyPost.objects
                .filter(policy.public_agency_posts_q(), _published_q(),
                        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
                        kind=AgencyPost.Kind.ALERT, parent__isnull=True,
                        target_rows__neighborhood_id=neighborhood_id)
                .exclude(updates__update_kind=AgencyPost.UpdateKind.ALL_CLEAR)
                .select_related("agency").order_by("-publish_at", "-pk")[:limit])


def get_public_post(user: Any, agency: Agency, post_id: int) -> AgencyPost:
    """A first post of the agency that `user` may read on its public page."""
    post = (AgencyPost.objects.select_related("agency", "agency__city", "parent")
            .filter(pk=post_id, agency=agency).first())
    if post is None or not policy.can_view_public_agency_post(user, post):
        raise NotFound(_("No such post."))
    return post


def updates_of(post: AgencyPost) -> list[AgencyPost]:
    """The published updates and all-clears of a post, oldest first (the thread's order)."""
    return list(AgencyPost.objects.filter(_published_q(), parent=post)
                .order_by("publish_at", "pk"))


def area_of(post: AgencyPost) -> list[Neighborhood]:
    """The targeted neighborhoods of a post (its thread's first post), by name."""
    root_id = post.parent_id or post.pk
    ids = AgencyPostTarget.objects.filter(post_id=root_id).values("neighborhood_id")
    return list(Neighborhood.objects.filter(pk__in=ids).select_related("city").order_by("name"))


def area_words(names: list[str], *, shown: int = 3) -> str:
    """The area in words: "Alder, Birch and Cedar", or "Alder, Birch, Cedar and 4 more"."""
    if not names:
        return ""
    if len(names) <= shown:
        if len(names) == 1:
            return names[0]
        return _("%(list)s and %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}
    return _("%(list)s and %(count)s more") % {"list": ", ".join(names[:shown]),
                                               "count": len(names) - shown}
