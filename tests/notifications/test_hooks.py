"""Publishing, replying and posting enqueue the fan-out after commit; the worker runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.agencies.factories import publish
from townsquare.agencies import actions as agencies
from townsquare.notifications import actions
from townsquare.notifications.models import Delivery
from townsquare.posts import actions as posts

# The worker loop closes connections between tasks, which a test wrapped in a transaction
# does not survive (tests/cli/test_worker.py): these tests commit for real, so the
# on-commit hooks run as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def fan_out_jobs() -> list[tuple[str, dict, dt.datetime | None]]:
    return [(r.task_path.rsplit(".", 1)[1], r.args_kwargs["kwargs"], r.run_after)
            for r in DBTaskResult.objects.order_by("enqueued_at")]


def test_publishing_enqueues_one_fan_out_and_the_worker_runs_it(alder, publisher, police):
    resident = factories.make_resident(alder)
    post = publish(publisher, police, kind="alert", title="Evacuate", neighborhoods=["alder"])

    assert fan_out_jobs() == [("fan_out_agency_post", {"post_id": post.pk}, post.publish_at)]
    factories.run_worker()
    assert list(Delivery.objects.values_list("recipient_id", "channel", "state")) == [
        (resident.pk, "email", "queued")]


def test_a_scheduled_post_fans_out_at_its_time_and_follows_a_move(alder, publisher, police):
    factories.make_resident(alder)
    at = timezone.now() + dt.timedelta(hours=2)
    post = publish(publisher, police, kind="news", title="Later", neighborhoods=["alder"],
                   publish_at=at)
    agencies.update_agency_post(publisher, post, publish_at=at + dt.timedelta(hours=1))

    runs = [run for name, _kw, run in fan_out_jobs() if name == "fan_out_agency_post"]
    assert runs == [at, at + dt.timedelta(hours=1)]
    factories.run_worker()  # neither is due: nothing is written early
    assert Delivery.objects.count() == 0


def test_replies_and_posts_enqueue_their_fan_outs(alder):
    author = factories.make_resident(alder)
    neighbor = factories.make_resident(alder)
    actions.update_preferences(author, {"email_reply_to_me": True})
    post = factories.make_post(author, title="Lost cat")
    reply = posts.create_reply(neighbor, post, body="Seen her")

    assert [(n, kw) for n, kw, _run in fan_out_jobs()] == [
        ("fan_out_neighborhood_post", {"post_id": post.pk}),
        ("fan_out_reply", {"reply_id": reply.pk})]
    factories.run_worker()
    assert list(Delivery.objects.values_list("recipient_id", "kind")) == [
        (author.pk, "reply_to_me")]
