from __future__ import annotations

from django.db import models
from django.db.models import Q


class FanoutJob(models.Model):
    """The progress of one agency post's fan-out, worked in small leased steps.

    Written with the post (in the publishing transaction, so no crash can lose it); a
    worker leases it for `TOWNSQUARE_FANOUT_LEASE_SECONDS`, writes the delivery rows of the
    next few thousand recipients, and in the same transaction moves the cursor on and
    renews the lease (the heartbeat). A worker that dies stops renewing; once `leased_until`
    has passed another worker takes the job over and resumes at the cursor. A step repeated
    writes nothing twice (the delivery keys). docs/notifications.md, docs/adr/0002.
    """

    agency_post = models.OneToOneField("agencies.AgencyPost", on_delete=models.CASCADE,
                                       related_name="+")
    # Lower is taken first (the kind's delivery priority: urgent alerts first).
    priority = models.PositiveSmallIntegerField(default=2)
    # Not before the post's publication time (a scheduled post, or a moved time).
    run_after = models.DateTimeField()
    # The cursor: the targeted neighborhood being written (0: the first one; always 0 for
    # a practice post, whose one group is the agency's staff) and the last recipient (user
    # id) whose rows are in, in that neighborhood.
    neighborhood_id = models.BigIntegerField(default=0)
    after_recipient_id = models.BigIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    leased_by = models.CharField(max_length=100, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Claims that took the job over from a worker whose lease had run out.
    takeovers = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The loop's look for work: unfinished jobs only, however many posts there are.
            models.Index(fields=["priority", "run_after", "id"], name="fanout_job_open",
                         condition=Q(finished_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"fan-out of agency post #{self.agency_post_id}"
