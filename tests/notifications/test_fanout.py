"""The fan-out: an agency post goes out in small leased steps that another worker takes
over once a dead worker's lease runs out, resuming at the cursor and writing nothing twice;
on PostgreSQL it keeps the planner statistics of the delivery table current."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.agencies.factories import make_staff, publish
from tests.notifications.conftest import alert
from townsquare.notifications import fanout_jobs, tasks
from townsquare.notifications.models import Delivery, FanoutJob

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's planner statistics (pg_class.reltuples)")


def planner_rows() -> float:
    """The row count the planner believes the delivery table has (ANALYZE sets it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                       [Delivery._meta.db_table])
        return cursor.fetchone()[0]


@pytest.fixture
def four_residents(alder):
    return [factories.make_resident(alder) for _ in range(4)]


@postgresql_only
def test_a_large_fan_out_analyzes_the_table_so_claims_walk_the_index(
        settings, four_residents, publisher, police):
    settings.TOWNSQUARE_FANOUT_ANALYZE_ROWS = 4
    before = planner_rows()

    alert(publisher, police)

    assert Delivery.objects.count() == 4  # one email each; nobody subscribed a browser
    assert before != 4
    assert planner_rows() == 4


@postgresql_only
def test_a_small_fan_out_leaves_the_statistics_to_autovacuum(
        settings, four_residents, alder, publisher, police):
    # ANALYZE writes pg_class in place, outside the test's transaction: another test's
    # may have left 4. Five rows here, so that one run by this fan-out would show.
    factories.make_resident(alder)
    settings.TOWNSQUARE_FANOUT_ANALYZE_ROWS = 6
    before = planner_rows()

    alert(publisher, police)

    assert Delivery.objects.count() == 5
    assert before != 5
    assert planner_rows() == before


# --- leased steps ----------------------------------------------------------------------
def emailed(post) -> Counter[int]:
    """Delivery rows per recipient (email) of `post`."""
    return Counter(Delivery.objects.filter(agency_post=post, channel="email")
                   .values_list("recipient_id", flat=True))


@pytest.fixture
def two_neighborhoods(city, alder):
    """Five verified residents in Alder, three in Birch; one in Ironwood (not targeted)."""
    birch = factories.nbhd(city, "Birch")
    factories.make_resident(factories.nbhd(city, "Ironwood"))
    return ([factories.make_resident(alder) for _ in range(5)]
            + [factories.make_resident(birch) for _ in range(3)])


def test_publishing_writes_the_job_due_at_the_posts_time(
        settings, two_neighborhoods, publisher, police):
    post = publish(publisher, police, kind="alert", title="Flood",
                   neighborhoods=["alder", "birch"])

    job = FanoutJob.objects.get(agency_post=post)
    assert (job.run_after, job.priority, job.leased_until, job.finished_at) == (
        post.publish_at, 0, None, None)
    assert Delivery.objects.count() == 0


def test_a_fan_out_goes_in_steps_each_moving_the_cursor_and_renewing_the_lease(
        settings, two_neighborhoods, publisher, police):
    settings.TOWNSQUARE_FANOUT_STEP = 2
    settings.TOWNSQUARE_FANOUT_LEASE_SECONDS = 15
    post = publish(publisher, police, kind="alert", title="Flood",
                   neighborhoods=["alder", "birch"])
    job = FanoutJob.objects.get(agency_post=post)
    alder_ids = sorted(u.pk for u in two_neighborhoods[:5])
    t0 = timezone.now()
    assert fanout_jobs.take(job.pk, "w", now=t0)

    cursors = []
    for second in range(1, 6):
        at = t0 + dt.timedelta(seconds=second)
        written, finished = fanout_jobs.step(job.pk, "w", now=at)
        job.refresh_from_db()
        cursors.append((written, finished, job.after_recipient_id, job.written))
        assert job.heartbeat_at == at
        assert job.leased_until == (None if finished else at + dt.timedelta(seconds=15))

    # Alder in chunks of 2, 2, 1 (its last chunk moves to Birch), Birch in 2 and 1.
    assert cursors == [(2, False, alder_ids[1], 2), (2, False, alder_ids[3], 4),
                       (1, False, 0, 5), (2, False, sorted(u.pk for u in
                                                            two_neighborhoods[5:])[1], 7),
                       (1, True, 0, 8)]
    assert job.finished_at is not None
    assert emailed(post) == Counter({user.pk: 1 for user in two_neighborhoods})


