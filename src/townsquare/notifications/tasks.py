"""Background jobs of the notifications app: the fan-outs. Each is idempotent (the delivery
rows' unique keys with ON CONFLICT DO NOTHING), so a run repeated after a crash, or by the
task lease (core/tasks_recovery.py), writes nothing twice. Deadline: well under the task
lease; a city-wide fan-out of 1,000,000 residents takes seconds (docs/performance.md). An
agency post's fan-out does not wait for the task lease after a crash: it goes in leased
steps that another worker takes over within seconds (fanout_jobs.py).
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from townsquare.agencies.models import AgencyPost
from townsquare.notifications import fanout, fanout_jobs
from townsquare.posts.models import Post, Reply
from townsquare.questions.models import Question
from townsquare.tips.models import Outcome

logger = logging.getLogger("townsquare.notifications")


@task()
def fan_out_agency_post(post_id: int) -> int:
    """Start the fan-out of a published agency post (fanout_jobs.py): take its job and
    write its delivery rows in small leased steps. A scheduled post's task runs at its time;
    if the time moved later meanwhile, this run does nothing and the job waits for the new
    time. Withdrawn or expired posts get no rows. If another worker holds the job, or it is
    done, this run does nothing: a worker that dies mid-way is taken over by another
    worker's fan-out loop within TOWNSQUARE_FANOUT_LEASE_SECONDS, not after the task lease.
    """
    post = AgencyPost.objects.select_related("agency").filter(pk=post_id).first()
    now = timezone.now()
    if post is None or post.publish_at > now or not post.is_live(now):
        return 0
    written = fanout_jobs.run_post(post)
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


@task()
def fan_out_question_answered(question_id: int) -> int:
    """Tell a question's asker and its voters that the agency answered (by their settings).
    A question hidden or not answered by now gets no rows."""
    question = Question.objects.filter(pk=question_id).first()
    if question is None or question.hidden_at is not None or question.status != "answered":
        return 0
    return fanout.question_answered(question.pk, question.asker_id, now=timezone.now())


@task()
def fan_out_outcome(outcome_id: int) -> int:
    """Tell the residents who replied to a request for information what came of it."""
    found = Outcome.objects.filter(pk=outcome_id).first()
    if found is None:
        return 0
    return fanout.outcome(found.pk, found.agency_post_id, now=timezone.now())
