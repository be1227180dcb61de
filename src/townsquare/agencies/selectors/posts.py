"""Agency posts: as their staff see them (every state), as residents see them (policy
decides), their targets and images."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency, AgencyPost, AgencyPostImage, AgencyPostTarget
from townsquare.agencies.selectors.agency import require_internal
from townsquare.core import cursors
from townsquare.core.errors import NotFound

POST_RELATED = ("agency", "agency__city", "author")


def agency_posts(user: Any, agency: Agency, *, cursor: str | None = None,
                 limit: int = 25) -> list[AgencyPost]:
    """All the agency's posts (scheduled, practice, withdrawn too), newest written first:
    `limit + 1` rows, for `api.pagination.newest_first`."""
    require_internal(user, agency)
    qs = AgencyPost.objects.filter(agency=agency).select_related(*POST_RELATED)
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    return list(qs.order_by("-created_at", "-pk")[:limit + 1])


def get_agency_post_internal(user: Any, agency: Agency, post_id: int) -> AgencyPost:
    require_internal(user, agency)
    post = (AgencyPost.objects.select_related(*POST_RELATED)
            .filter(pk=post_id, agency=agency).first())
    if post is None:
        raise NotFound(_("No such post."))
    return post


def targets_of(posts: list[AgencyPost]) -> dict[int, list[str]]:
    """The targeted neighborhoods' slugs of each post, by name, in one query."""
    found: dict[int, list[str]] = {p.pk: [] for p in posts}
    for post_id, slug in (AgencyPostTarget.objects.filter(post__in=posts)
                          .order_by("neighborhood__name")
                          .values_list("post_id", "neighborhood__slug")):
        found[post_id].append(slug)
    return found


def posts_by_ids(ids: list[int]) -> dict[int, AgencyPost]:
    """Agency posts for a feed page, in one query (none for an empty list)."""
    return AgencyPost.objects.select_related(*POST_RELATED).in_bulk(ids)


def get_agency_post(user: Any, post_id: int) -> AgencyPost:
    """The post if `user` may see it (targeted residents, its staff, operators)."""
    post = AgencyPost.objects.select_related(*POST_RELATED).filter(pk=post_id).first()
    if post is None or not policy.can_view_agency_post(user, post):
        raise NotFound(_("No such post."))
    return post


def get_image(user: Any, post_id: int, image_id: int) -> AgencyPostImage:
    post = get_agency_post(user, post_id)
    image = AgencyPostImage.objects.filter(pk=image_id, post=post).first()
    if image is None:
        raise NotFound(_("No such image."))
    return image


def images_of(posts: list[AgencyPost]) -> dict[int, list[AgencyPostImage]]:
    found: dict[int, list[AgencyPostImage]] = {p.pk: [] for p in posts}
    for image in AgencyPostImage.objects.filter(post__in=posts).order_by("created_at", "pk"):
        found[image.post_id].append(image)
    return found
