from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.models import Resident
from townsquare.core import audit
from townsquare.core.errors import Forbidden, Invalid


def appoint_lead(actor: Any, resident: Resident) -> Resident:
    """An operator chooses a neighborhood lead among its active verified members."""
    if not policy.is_operator(actor):
        raise Forbidden(_("Only operators appoint neighborhood leads."))
    if not resident.is_verified or not resident.user.is_active:
        raise Invalid(_("Leads are chosen from active verified members."))
    with transaction.atomic(durable=True):
        Resident.objects.filter(pk=resident.pk).update(lead_since=timezone.now())
        audit.record(actor, "accounts.appoint_lead", resident,
                     neighborhood=resident.neighborhood.slug)
    resident.refresh_from_db(fields=["lead_since"])
    return resident


def remove_lead(actor: Any, resident: Resident) -> Resident:
    if not policy.is_operator(actor):
        raise Forbidden(_("Only operators remove neighborhood leads."))
    with transaction.atomic(durable=True):
        Resident.objects.filter(pk=resident.pk).update(lead_since=None)
        audit.record(actor, "accounts.remove_lead", resident,
                     neighborhood=resident.neighborhood.slug)
    resident.refresh_from_db(fields=["lead_since"])
    return resident
