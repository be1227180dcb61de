"""Claims go on where the worker's last one ended (delivery.ClaimCursor), so they never step
over the finished work at the head of the queue, and still come back for what fell due
behind them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories
from tests.notifications.conftest import alert
from townsquare.notifications import delivery, kinds
from townsquare.notifications.models import Delivery

URGENT = kinds.PRIORITY[kinds.URGENT_ALERT]


@pytest.fixture
def five_emails(alder, publisher, police) -> list[int]:
    for _ in range(5):
        factories.make_resident(alder)
    alert(publisher, police)
    return sorted(Delivery.objects.values_list("id", flat=True))


def claim_with(cursor: delivery.ClaimCursor, limit: int = 2) -> list[int]:
    rows = delivery.claim("worker-a", limit=limit, now=timezone.now(), after=cursor.start())
    cursor.advance(rows, limit)
    return [row.id for row in rows]


def due_again(delivery_id: int) -> None:
    """A delivery the worker failed to hand over, whose retry time has come."""
    Delivery.objects.filter(pk=delivery_id).update(
        state="failed", next_attempt_at=timezone.now(), lease_until=None, leased_by="")


def test_a_claim_goes_on_after_the_last_and_starts_over_when_it_comes_back_short(
        five_emails):
    ids = five_emails
    cursor = delivery.ClaimCursor(rescan_seconds=3600)

    assert claim_with(cursor) == ids[:2]
    assert cursor.after == (URGENT, ids[1])
    due_again(ids[0])  # behind the cursor now
    assert claim_with(cursor) == ids[2:4]
    assert claim_with(cursor) == [ids[4]]  # short: the backlog after the cursor is done
    assert cursor.after is None
    assert claim_with(cursor) == [ids[0]]  # from the head again: the retry
    assert claim_with(cursor) == []


def test_claims_start_from_the_head_again_after_the_rescan_time(five_emails):
    ids = five_emails
    cursor = delivery.ClaimCursor(rescan_seconds=0)

    assert claim_with(cursor) == ids[:2]
    due_again(ids[0])
    assert claim_with(cursor) == [ids[0], ids[2]]


def test_draining_delivers_what_fell_due_behind_the_cursor(five_emails, smtp, settings):
    settings.TOWNSQUARE_DELIVERY_BATCH = 2
    ids = five_emails
    claim_with(delivery.ClaimCursor(), limit=1)  # a worker took the first and died
    Delivery.objects.filter(pk=ids[0]).update(lease_until=timezone.now())  # lease ran out

    assert delivery.drain("worker-b") == 5
    assert sorted(Delivery.objects.values_list("state", flat=True)) == ["delivered"] * 5
    assert len(smtp.messages) == 5
