"""Who may see and do what. The one place that decides it.

Views, API handlers, selectors, searches and exports ask these functions; they never
decide visibility themselves. Rules (docs/privacy.md):

- A verified resident sees the live posts of their own neighborhood, and the live posts of
  nearby neighborhoods whose author chose to share them. Unverified residents see none.
- Leads moderate their own neighborhood; operators moderate everywhere.
- Nobody but the resident and operators ever sees a home address or home point; other
  residents see the display name, the neighborhood and at most the street.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

if TYPE_CHECKING:
    from townsquare.accounts.models import Resident, User
    from townsquare.posts.models import Post, Reply


def resident_of(user: Any) -> Resident | None:
    """The caller's resident profile (cached on the user object), or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_ts_resident", False)
    if cached is not False:
        return cached
    from townsquare.accounts.models import Resident

    resident = (
        Resident.objects.select_related("neighborhood", "neighborhood__city")
        .filter(user=user)
        .first()
    )
    user._ts_resident = resident
    return resident


def verified_resident_of(user: Any) -> Resident | None:
    resident = resident_of(user)
    return resident if resident is not None and resident.is_verified else None


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def nearby_ids(resident: Resident) -> list[int]:
    cached = getattr(resident, "_ts_nearby", None)
    if cached is None:
        cached = sorted(resident.neighborhood.nearby.values_list("id", flat=True))
        resident._ts_nearby = cached
    return cached


def feed_neighborhoods(resident: Resident) -> tuple[int, list[int]]:
    """(own neighborhood id, nearby ids whose shared posts the resident follows)."""
    muted = set(resident.muted_nearby.values_list("id", flat=True))
    return resident.neighborhood_id, [n for n in nearby_ids(resident) if n not in muted]


# --- Posts --------------------------------------------------------------------------------
def visible_posts_q(user: Any) -> Q:
    """A filter on Post that keeps exactly the posts `user` may read. Q(pk__in=[]) if none."""
    if is_operator(user):
        return Q(deleted_at__isnull=True)
    resident = verified_resident_of(user)
    if resident is None:
        return Q(pk__in=[])
    live = Q(deleted_at__isnull=True) & (Q(hidden_at__isnull=True) | Q(author=resident))
    local = Q(neighborhood_id=resident.neighborhood_id)
    shared = Q(neighborhood_id__in=nearby_ids(resident), share_nearby=True)
    return live & (local | shared)


def can_view_post(user: Any, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    if resident is None:
        return False
    if post.hidden_at is not None and post.author_id != resident.pk:
        return can_moderate_neighborhood(user, post.neighborhood_id)
    if post.neighborhood_id == resident.neighborhood_id:
        return True
    return post.share_nearby and post.neighborhood_id in nearby_ids(resident)


def can_post(user: Any) -> bool:
    return verified_resident_of(user) is not None


def can_reply(user: Any, post: Post) -> bool:
    return post.is_live and verified_resident_of(user) is not None and can_view_post(user, post)


def can_edit_post(user: Any, post: Post) -> bool:
    resident = verified_resident_of(user)
    return resident is not None and post.deleted_at is None and post.author_id == resident.pk


def can_edit_reply(user: Any, reply: Reply) -> bool:
    resident = verified_resident_of(user)
    return resident is not None and reply.deleted_at is None and reply.author_id == resident.pk


def can_view_reply(user: Any, reply: Reply) -> bool:
    if reply.deleted_at is not None:
        return False
    if reply.hidden_at is not None:
        resident = resident_of(user)
        is_author = resident is not None and reply.author_id == resident.pk
        if not (is_author or can_moderate_neighborhood(user, reply.post.neighborhood_id)):
            return False
    return can_view_post(user, reply.post)


# --- Moderation ---------------------------------------------------------------------------
def can_moderate_neighborhood(user: Any, neighborhood_id: int) -> bool:
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    return (
        resident is not None and resident.is_lead and resident.neighborhood_id == neighborhood_id
    )


def can_moderate_post(user: Any, post: Post) -> bool:
    return post.deleted_at is None and can_moderate_neighborhood(user, post.neighborhood_id)


def can_use_moderation(user: Any) -> bool:
    """Leads (of their own neighborhood) and operators have a moderation queue."""
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    return resident is not None and resident.is_lead


def moderated_neighborhoods_q(user: Any, field: str = "neighborhood_id") -> Q:
    """A filter that keeps rows of neighborhoods `user` moderates."""
    if is_operator(user):
        return Q()
    resident = verified_resident_of(user)
    if resident is None or not resident.is_lead:
        return Q(pk__in=[])
    return Q(**{field: resident.neighborhood_id})


# --- Residents ----------------------------------------------------------------------------
def can_invite(user: Any) -> bool:
    return verified_resident_of(user) is not None


def can_view_members(user: Any, neighborhood_id: int) -> bool:
    """Member lists (names and streets) are for verified residents of that neighborhood."""
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    return resident is not None and resident.neighborhood_id == neighborhood_id


def can_see_home_address(user: Any, resident: Resident) -> bool:
    """Only the resident themself and operators (who mail the postcards)."""
    return is_operator(user) or (
        getattr(user, "is_authenticated", False) and resident.user_id == user.pk
    )


def public_resident_label(resident: Resident) -> dict[str, str]:
    """What other residents may know about a resident: name, neighborhood, street."""
    return {
        "display_name": resident.user.display_name,
        "neighborhood": resident.neighborhood.name,
        "street": resident.street,
    }

