"""The hooks other apps call when something worth telling happens: posts and agencies reach
notifications through this module only (an import-linter contract in pyproject.toml holds
it; questions and tips call it too). Each only schedules the fan-out after the caller's transaction
commits (nothing is sent from a request, and a rolled-back action sends nothing), so
publishing stays constant-time in residents. An agency post's fan-out job row is written in
the caller's transaction itself (fanout_jobs.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from townsquare.notifications import fanout_jobs, tasks


def _supports_defer(job: Any) -> bool:
    return bool(job.get_backend().supports_defer)


def agency_post_published(post: Any) -> None:
    """A post was published or scheduled (or its time moved): fan out at its time. The
    fan-out's job row is written in the caller's transaction (a crash after the commit
    cannot lose it: any worker's fan-out loop takes it); the task starts it at once."""
    fanout_jobs.schedule(post)
    job = tasks.fan_out_agency_post
    publish_at = post.publish_at

    def enqueue() -> None:
        if _supports_defer(job):
            job.using(run_after=publish_at).enqueue(post_id=post.pk)
        else:
            job.enqueue(post_id=post.pk)  # the immediate backend: it checks the time itself

    transaction.on_commit(enqueue)


def reply_created(reply: Any) -> None:
    transaction.on_commit(lambda: tasks.fan_out_reply.enqueue(reply_id=reply.pk))


def neighborhood_post_created(post: Any) -> None:
    transaction.on_commit(lambda: tasks.fan_out_neighborhood_post.enqueue(post_id=post.pk))


def question_answered(question: Any) -> None:
    """An agency answered a question: its asker and voters are told (questions/actions.py)."""
    transaction.on_commit(
        lambda: tasks.fan_out_question_answered.enqueue(question_id=question.pk))


def outcome_posted(outcome: Any) -> None:
    """An agency posted what came of a request for information (tips/outcomes.py): the
    residents who replied to the request are told."""
    transaction.on_commit(lambda: tasks.fan_out_outcome.enqueue(outcome_id=outcome.pk))
