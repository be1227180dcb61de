from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts import codes, tasks
from townsquare.accounts.actions.verification import verify_resident
from townsquare.accounts.mailing import Mailing, mailing_addresses
from townsquare.accounts.models import PostcardBatch, Resident, VerificationCode
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Forbidden, Invalid


def pending_postcard_residents() -> Any:
    """Unverified residents with no usable postcard code and not in a batch being prepared."""
    now = timezone.now()
    has_live_code = Q(
        codes__used_at__isnull=True, codes__revoked_at__isnull=True, codes__expires_at__gt=now
    )
    in_open_batch = Q(postcard_batches__status=PostcardBatch.Status.PENDING)
    return (
        Resident.objects.filter(verified_at__isnull=True, user__is_active=True)
        .exclude(has_live_code)
        .exclude(in_open_batch)
        .order_by("neighborhood__name", "home_address", "pk")
    )


def postcard_queue() -> tuple[list[Mailing], list[Mailing]]:
    """The waiting residents split into postcards that can go out and those held back."""
    waiting = pending_postcard_residents().distinct().select_related(
        "user", "neighborhood__city")
    mailings = mailing_addresses(waiting)
    return ([m for m in mailings if m.complete], [m for m in mailings if not m.complete])


def request_postcard_batch(actor: Any) -> PostcardBatch:
    """An operator asks for a printable batch of postcards for every pending resident.

    The codes and the PDF are made by the worker (accounts.tasks.render_postcard_batch),
    after this transaction commits.
    """
    if not policy.is_operator(actor):
        raise Forbidden(_("Only operators can print postcards."))
    with transaction.atomic(durable=True):
        ready, held = postcard_queue()
        residents = [m.resident for m in ready]
        if not residents:
            raise Invalid(_("No residents with a complete mailing address are waiting for "
                            "a postcard.") if held
                          else _("No residents are waiting for a postcard."))
        batch = PostcardBatch.objects.create(created_by=actor)
        batch.residents.set(residents)
        audit.record(actor, "accounts.postcard_batch", batch, residents=len(residents),
                     held_back=len(held))
        transaction.on_commit(lambda: tasks.render_postcard_batch.enqueue(batch_id=batch.pk))
    return batch


def redeem_code(user: Any, code: object) -> Resident:
    """The resident types the code from their postcard. Single-use, expiring, rate-limited."""
    resident = policy.resident_of(user)
    if resident is None:
        raise Forbidden(_("Only residents can verify with a postcard code."))
    if resident.is_verified:
        return resident
    ratelimit.hit(
        "verify_code", resident.pk,
        message=_("Too many wrong codes. Please wait an hour before trying again."),
    )
    text = codes.normalise_code(str(code or ""))
    if len(text) != codes.CODE_LENGTH:
        raise Invalid(_("That code is not valid."), {"code": [
            _("A postcard code has %(length)s letters and digits.")
            % {"length": codes.CODE_LENGTH}]})
    now = timezone.now()
    with transaction.atomic(durable=True):
        usable = VerificationCode.objects.filter(
            resident=resident, code_hash=codes.hash_code(text), used_at__isnull=True,
            revoked_at__isnull=True, expires_at__gt=now,
        )
        # Conditional update: a code is used once even if two requests race.
        if not usable.update(used_at=now):
            raise Invalid(_("That code is not valid or has expired."), {"code": [
                _("That code is not valid or has expired.")]})
        verify_resident(resident, method=Resident.Method.POSTCARD, actor=user)
    ratelimit.reset("verify_code", resident.pk)
    return resident
