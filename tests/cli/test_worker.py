"""`townsquare worker` and the task lease: a task left RUNNING by a dead worker runs again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from townsquare.accounts import actions as accounts
from townsquare.core import tasks_recovery

# The worker loop closes connections between tasks (as it must in production), which a
# test wrapped in a transaction does not survive: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invitation_task(roles, django_capture_on_commit_callbacks) -> DBTaskResult:
    """A real queued task: the e-mail of an invitation."""
    with django_capture_on_commit_callbacks(execute=True):
        accounts.invite_neighbor(roles["neighbor"], "friend@example.org")
    return DBTaskResult.objects.get()


def claimed_by_a_dead_worker(task: DBTaskResult, seconds_ago: float) -> None:
    """What a worker killed mid-task leaves behind: RUNNING, claimed long ago."""
    task.claim("dead-worker")
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=seconds_ago))


def run_worker(**options: object) -> None:
    call_command("worker", batch=True, startup_delay=False, interval=0, verbosity=0, **options)


def test_a_task_running_longer_than_the_lease_is_run_by_the_next_worker(invitation_task,
                                                                        settings):
    claimed_by_a_dead_worker(invitation_task, settings.TOWNSQUARE_TASK_LEASE_SECONDS + 1)

    run_worker(worker_id="next-worker")

    invitation_task.refresh_from_db()
    assert invitation_task.status == TaskResultStatus.SUCCESSFUL
    assert invitation_task.worker_ids == ["dead-worker", "next-worker"]
    assert [m.to for m in mail.outbox] == [["friend@example.org"]]


def test_a_task_within_its_lease_is_left_to_its_worker(invitation_task, settings):
    claimed_by_a_dead_worker(invitation_task, settings.TOWNSQUARE_TASK_LEASE_SECONDS - 30)

    run_worker(worker_id="next-worker")

    invitation_task.refresh_from_db()
    assert invitation_task.status == TaskResultStatus.RUNNING
    assert invitation_task.worker_ids == ["dead-worker"]
    assert mail.outbox == []


def test_the_lease_follows_the_setting_and_the_option(invitation_task, settings):
    settings.TOWNSQUARE_TASK_LEASE_SECONDS = 60
    claimed_by_a_dead_worker(invitation_task, 90)

    run_worker(lease=120)  # the option wins: 90 s is within a 120 s lease
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

    assert tasks_recovery.requeue_expired() == 1  # 90 s is past the 60 s setting
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


def test_requeue_leaves_finished_and_ready_tasks_alone(invitation_task):
    run_worker()
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL

    later = timezone.now() + dt.timedelta(days=1)

    assert tasks_recovery.requeue_expired(60, now=later) == 0
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_the_worker_processes_every_queue_by_default(invitation_task):
    run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1


def test_the_worker_rejects_a_lease_that_is_not_positive():
    with pytest.raises(CommandError, match="positive"):
        run_worker(lease=-5)
