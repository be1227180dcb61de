"""An agency post's fan-out as small leased steps, so a dead worker costs seconds, not the
task lease.

The job row (`FanoutJob`) is written with the post, in the publishing transaction. The
fan-out task starts it at once (at the publication time for a scheduled post), and every
worker's `FanoutLoop` looks for a job that is due and not held: one whose task never ran,
or whose worker stopped renewing its lease. Holding a job:

    take  -> one conditional UPDATE leases it to this worker until now + lease, if nobody
             holds it (no lease, or one that ran out);
    step  -> one transaction writes the delivery rows of the next chunk of recipients
             (fanout.agency_post_chunk) and moves the cursor on and renews the lease (the
             heartbeat) only if this worker still holds the job; if another worker took
             it over meanwhile, the step is rolled back and this worker stops;
    finish-> the cursor has passed the last targeted neighborhood: `finished_at` is set.

A worker killed mid-way leaves the job leased until `leased_until` (at most
TOWNSQUARE_FANOUT_LEASE_SECONDS after its last step); then the next worker's loop takes
it over and resumes at the cursor. A step that both run (a slow step outliving its lease)
writes nothing twice: the delivery keys with ON CONFLICT DO NOTHING. The fan-out task
left RUNNING by the dead worker comes back after the task lease and finds the job
finished. docs/notifications.md, docs/adr/0002-fan-out-in-leased-steps.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Q, When
from django.utils import timezone

from townsquare.agencies.models import AgencyPost, AgencyPostTarget
from townsquare.notifications import fanout, kinds
from townsquare.notifications.models import FanoutJob

logger = logging.getLogger("townsquare.notifications")

IDLE_SECONDS = 0.5  # a loop with no job to take looks again after this
MAX_PAUSE_SECONDS = 30.0  # the longest wait after database errors


def lease_seconds() -> int:
    return int(settings.TOWNSQUARE_FANOUT_LEASE_SECONDS)


def step_size() -> int:
    return int(settings.TOWNSQUARE_FANOUT_STEP)


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{threading.get_ident() % 100000}"


class LeaseLost(Exception):
    """Another worker took the job over (this one's lease had run out)."""


def schedule(post: AgencyPost, *, now: dt.datetime | None = None) -> FanoutJob:
    """The job of a post published, scheduled or moved: written in the caller's transaction,
    due at the post's time. A job already finished stays finished."""
    priority = kinds.PRIORITY[kinds.agency_kind(post.kind)]
    job, _created = FanoutJob.objects.update_or_create(
        agency_post=post, defaults={"run_after": post.publish_at, "priority": priority},
        create_defaults={"run_after": post.publish_at, "priority": priority,
                         "created_at": now or timezone.now()})
    return job


def _free(now: dt.datetime) -> Q:
    return Q(finished_at__isnull=True) & (Q(leased_until__isnull=True) | Q(leased_until__lt=now))


def take(job_id: int, worker_id: str, *, now: dt.datetime) -> bool:
    """Lease the job to `worker_id` if it is unfinished and nobody holds it."""
    taken = FanoutJob.objects.filter(_free(now), pk=job_id).update(
        leased_by=worker_id, leased_until=now + dt.timedelta(seconds=lease_seconds()),
        heartbeat_at=now,
        takeovers=Case(When(leased_until__isnull=False, then=F("takeovers") + 1),
                       default=F("takeovers"), output_field=PositiveSmallIntegerField()))
    return taken == 1


def take_due(worker_id: str, *, now: dt.datetime) -> int | None:
    """Lease the most urgent due job nobody holds; its id, or None."""
    candidates = list(FanoutJob.objects.filter(_free(now), run_after__lte=now)
                      .order_by("priority", "run_after", "id").values_list("pk", flat=True)[:5])
    for pk in candidates:
        if take(pk, worker_id, now=now):
            return pk
    return None


def work(job_id: int, worker_id: str, *, now: dt.datetime | None = None) -> int:
    """Run a job this worker holds, step by step, to its end (or until another worker takes
    it over); returns the delivery rows written. With `now`, every step happens then (tests
    run the clock ahead); otherwise each step at its own time."""
    job = FanoutJob.objects.get(pk=job_id)
    if job.takeovers and job.heartbeat_at is not None:
        logger.warning("%s resumes the fan-out of agency post %d at neighborhood %d after "
                       "recipient %d: the worker before it stopped.", worker_id,
                       job.agency_post_id, job.neighborhood_id, job.after_recipient_id)
    statistics = fanout.Statistics()
    try:
        finished = False
        while not finished:
            written, finished = step(job_id, worker_id, now=now or timezone.now())
            statistics.add(written)
            if not finished:
                _pause_between_steps()
    except LeaseLost:
        logger.warning("Another worker took over fan-out job %d; this one stops.", job_id)
    statistics.finish()
    return statistics.written


def step(job_id: int, worker_id: str, *, now: dt.datetime) -> tuple[int, bool]:
    """One step of a job this worker holds, in one transaction: the next chunk's delivery
    rows, the cursor moved on and the lease renewed. Returns (rows written, whether this
    worker is done with the job). Raises LeaseLost, with nothing written, if another worker
    holds the job now."""
    with transaction.atomic():
        job = FanoutJob.objects.select_related("agency_post").get(pk=job_id)
        if job.leased_by != worker_id or job.finished_at is not None:
            raise LeaseLost
        post = job.agency_post
        if post.publish_at > now:  # moved later since: due again at the new time
            _release(job_id, worker_id)
            return 0, True
        if not post.is_live(now):  # withdrawn or expired: nobody more is told
            _advance(job, worker_id, job.neighborhood_id, job.after_recipient_id, 0, now,
                     finished=True)
            return 0, True
        groups = [0] if post.practice else list(
            AgencyPostTarget.objects.filter(post=post).order_by("neighborhood_id")
            .values_list("neighborhood_id", flat=True))
        pending = [group for group in groups if group >= job.neighborhood_id]
        if not pending:
            _advance(job, worker_id, job.neighborhood_id, 0, 0, now, finished=True)
            return 0, True
        group = pending[0]
        after = job.after_recipient_id if group == job.neighborhood_id else 0
        chunk = fanout.agency_post_chunk(post, group, after, limit=step_size(), now=now)
        if chunk.more:
            cursor = (group, chunk.last_recipient_id or after)
        else:  # this group is done: the next one, or past the last
            cursor = (pending[1], 0) if len(pending) > 1 else (group + 1, 0)
        finished = not chunk.more and len(pending) == 1
        _advance(job, worker_id, *cursor, chunk.written, now, finished=finished)
        return chunk.written, finished


def _advance(job: FanoutJob, worker_id: str, neighborhood_id: int, after: int, written: int,
             now: dt.datetime, *, finished: bool = False) -> None:
    """Move the cursor on and renew the lease (the heartbeat), or finish the job, if this
    worker still holds it; otherwise raise LeaseLost (the caller's transaction rolls back)."""
    lease = None if finished else now + dt.timedelta(seconds=lease_seconds())
    moved = FanoutJob.objects.filter(pk=job.pk, leased_by=worker_id,
                                     finished_at__isnull=True).update(
        neighborhood_id=neighborhood_id, after_recipient_id=after,
        written=F("written") + written, heartbeat_at=now, leased_until=lease,
        finished_at=now if finished else None)
    if moved != 1:
        raise LeaseLost


def _release(job_id: int, worker_id: str) -> None:
    FanoutJob.objects.filter(pk=job_id, leased_by=worker_id).update(leased_until=None)


def _pause_between_steps() -> None:
    # For fault tests only (0 otherwise): leaves time to kill a worker between two steps.
    pause = float(settings.TOWNSQUARE_FANOUT_STEP_PAUSE_SECONDS)
    if pause > 0:
        time.sleep(pause)


def run_post(post: AgencyPost, worker_id: str | None = None) -> int:
    """The fan-out task's part: take this post's job (writing it if the post predates the
    jobs) and run it; 0 if another worker holds it or it is done."""
    worker_id = worker_id or default_worker_id()
    now = timezone.now()
    job = FanoutJob.objects.filter(agency_post=post).first() or schedule(post, now=now)
    if not take(job.pk, worker_id, now=now):
        return 0
    return work(job.pk, worker_id)


def run_due(worker_id: str, *, now: dt.datetime | None = None) -> int | None:
    """Take and run one due job nobody holds; returns the rows written, or None if there
    was no job to take."""
    job_id = take_due(worker_id, now=now or timezone.now())
    if job_id is None:
        return None
    return work(job_id, worker_id, now=now)


class FanoutLoop(threading.Thread):
    """`townsquare worker` runs this beside the task queue (TOWNSQUARE_WORKER_LOOPS): take
    a due job nobody holds (a dead worker's, or one whose task has not run yet) and run it;
    look again every IDLE_SECONDS when there is none."""

    def __init__(self, worker_id: str | None = None) -> None:
        super().__init__(name="townsquare-fanout", daemon=True)
        self.worker_id = worker_id or default_worker_id()
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        pause = IDLE_SECONDS
        while not self._stop_event.is_set():
            try:
                close_old_connections()
                busy = run_due(self.worker_id) is not None
                pause = IDLE_SECONDS
            except Exception:  # the database went away, or a bug: the thread must live on
                # Nothing is lost: a job held stays leased and is taken over once it runs out.
                logger.exception("Fan-out failed; retrying in %.0f s.", pause)
                connections.close_all()
                busy, pause = False, min(pause * 2, MAX_PAUSE_SECONDS)
            if not busy:
                self._stop_event.wait(pause)
        connections.close_all()

    def run_until_idle(self) -> int:
        """`townsquare worker --batch`: run the due jobs in the calling thread."""
        total = 0
        while (written := run_due(self.worker_id)) is not None:
            total += written
        return total

