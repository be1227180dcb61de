from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.models import Resident
from townsquare.core.errors import Forbidden, Invalid


def set_muted_nearby(user: Any, neighborhood_ids: list[int]) -> Resident:
    """Choose which nearby neighborhoods' shared posts stay out of the resident's feed."""
    resident = policy.resident_of(user)
    if resident is None:
        raise Forbidden(_("Only residents have a feed."))
    allowed = set(policy.nearby_ids(resident))
    unknown = set(neighborhood_ids) - allowed
    if unknown:
        raise Invalid(_("Only nearby neighborhoods can be muted."),
                      {"muted": [_("Only neighborhoods next to yours can be chosen.")]})
    with transaction.atomic(durable=True):
        resident.muted_nearby.set(sorted(neighborhood_ids))
    return resident
