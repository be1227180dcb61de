"""Verification by an operator, and the launch of a neighborhood at exactly the threshold."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.accounts.conftest import waiting
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident
from townsquare.core.models import AuditLog
from townsquare.places.models import Neighborhood

OPERATOR = Resident.Method.OPERATOR


def verify(resident: Resident, actor: object = None) -> bool:
    return accounts.verify_resident(resident, method=OPERATOR, actor=actor)


def test_an_operator_verifies_a_resident_and_it_is_audited(alder, roles):
    [resident] = waiting(alder)

    assert verify(resident, roles["operator"]) is True

    resident.refresh_from_db()
    assert resident.verification_method == "operator"
    assert resident.verified_at is not None
    entry = AuditLog.objects.get(action="accounts.verify_resident", target_id=str(resident.pk))
    assert (entry.actor, entry.data) == (roles["operator"], {"method": "operator"})


def test_verifying_twice_changes_nothing_the_second_time(alder):
    [resident] = waiting(alder)
    verify(resident)
    first = Resident.objects.get(pk=resident.pk).verified_at

    assert verify(Resident.objects.get(pk=resident.pk)) is False

    alder.refresh_from_db()
    assert alder.verified_members == 1
    assert Resident.objects.get(pk=resident.pk).verified_at == first
    assert AuditLog.objects.filter(action="accounts.verify_resident").count() == 1


def test_the_neighborhood_launches_at_exactly_the_threshold(alder, settings):
    assert settings.TOWNSQUARE_LAUNCH_THRESHOLD == 10
    people = waiting(alder, 11)

    for resident in people[:9]:
        verify(resident)
    alder.refresh_from_db()
    assert (alder.verified_members, alder.launched_at) == (9, None)
    assert Resident.objects.filter(founding_member=True).count() == 0

    verify(people[9])
    alder.refresh_from_db()
    tenth = Resident.objects.get(pk=people[9].pk)
    assert alder.verified_members == 10
    assert alder.launched_at == tenth.verified_at

    verify(people[10])
    alder.refresh_from_db()
    founders = set(Resident.objects.filter(founding_member=True).values_list("pk", flat=True))
    assert alder.verified_members == 11
    assert alder.launched_at == tenth.verified_at
    assert founders == {r.pk for r in people[:10]}
    launches = AuditLog.objects.filter(action="places.neighborhood_launched")
    assert [(e.target_id, e.data) for e in launches] == [(str(alder.pk), {"members": 10})]


def test_the_threshold_is_a_setting(alder, settings):
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 2
    first, second = waiting(alder, 2)

    verify(first)
    assert Neighborhood.objects.get(pk=alder.pk).launched_at is None
    verify(second)

    assert Neighborhood.objects.get(pk=alder.pk).launched_at is not None
    assert Resident.objects.filter(founding_member=True).count() == 2


def test_unverified_residents_do_not_count(alder):
    waiting(alder, 3)

    alder.refresh_from_db()
    assert alder.verified_members == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_verifications_count_every_member_and_launch_once(city):
    """Twelve operators verify twelve neighbors at the same moment."""
    alder = Neighborhood.objects.get(city=city, name="Alder")
    people = waiting(alder, 12)
    start = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def work(resident: Resident) -> None:
        try:
            start.wait(timeout=30)
            verify(resident)
        except BaseException as exc:  # reported below; a thread cannot fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(r,)) for r in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    alder.refresh_from_db()
    assert errors == []
    assert alder.verified_members == 12
    assert Resident.objects.filter(neighborhood=alder, verified_at__isnull=False).count() == 12
    assert Resident.objects.filter(founding_member=True).count() == 10
    assert AuditLog.objects.filter(action="places.neighborhood_launched").count() == 1
    tenth = Resident.objects.filter(neighborhood=alder).order_by("verified_at")[9]
    assert alder.launched_at == tenth.verified_at
