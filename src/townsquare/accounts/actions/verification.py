from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from townsquare.accounts.models import Resident
from townsquare.core import audit
from townsquare.places.models import Neighborhood


def verify_resident(resident: Resident, *, method: str, actor: Any = None) -> bool:
    """Mark a resident verified; launch their neighborhood when it reaches the threshold.

    Returns False (and changes nothing) if the resident was already verified.
    """
    with transaction.atomic():
        return _verify_locked(resident, method=method, actor=actor)


def _verify_locked(resident: Resident, *, method: str, actor: Any) -> bool:
    # Lock the neighborhood first: verifications in one neighborhood serialise, so the
    # member count and the launch decision cannot race.
    nbhd = Neighborhood.objects.select_for_update().get(pk=resident.neighborhood_id)
    now = timezone.now()
    updated = Resident.objects.filter(pk=resident.pk, verified_at__isnull=True).update(
        verified_at=now, verification_method=method
    )
    if not updated:
        return False
    resident.verified_at, resident.verification_method = now, method
    Neighborhood.objects.filter(pk=nbhd.pk).update(verified_members=F("verified_members") + 1)
    nbhd.refresh_from_db(fields=["verified_members", "launched_at"])
    audit.record(actor, "accounts.verify_resident", resident, method=method)
    if nbhd.launched_at is None and nbhd.verified_members >= settings.TOWNSQUARE_LAUNCH_THRESHOLD:
        nbhd.launched_at = now
        nbhd.save(update_fields=["launched_at"])
        # The members verified so far are the neighborhood's founding members.
        founders = Resident.objects.filter(neighborhood=nbhd, verified_at__isnull=False)
        founders.update(founding_member=True)
        resident.founding_member = True
        audit.record(actor, "places.neighborhood_launched", nbhd, members=nbhd.verified_members)
    resident.neighborhood.verified_members = nbhd.verified_members
    resident.neighborhood.launched_at = nbhd.launched_at
    return True
