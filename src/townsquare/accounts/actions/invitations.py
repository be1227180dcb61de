from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts import codes, tasks
from townsquare.accounts.actions.verification import verify_resident
from townsquare.accounts.models import Invitation, Resident
from townsquare.accounts.validation import clean_email
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Forbidden, Invalid


def invite_neighbor(user: Any, email: object) -> tuple[Invitation, str]:
    """A verified resident vouches for a neighbor. Returns the invitation and its token.

    The token is mailed (after commit) as a link; only its hash is stored.
    """
    inviter = policy.verified_resident_of(user)
    if inviter is None:
        raise Forbidden(_("Only verified residents can invite neighbors."))
    address = clean_email(email)
    ratelimit.hit("invite", inviter.pk, message=_("You have sent many invitations today."))
    token = codes.new_token("inv")
    with transaction.atomic(durable=True):
        invitation = Invitation.objects.create(
            inviter=inviter,
            email=address,
            token_hash=codes.hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.TOWNSQUARE_INVITATION_DAYS),
        )
        audit.record(user, "accounts.invite", invitation, email=address)
        transaction.on_commit(
            lambda: tasks.send_invitation.enqueue(invitation_id=invitation.pk, token=token)
        )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """A usable (unused, unexpired) invitation for this token, or None."""
    return (
        Invitation.objects.select_related("inviter__neighborhood", "inviter__user")
        .filter(token_hash=codes.hash_token(token), used_at__isnull=True,
                expires_at__gt=timezone.now())
        .first()
    )


def accept_invitation(user: Any, token: str) -> Resident:
    """The invited neighbor, signed up in the inviter's neighborhood, becomes verified."""
    resident = policy.resident_of(user)
    if resident is None:
        raise Forbidden(_("Sign up first, then open the invitation link again."))
    with transaction.atomic(durable=True):
        _accept_locked(resident, token, Invitation.objects.filter(used_at__isnull=True))
    return resident


def _accept_locked(resident: Resident, token: str, open_invitations: QuerySet[Invitation]) -> None:
    invitation = find_invitation(token)
    if invitation is None:
        raise Invalid(_("This invitation is not valid or has expired."),
                      {"token": [_("This invitation is not valid or has expired.")]})
    inviter = invitation.inviter
    if inviter.verified_at is None or not inviter.user.is_active:
        raise Invalid(_("This invitation is no longer valid."),
                      {"token": [_("The neighbor who invited you can no longer vouch for you.")]})
    if inviter.neighborhood_id != resident.neighborhood_id:
        raise Invalid(_("This invitation is for another neighborhood."), {"token": [
            _("This invitation is for neighbors in %(invited_to)s; your home is in "
              "%(home)s. Ask for a postcard instead.")
            % {"invited_to": inviter.neighborhood.name, "home": resident.neighborhood.name}]})
    # The conditional update makes the invitation single-use even under concurrent accepts.
    if not open_invitations.filter(pk=invitation.pk).update(
        used_at=timezone.now(), used_by=resident
    ):
        raise Invalid(_("This invitation has already been used."),
                      {"token": [_("This invitation has already been used.")]})
    verify_resident(resident, method=Resident.Method.INVITATION, actor=inviter.user)
