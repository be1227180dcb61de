"""Postcard codes: the batch an operator prints, then single-use, expiring, rate-limited codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.accounts.conftest import waiting
from townsquare.accounts import actions as accounts
from townsquare.accounts import codes
from townsquare.accounts.actions.postcards import pending_postcard_residents
from townsquare.accounts.models import PostcardBatch, Resident, VerificationCode
from townsquare.accounts.tasks import postcard_path
from townsquare.core.errors import Forbidden, Invalid, RateLimited

CODE = "7K3M-Q9PX"


def code_for(resident: Resident, *, code: str = CODE, expires_in: float = 3600,
             batch: PostcardBatch | None = None) -> VerificationCode:
    """A code made by the test (the real ones exist only printed in the PDF)."""
    return VerificationCode.objects.create(
        resident=resident, batch=batch, code_hash=codes.hash_code(code),
        expires_at=timezone.now() + dt.timedelta(seconds=expires_in),
    )


def user_of(resident: Resident):
    return Resident.objects.select_related("user").get(pk=resident.pk).user


# The worker loop closes connections, so the batch test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_batch_makes_one_code_per_waiting_resident_and_a_code_verifies(
        city, django_capture_on_commit_callbacks):
    alder = factories.nbhd(city, "Alder")
    first, second = waiting(alder, 2)
    operator = factories.make_operator()

    with django_capture_on_commit_callbacks(execute=True):
        batch = accounts.request_postcard_batch(operator)
    factories.run_worker()

    batch.refresh_from_db()
    assert batch.status == PostcardBatch.Status.READY
    assert postcard_path(batch).read_bytes().startswith(b"%PDF")
    assert sorted(batch.codes.values_list("resident_id", flat=True)) == sorted(
        [first.pk, second.pk])
    assert list(pending_postcard_residents()) == []

    code_for(first, batch=batch)
    resident = accounts.redeem_code(user_of(first), " 7k3m q9px ")

    assert resident.verification_method == "postcard"
    assert Resident.objects.get(pk=first.pk).verified_at is not None
    assert VerificationCode.objects.get(code_hash=codes.hash_code(CODE)).used_at is not None
    assert Resident.objects.get(pk=second.pk).verified_at is None


def test_only_operators_print_postcards(alder, roles):
    waiting(alder)

    with pytest.raises(Forbidden):
        accounts.request_postcard_batch(roles["lead"])
    assert PostcardBatch.objects.count() == 0


def test_no_batch_when_nobody_is_waiting(city):
    with pytest.raises(Invalid, match="No residents are waiting"):
        accounts.request_postcard_batch(factories.make_operator())


def test_redeeming_marks_the_code_used(alder):
    [resident] = waiting(alder)
    code = code_for(resident)

    accounts.redeem_code(user_of(resident), CODE)

    code.refresh_from_db()
    assert code.used_at is not None
    assert Resident.objects.get(pk=resident.pk).verification_method == "postcard"


def test_a_used_code_is_refused(alder):
    [resident] = waiting(alder)
    VerificationCode.objects.create(resident=resident, code_hash=codes.hash_code(CODE),
                                    expires_at=timezone.now() + dt.timedelta(days=1),
                                    used_at=timezone.now())

    with pytest.raises(Invalid) as raised:
        accounts.redeem_code(user_of(resident), CODE)

    assert raised.value.fields == {"code": ["That code is not valid or has expired."]}
    assert Resident.objects.get(pk=resident.pk).verified_at is None


def test_an_expired_code_is_refused_and_the_resident_waits_again(alder):
    [resident] = waiting(alder)
    code_for(resident, expires_in=-1)

    with pytest.raises(Invalid, match="not valid or has expired"):
        accounts.redeem_code(user_of(resident), CODE)

    assert Resident.objects.get(pk=resident.pk).verified_at is None
    assert list(pending_postcard_residents()) == [resident]


def test_another_residents_code_does_not_work(alder):
    owner, other = waiting(alder, 2)
    code_for(owner)

    with pytest.raises(Invalid):
        accounts.redeem_code(user_of(other), CODE)

    assert Resident.objects.filter(verified_at__isnull=False).count() == 0


def test_a_code_of_the_wrong_length_is_explained(alder):
    [resident] = waiting(alder)

    with pytest.raises(Invalid) as raised:
        accounts.redeem_code(user_of(resident), "ABC")

    assert raised.value.fields == {"code": ["A postcard code has 8 letters and digits."]}


def test_wrong_codes_are_rate_limited_after_five_tries(alder, settings):
    assert settings.TOWNSQUARE_RATE_LIMITS["verify_code"] == "5/3600"
    [resident] = waiting(alder)
    code_for(resident)
    user = user_of(resident)

    for _ in range(5):
        with pytest.raises(Invalid):
            accounts.redeem_code(user, "AAAA-AAAA")
    with pytest.raises(RateLimited):
        accounts.redeem_code(user, CODE)  # even the right code, until the window passes

    assert Resident.objects.get(pk=resident.pk).verified_at is None


def test_the_limit_is_per_resident(alder):
    first, second = waiting(alder, 2)
    code_for(second)
    for _ in range(5):
        with pytest.raises(Invalid):
            accounts.redeem_code(user_of(first), "AAAA-AAAA")

    accounts.redeem_code(user_of(second), CODE)

    assert Resident.objects.get(pk=second.pk).verified_at is not None


def test_only_residents_redeem_codes(roles):
    with pytest.raises(Forbidden):
        accounts.redeem_code(roles["operator"], CODE)


def test_a_verified_resident_redeeming_again_is_a_no_op(roles):
    resident = accounts.redeem_code(roles["neighbor"], "whatever")

    assert resident.verification_method == "operator"
