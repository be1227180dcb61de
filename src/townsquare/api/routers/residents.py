"""Residents: sign-up, the caller's own account, verification and invitations."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from townsquare.accounts import actions, selectors
from townsquare.api import serializers
from townsquare.api.auth import caller
from townsquare.api.responses import AUTHED, errors
from townsquare.api.schemas import (
    AcceptIn,
    CodeIn,
    InvitationIn,
    InvitationOut,
    MeOut,
    ResidentCreated,
    ResidentIn,
    VerificationOut,
)
from townsquare.core.clientaddr import client_address
from townsquare.core.errors import Invalid, NotFound
from townsquare.places import selectors as places
from townsquare.places.models import City

router = Router(tags=["residents"])


def _city(slug: str | None) -> City | None:
    if not slug:
        return None
    try:
        return places.get_city(slug)
    except NotFound as exc:
        raise Invalid(_("No such city."), {"city": [_("No city has this slug.")]}) from exc


@router.post("/residents", response={201: ResidentCreated, **errors(400, 409, 429)},
             summary="Sign up as a resident")
def sign_up(request: HttpRequest, payload: ResidentIn) -> tuple[int, dict]:
    """Place your home with `lat`/`lon` (WGS84) or with a street `address` of the city
    (optionally narrowed by `city`). The account starts unverified: verify it with a
    postcard code or a neighbor's invitation."""
    resident = actions.signup_resident(
        email=payload.email, password=payload.password, display_name=payload.display_name,
        lat=payload.lat, lon=payload.lon, address=payload.address, city=_city(payload.city),
        client=client_address(request),
    )
    return 201, serializers.resident_created(resident)


@router.get("/me", auth=caller, response={200: MeOut, **errors(*AUTHED)},
            summary="The caller's own account")
def me(request: HttpRequest) -> dict:
    """Includes your own home address and point: the one place the API shows them."""
    return serializers.me(request.auth, selectors.own_home(request.auth))


@router.post("/verification/code", auth=caller,
             response={200: VerificationOut, **errors(400, 403, *AUTHED)},
             summary="Verify with the code from your postcard")
def redeem_code(request: HttpRequest, payload: CodeIn) -> dict:
    """Case, spaces and dashes do not matter. Wrong codes are rate-limited (429)."""
    return serializers.verification(actions.redeem_code(request.auth, payload.code))


@router.post("/invitations", auth=caller,
             response={201: InvitationOut, **errors(400, 403, *AUTHED)},
             summary="Invite a neighbor")
def invite(request: HttpRequest, payload: InvitationIn) -> tuple[int, dict]:
    """A verified resident vouches for a neighbor: the invitation is mailed to them, and
    accepting it verifies them (in your neighborhood only)."""
    invitation, _token = actions.invite_neighbor(request.auth, payload.email)
    return 201, serializers.invitation(invitation)


@router.post("/invitations/accept", auth=caller,
             response={200: VerificationOut, **errors(400, 403, *AUTHED)},
             summary="Accept an invitation")
def accept(request: HttpRequest, payload: AcceptIn) -> dict:
    """Sign up first (in the inviter's neighborhood), then accept with the token from the
    invitation link: you become verified."""
    return serializers.verification(actions.accept_invitation(request.auth, payload.token))
