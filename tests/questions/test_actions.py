"""Asking, voting, answering, the FAQ and hiding, through the real actions."""

from __future__ import annotations

import pytest

from tests import factories
from tests.agencies.factories import make_staff
from tests.questions.conftest import ask
from townsquare.core.errors import Conflict, Forbidden, Invalid, NotFound
from townsquare.core.models import AuditLog
from townsquare.questions import actions, selectors
from townsquare.questions.models import Question, Vote

pytestmark = pytest.mark.django_db


def test_a_verified_resident_of_the_jurisdiction_asks(agency_roles, police_local):
    question = ask(agency_roles["resident_in"], police_local, title="  Sirens?  ",
                   body="Every night.\x00")

    stored = Question.objects.get()
    assert (stored.pk, stored.title, stored.body, stored.status, stored.votes) == (
        question.pk, "Sirens?", "Every night.", "open", 0)
    assert stored.neighborhood.name == "Alder"
    assert stored.asker.user == agency_roles["resident_in"]


@pytest.mark.parametrize("role", ["unverified", "resident_out", "admin", "publisher", "tips",
                                  "other_staff", "operator"])
def test_nobody_else_asks(agency_roles, police_local, role):
    with pytest.raises(Forbidden):
        ask(agency_roles[role], police_local)
    assert Question.objects.count() == 0


def test_empty_and_oversized_questions_are_refused_per_field(agency_roles, police_local):
    with pytest.raises(Invalid) as caught:
        ask(agency_roles["resident_in"], police_local, title="", body="x" * 3001)
    assert caught.value.fields == {"title": ["This field is required."],
                                   "body": ["At most 3000 characters."]}
    assert Question.objects.count() == 0


@pytest.mark.parametrize(("field", "text"), [
    ("title", "Black guy checking car doors?"),
    ("body", "Is anyone looking into the hispanic teens hanging around?"),
])
def test_the_profiling_guard_of_posts_applies(agency_roles, police_local, field, text):
    fields = {"title": "A question", "body": "About the neighborhood.", field: text}

    with pytest.raises(Invalid) as caught:
        ask(agency_roles["resident_in"], police_local, **fields)

    assert list(caught.value.fields) == [field]
    assert caught.value.detail.startswith("Race alone is not a description.")
    assert Question.objects.count() == 0


def test_a_white_kids_bike_is_not_a_person(agency_roles, police_local):
    ask(agency_roles["resident_in"], police_local, title="Stolen white kids bike",
        body="Taken from a porch.")
    assert Question.objects.count() == 1


def test_votes_are_counted_once_and_taken_back(agency_roles, police_local, city):
    question = ask(agency_roles["resident_in"], police_local)
    birch = factories.make_resident(factories.nbhd(city, "Birch"), name="Bea Birch")

    assert actions.vote(birch, question) is True
    assert actions.vote(birch, question) is False
    assert actions.vote(agency_roles["resident_in"], question) is True
    assert Question.objects.get().votes == 2 == Vote.objects.count()
    assert actions.unvote(birch, question) is True
    assert actions.unvote(birch, question) is False
    assert Question.objects.get().votes == 1


@pytest.mark.parametrize("role", ["unverified", "resident_out", "admin", "tips", "operator"])
def test_only_residents_of_the_jurisdiction_vote(agency_roles, police_local, role):
    question = ask(agency_roles["resident_in"], police_local)
    with pytest.raises(Forbidden):
        actions.vote(agency_roles[role], question)
    assert Question.objects.get().votes == 0


def test_publishers_and_admins_answer_and_the_tips_desk_does_not(agency_roles, police_local):
    question = ask(agency_roles["resident_in"], police_local)
    with pytest.raises(Forbidden):
        actions.answer(agency_roles["tips"], question, body="No.")
    with pytest.raises(Forbidden):
        actions.answer(agency_roles["other_staff"], question, body="No.")

    answered = actions.answer(agency_roles["publisher"], question, body="  Fire station. ")

    assert (answered.status, answered.answer, answered.answered_by.user) == (
        "answered", "Fire station.", agency_roles["publisher"])
    assert answered.answered_at is not None
    assert list(AuditLog.objects.filter(action="questions.answered")
                .values_list("actor", "target_id", "agency_id")) == [
        (agency_roles["publisher"].pk, str(question.pk), police_local.pk)]


