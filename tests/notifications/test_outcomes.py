"""Closing the loop: what came of a request for information reaches every resident who
replied to it, over real SMTP, by their settings; not those who did not reply, not a
reply taken back, not someone who turned it off."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.agencies.factories import publish
from tests.notifications.conftest import drain
from townsquare.agencies import actions as agencies
from townsquare.notifications import actions, tasks
from townsquare.notifications.models import Delivery
from townsquare.tips import outcomes


@pytest.fixture
def request_post(publisher, police):
    return publish(publisher, police, neighborhoods=["alder"], title="Graffiti on Alder Lane")


@pytest.fixture
def repliers(alder, request_post):
    people = [factories.make_resident(alder, name=f"Replier {i}") for i in range(3)]
    for person in people:
        agencies.reply_to_agency_post(person, request_post, body="I saw them at 2am")
    agencies.reply_to_agency_post(people[0], request_post, body="And again on Friday")
    return people


@pytest.mark.django_db
def test_every_replier_hears_what_came_of_it_once(smtp, alder, publisher, request_post,
                                                  repliers):
    silent = factories.make_resident(alder, name="Silent Neighbor")
    taken_back = factories.make_resident(alder, name="Taken Back")
    reply = agencies.reply_to_agency_post(taken_back, request_post, body="Oops")
    agencies.delete_agency_reply(taken_back, reply)
    actions.update_preferences(repliers[2], {"email_request_outcome": False})

    outcome = outcomes.post_outcome(publisher, request_post, "The tagging stopped & <ended>.")
    tasks.fan_out_outcome.call(outcome_id=outcome.pk)
    tasks.fan_out_outcome.call(outcome_id=outcome.pk)  # a repeated run writes nothing

    assert drain() == 2
    assert sorted(to for _s, (to,) in smtp.envelopes) == sorted(
        [repliers[0].email, repliers[1].email])
    assert {silent.email, taken_back.email, repliers[2].email}.isdisjoint(
        {to for _s, (to,) in smtp.envelopes})
    message = smtp.messages[0]
    assert message["Subject"] == ("What came of it: Graffiti on Alder Lane "
                                  "(Testville Police)")
    text = message.get_body(("plain",)).get_content()
    assert "The tagging stopped & <ended>." in text
    assert "you replied to this request from Testville Police" in text
    assert set(Delivery.objects.filter(outcome=outcome).values_list("kind", flat=True)) == {
        "request_outcome"}


@pytest.mark.django_db
def test_a_withdrawn_request_sends_nothing(smtp, publisher, request_post, repliers):
    outcome = outcomes.post_outcome(publisher, request_post, "An arrest was made.")
    tasks.fan_out_outcome.call(outcome_id=outcome.pk)
    agencies.withdraw_agency_post(publisher, request_post)

    drain()

    assert smtp.envelopes == []


@pytest.mark.django_db(transaction=True)
def test_posting_an_outcome_enqueues_its_delivery_after_commit(publisher, request_post,
                                                               repliers):
    outcome = outcomes.post_outcome(publisher, request_post, "An arrest was made.")

    jobs = [(r.task_path.rsplit(".", 1)[1], r.args_kwargs["kwargs"])
            for r in DBTaskResult.objects.filter(task_path__endswith="fan_out_outcome")]
    assert jobs == [("fan_out_outcome", {"outcome_id": outcome.pk})]
    factories.run_worker()
    assert sorted(Delivery.objects.filter(outcome=outcome, channel="email")
                  .values_list("recipient_id", flat=True)) == sorted(p.pk for p in repliers)
