"""Template context for every page: the site name and what the navigation may offer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from townsquare import policy
from townsquare.places.models import City


class Viewer:
    """What the header needs to know about the caller. Every answer comes from the policy."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.resident = policy.resident_of(user)
        self.is_verified = self.resident is not None and self.resident.is_verified
        self.is_operator = policy.is_operator(user)
        self.can_moderate = policy.can_use_moderation(user)
        self.can_invite = policy.can_invite(user)


def _city_name(viewer: Viewer) -> str:
    if viewer.resident is not None:
        return viewer.resident.neighborhood.city.name
    names = list(City.objects.order_by("name").values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else ""


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages that never show the header (the API, plain responses) pay no query.
    viewer = SimpleLazyObject(lambda: Viewer(getattr(request, "user", None)))
    return {
        "SITE_NAME": "townsquare",
        "SITE_URL": settings.SITE_URL,
        "viewer": viewer,
        "site_city": SimpleLazyObject(lambda: _city_name(viewer)),
    }