def test_voting_closes_with_the_answer(agency_roles, police_local):
    question = ask(agency_roles["resident_in"], police_local)
    actions.answer(agency_roles["admin"], question, body="Fire station.")
    with pytest.raises(Forbidden):
        actions.vote(agency_roles["resident_in"], question)


def test_the_queue_is_by_votes_then_age_and_leaves_out_answered_and_hidden(
        agency_roles, police_local, city):
    first = ask(agency_roles["resident_in"], police_local, title="First")
    second = ask(agency_roles["resident_in"], police_local, title="Second")
    third = ask(agency_roles["resident_in"], police_local, title="Third")
    answered = ask(agency_roles["resident_in"], police_local, title="Answered")
    hidden = ask(agency_roles["resident_in"], police_local, title="Hidden")
    actions.vote(factories.make_resident(factories.nbhd(city, "Birch")), third)
    actions.answer(agency_roles["admin"], answered, body="Yes.")
    actions.hide(agency_roles["tips"], hidden)

    queue = selectors.queue(agency_roles["publisher"], police_local)

    assert [q.title for q in queue] == ["Third", "First", "Second"]
    assert {first.pk, second.pk} < {q.pk for q in queue}


def test_who_sees_the_list(agency_roles, police_local):
    ask(agency_roles["resident_in"], police_local)
    for role in ("resident_in", "admin", "publisher", "tips", "operator"):
        assert len(selectors.for_residents(agency_roles[role], police_local)) == 1
    for role in ("anonymous", "unverified", "resident_out", "other_staff"):
        with pytest.raises(Forbidden):
            selectors.for_residents(agency_roles[role], police_local)


def test_a_hidden_question_is_gone_for_neighbors_and_stays_for_its_asker_and_staff(
        agency_roles, police_local, city):
    question = ask(agency_roles["resident_in"], police_local)
    actions.answer(agency_roles["admin"], question, body="Fire station.")
    actions.set_pinned(agency_roles["admin"], question, pinned=True)
    neighbor = factories.make_resident(factories.nbhd(city, "Alder"), name="Ned Neighbor")

    hidden = actions.hide(agency_roles["tips"], question, note="abusive")

    assert hidden.hidden_at is not None and hidden.pinned_to_faq is False
    assert selectors.for_residents(neighbor, police_local) == []
    assert selectors.faq(police_local) == []
    with pytest.raises(NotFound):
        selectors.get_question(neighbor, police_local, question.pk)
    assert [q.pk for q in selectors.for_residents(agency_roles["resident_in"], police_local)
            ] == [question.pk]
    assert [q.pk for q in selectors.for_residents(agency_roles["admin"], police_local)] == [
        question.pk]
    with pytest.raises(Conflict):
        actions.hide(agency_roles["admin"], question)
    assert AuditLog.objects.filter(action="questions.hidden").count() == 1


def test_who_hides(agency_roles, police_local, city):
    question = ask(agency_roles["resident_in"], police_local)
    for role in ("publisher", "other_staff", "resident_in"):
        with pytest.raises(Forbidden):
            actions.hide(agency_roles[role], question)
    lead = factories.make_resident(factories.nbhd(city, "Alder"), lead=True, name="Lee Lead")
    actions.hide(lead, question)
    actions.unhide(agency_roles["admin"], question)
    actions.hide(agency_roles["operator"], question)
    assert Question.objects.get().hidden_at is not None


def test_only_answered_questions_go_on_the_faq(agency_roles, police_local):
    question = ask(agency_roles["resident_in"], police_local)
    with pytest.raises(Conflict):
        actions.set_pinned(agency_roles["admin"], question, pinned=True)
    actions.answer(agency_roles["admin"], question, body="Fire station.")
    with pytest.raises(Forbidden):
        actions.set_pinned(agency_roles["tips"], question, pinned=True)

    actions.set_pinned(agency_roles["publisher"], question, pinned=True)
    assert [q.pk for q in selectors.faq(police_local)] == [question.pk]
    actions.set_pinned(agency_roles["publisher"], question, pinned=False)
    assert selectors.faq(police_local) == []


def test_staff_of_a_new_agency_see_nothing_of_another(agency_roles, police_local, water):
    ask(agency_roles["resident_in"], police_local)
    water_publisher = make_staff(water, "publisher", "Wes Water")
    with pytest.raises(Forbidden):
        selectors.queue(water_publisher, police_local)
