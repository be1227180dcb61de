"""An answer reaches the asker and everyone who upvoted, over real SMTP, by their settings;
nobody else, and nobody who turned it off. The hook runs after commit (a test that commits)."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.notifications.conftest import drain, smtp  # noqa: F401 (fixture)
from tests.questions.conftest import ask
from townsquare.notifications import actions as notifications
from townsquare.notifications import tasks
from townsquare.notifications.models import Delivery
from townsquare.questions import actions


@pytest.fixture
def voters(police_local, city):
    return [factories.make_resident(factories.nbhd(city, name), name=f"Voter {name}")
            for name in ("Alder", "Birch")]


def answered(agency_roles, police_local, voters, body="The fire station moved."):
    question = ask(agency_roles["resident_in"], police_local, title="Sirens at night?")
    for voter in voters:
        actions.vote(voter, question)
    actions.answer(agency_roles["publisher"], question, body=body)
    tasks.fan_out_question_answered.call(question_id=question.pk)
    return question


@pytest.mark.django_db
def test_the_asker_and_the_voters_get_the_answer_by_email(smtp, agency_roles,  # noqa: F811
                                                          police_local, voters, city):
    bystander = factories.make_resident(factories.nbhd(city, "Alder"), name="Bystander")
    question = answered(agency_roles, police_local, voters, body="Fire <station> & more.")

    assert drain() == 3

    expected = sorted([agency_roles["resident_in"].email, *(v.email for v in voters)])
    assert sorted(to for _sender, (to,) in smtp.envelopes) == expected
    assert bystander.email not in {to for _s, (to,) in smtp.envelopes}
    message = smtp.messages[0]
    assert message["Subject"] == "Testville Police answered: Sirens at night?"
    text = message.get_body(("plain",)).get_content()
    assert "Fire <station> & more." in text
    assert f"/agencies/testville-police/questions/{question.pk}/" in text
    assert "you asked or upvoted this question to Testville Police" in text
    html = message.get_body(("html",)).get_content()
    assert "Fire &lt;station&gt; &amp; more." in html
    assert set(Delivery.objects.filter(question=question).values_list("kind", flat=True)) == {
        "question_answered"}


@pytest.mark.django_db
def test_someone_who_turned_answers_off_gets_none(smtp, agency_roles, police_local,  # noqa: F811
                                                  voters):
    notifications.update_preferences(voters[0], {"email_question_answered": False})

    answered(agency_roles, police_local, voters)

    assert drain() == 2
    assert voters[0].email not in {to for _s, (to,) in smtp.envelopes}


@pytest.mark.django_db
def test_a_question_hidden_before_sending_goes_to_nobody(smtp, agency_roles,  # noqa: F811
                                                         police_local, voters):
    question = answered(agency_roles, police_local, voters)
    actions.hide(agency_roles["tips"], question)

    drain()

    assert smtp.envelopes == []
    assert set(Delivery.objects.filter(question=question).values_list("state", flat=True)) == {
        "skipped"}


@pytest.mark.django_db
def test_answering_again_writes_no_second_message(agency_roles, police_local, voters):
    question = answered(agency_roles, police_local, voters)
    tasks.fan_out_question_answered.call(question_id=question.pk)  # a repeated run
    actions.answer(agency_roles["admin"], question, body="Corrected.")

    assert Delivery.objects.filter(question=question, channel="email").count() == 3


@pytest.mark.django_db(transaction=True)
def test_answering_enqueues_the_fan_out_after_commit(agency_roles, police_local, voters):
    question = ask(agency_roles["resident_in"], police_local)
    actions.vote(voters[0], question)
    actions.answer(agency_roles["publisher"], question, body="Yes.")

    jobs = [(r.task_path.rsplit(".", 1)[1], r.args_kwargs["kwargs"])
            for r in DBTaskResult.objects.all()]
    assert jobs == [("fan_out_question_answered", {"question_id": question.pk})]
    factories.run_worker()
    assert sorted(Delivery.objects.values_list("recipient_id", "channel")) == sorted([
        (agency_roles["resident_in"].pk, "email"), (voters[0].pk, "email")])
