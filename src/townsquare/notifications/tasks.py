"""Background jobs of the notifications app: the fan-outs. Each is idempotent (the delivery
rows' unique keys with ON CONFLICT DO NOTHING), so a run repeated after a crash, or by the
task lease (core/tasks_recovery.py), writes nothing twice. Deadline: well under the task
lease; a city-wide fan-out of 1,000,000 residents takes seconds (docs/performance.md).
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from townsquare.agencies.models import AgencyPost, AgencyPostTarget
from townsquare.notifications import fanout
from townsquare.posts.models import Post, Reply

logger = logging.getLogger("townsquare.notifications")


@task()
def fan_out_agency_post(post_id: int) -> int:
    """Write the delivery rows of a published agency post. A scheduled post's job runs at
    its time; if the time moved later meanwhile, this run does nothing and the job enqueued
    for the new time does the work. Withdrawn or expired posts get no rows."""
    post = AgencyPost.objects.select_related("agency").filter(pk=post_id).first()
    now = timezone.now()
    if post is None or post.publish_at > now or not post.is_live(now):
        return 0
    targets = list(AgencyPostTarget.objects.filter(post=post).order_by("neighborhood_id")
                   .values_list("neighborhood_id", flat=True))
    written = fanout.agency_post(post, targets, now=now)
    logger.info("Fan-out of agency post %d: %d delivery rows.", post_id, written)
    return written


@task()
def fan_out_reply(reply_id: int) -> int:
    """Tell a post's author about a reply (by their settings)."""
    reply = Reply.objects.select_related("post__author", "author").filter(pk=reply_id).first()
    if reply is None or not reply.is_live:
        return 0
    return fanout.reply(reply.pk, reply.post.author.user_id, reply.author.user_id,
                        now=timezone.now())


@task()
def fan_out_neighborhood_post(post_id: int) -> int:
    """Tell the neighbors who want each new post about it (by their settings)."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None or not post.is_live:
        return 0
    return fanout.neighborhood_post(post.pk, post.neighborhood_id, post.author.user_id,
                                    now=timezone.now())