def test_a_dead_workers_job_is_taken_over_after_its_lease_and_resumed_at_the_cursor(
        settings, two_neighborhoods, publisher, police):
    settings.TOWNSQUARE_FANOUT_STEP = 2
    settings.TOWNSQUARE_FANOUT_LEASE_SECONDS = 15
    post = publish(publisher, police, kind="alert", title="Flood",
                   neighborhoods=["alder", "birch"])
    job = FanoutJob.objects.get(agency_post=post)
    t0 = timezone.now()
    assert fanout_jobs.take(job.pk, "dead", now=t0)
    assert fanout_jobs.step(job.pk, "dead", now=t0) == (2, False)  # then the worker dies

    # Its lease runs until t0 + 15 s: nobody takes the job before then.
    assert fanout_jobs.run_due("rescuer", now=t0 + dt.timedelta(seconds=14)) is None
    assert fanout_jobs.run_due("rescuer", now=t0 + dt.timedelta(seconds=16)) == 6

    job.refresh_from_db()
    assert (job.leased_by, job.takeovers, job.written) == ("rescuer", 1, 8)
    assert job.finished_at == t0 + dt.timedelta(seconds=16)
    assert emailed(post) == Counter({user.pk: 1 for user in two_neighborhoods})
    # The dead worker's step, had it outlived its lease, writes nothing and stops.
    with pytest.raises(fanout_jobs.LeaseLost):
        fanout_jobs.step(job.pk, "dead", now=t0 + dt.timedelta(seconds=17))
    # Nor does the fan-out task left RUNNING by it, when the task lease brings it back.
    assert tasks.fan_out_agency_post.call(post_id=post.pk) == 0
    assert Delivery.objects.filter(agency_post=post).count() == 8


def test_a_step_that_outlived_its_lease_is_rolled_back_and_repeats_nothing(
        settings, two_neighborhoods, publisher, police):
    settings.TOWNSQUARE_FANOUT_STEP = 2
    post = publish(publisher, police, kind="alert", title="Flood",
                   neighborhoods=["alder", "birch"])
    job = FanoutJob.objects.get(agency_post=post)
    t0 = timezone.now()
    assert fanout_jobs.take(job.pk, "slow", now=t0)
    assert fanout_jobs.take(job.pk, "rescuer", now=t0 + dt.timedelta(seconds=16))
    assert fanout_jobs.step(job.pk, "rescuer", now=t0 + dt.timedelta(seconds=16)) == (2, False)

    with pytest.raises(fanout_jobs.LeaseLost):
        fanout_jobs.step(job.pk, "slow", now=t0 + dt.timedelta(seconds=17))
    assert Delivery.objects.filter(agency_post=post).count() == 2
    job.refresh_from_db()
    assert (job.leased_by, job.written) == ("rescuer", 2)


def test_a_job_whose_task_never_ran_is_taken_by_the_loop(two_neighborhoods, publisher, police):
    post = publish(publisher, police, kind="alert", title="Flood",
                   neighborhoods=["alder", "birch"])

    assert fanout_jobs.FanoutLoop("loop").run_until_idle() == 8
    assert emailed(post) == Counter({user.pk: 1 for user in two_neighborhoods})
    assert tasks.fan_out_agency_post.call(post_id=post.pk) == 0  # the task finds it done


def test_a_scheduled_job_waits_for_its_time_and_follows_a_move(
        two_neighborhoods, publisher, police):
    from townsquare.agencies import actions as agencies

    at = timezone.now() + dt.timedelta(hours=2)
    post = publish(publisher, police, kind="news", title="Later", neighborhoods=["alder"],
                   publish_at=at)
    agencies.update_agency_post(publisher, post, publish_at=at + dt.timedelta(hours=1))

    assert fanout_jobs.run_due("w", now=at + dt.timedelta(minutes=30)) is None
    assert fanout_jobs.run_due("w", now=at + dt.timedelta(hours=1)) == 5


def test_a_practice_post_steps_through_the_agencys_staff(settings, alder, publisher, police):
    settings.TOWNSQUARE_FANOUT_STEP = 1
    factories.make_resident(alder)
    staff = [publisher, make_staff(police, "tips", "Tia Tips")]
    post = publish(publisher, police, kind="alert", title="Drill", neighborhoods=["alder"],
                   practice=True)

    assert tasks.fan_out_agency_post.call(post_id=post.pk) == 2
    assert emailed(post) == Counter({user.pk: 1 for user in staff})
    assert FanoutJob.objects.get(agency_post=post).finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_batch_worker_fans_out_and_sends_in_the_same_run(two_neighborhoods, publisher,
                                                           police):
    # A job whose task never ran (lost with a crashed queue, say): `townsquare worker
    # --batch` takes it through its fan-out loop, and the rows that loop writes are sent by
    # the delivery loop before the run ends.
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    post = publish(publisher, police, kind="alert", title="Flood",
                   neighborhoods=["alder", "birch"])
    DBTaskResult.objects.all().delete()

    call_command("worker", batch=True, startup_delay=False, interval=0, verbosity=0)

    assert FanoutJob.objects.get(agency_post=post).finished_at is not None
    states = Counter(Delivery.objects.filter(agency_post=post, channel="email")
                     .values_list("state", flat=True))
    assert states == Counter({"sent": 8})
