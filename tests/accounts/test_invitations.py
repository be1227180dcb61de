"""Invitations: a verified neighbor vouches; same neighborhood only, single use, expiring."""

from __future__ import annotations

import pytest
from django.core import mail

from tests import factories
from tests.accounts.conftest import waiting
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Invitation, Resident, User
from townsquare.core.errors import Forbidden, Invalid


def join(token: str, *, email: str = "invited@example.org", lat: float, lon: float) -> Resident:
    return accounts.signup_resident(email=email, password=factories.PASSWORD,
                                    display_name="Ivy Invited", lat=lat, lon=lon,
                                    invitation_token=token)


def test_signing_up_with_an_invitation_in_the_same_neighborhood_verifies(roles, alder):
    invitation, token = accounts.invite_neighbor(roles["neighbor"], "Invited@Example.org")

    resident = join(token, lat=alder.min_lat + 0.005, lon=alder.min_lon + 0.005)

    assert resident.verification_method == "invitation"
    assert Resident.objects.get(pk=resident.pk).verified_at is not None
    invitation.refresh_from_db()
    assert invitation.email == "invited@example.org"
    assert (invitation.used_by, invitation.used_at is not None) == (resident, True)


def test_an_invitation_from_another_neighborhood_is_refused_and_nothing_is_created(roles, city):
    _invitation, token = accounts.invite_neighbor(roles["stranger"], "invited@example.org")
    lat, lon = factories.center_of(factories.nbhd(city, "Alder"))

    with pytest.raises(Invalid) as raised:
        join(token, lat=lat, lon=lon)

    assert raised.value.fields == {"token": [
        "This invitation is for neighbors in Ironwood; your home is in Alder. Ask for a "
        "postcard instead."]}
    assert not User.objects.filter(email="invited@example.org").exists()
    assert Invitation.objects.get().used_at is None


def test_an_existing_resident_accepts_an_invitation(roles, alder):
    _invitation, token = accounts.invite_neighbor(roles["lead"], "una@example.org")

    resident = accounts.accept_invitation(roles["unverified"], token)

    assert resident.verification_method == "invitation"
    alder.refresh_from_db()
    assert alder.verified_members == 3  # neighbor, lead, and now the invited one


def test_an_invitation_works_once(roles, alder):
    _invitation, token = accounts.invite_neighbor(roles["neighbor"], "twice@example.org")
    first, second = waiting(alder, 2)
    accounts.accept_invitation(first.user, token)

    with pytest.raises(Invalid, match="not valid or has expired"):
        accounts.accept_invitation(second.user, token)

    assert Resident.objects.get(pk=second.pk).verified_at is None


def test_an_expired_invitation_is_refused(roles, settings):
    settings.TOWNSQUARE_INVITATION_DAYS = -1
    _invitation, token = accounts.invite_neighbor(roles["neighbor"], "late@example.org")

    with pytest.raises(Invalid, match="not valid or has expired"):
        accounts.accept_invitation(roles["unverified"], token)

    assert Resident.objects.get(user=roles["unverified"]).verified_at is None


def test_an_unknown_token_is_refused(roles):
    with pytest.raises(Invalid, match="not valid or has expired"):
        accounts.accept_invitation(roles["unverified"], "inv_made-up")


def test_a_deactivated_inviter_no_longer_vouches(roles):
    _invitation, token = accounts.invite_neighbor(roles["neighbor"], "una@example.org")
    User.objects.filter(pk=roles["neighbor"].pk).update(is_active=False)

    with pytest.raises(Invalid, match="no longer valid"):
        accounts.accept_invitation(roles["unverified"], token)


@pytest.mark.parametrize("role", ["unverified", "operator", "anonymous"])
def test_only_verified_residents_invite(roles, role):
    with pytest.raises(Forbidden):
        accounts.invite_neighbor(roles[role], "friend@example.org")
    assert Invitation.objects.count() == 0


def test_the_invitation_needs_a_valid_email(roles):
    with pytest.raises(Invalid):
        accounts.invite_neighbor(roles["neighbor"], "not an email")


def test_only_the_token_hash_is_stored_and_the_mail_is_sent_after_commit(
        roles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = accounts.invite_neighbor(roles["neighbor"], "friend@example.org")

    assert len(callbacks) == 1  # the mail is queued only once the invitation is committed
    assert token.startswith("inv_")
    assert token not in invitation.token_hash
    assert mail.outbox == []
