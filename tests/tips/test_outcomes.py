"""Closing the loop: an outcome posted on a request for information reaches the thread of
every tip on it (read with the code) and the staff's tip pages; only the agency's
publishers and admins post one, on a request for information only; it is audited."""

from __future__ import annotations

import pytest

from tests.agencies.factories import publish
from tests.web.agency_helpers import signed_in, text
from townsquare.core.errors import Forbidden, Invalid
from townsquare.core.models import AuditLog
from townsquare.tips import actions, outcomes, selectors
from townsquare.tips.models import Outcome

pytestmark = pytest.mark.django_db


def test_an_outcome_reaches_every_tip_on_the_post_and_no_other(tips_world):
    users, police, post = tips_world["users"], tips_world["police"], tips_world["post"]
    on_post = [actions.submit_tip(agency=police, body=f"Seen it {n}", agency_post=post,
                                  client_address=f"198.51.100.{n}") for n in range(2)]
    elsewhere = actions.submit_tip(agency=police, body="Unrelated")
    outcome = outcomes.post_outcome(users["publisher"], post, "  An arrest was made.  ")
    assert (outcome.body, outcome.author.user_id) == ("An arrest was made.",
                                                      users["publisher"].pk)
    for sent in on_post:
        thread = selectors.thread_for_code(sent.code)
        assert [(m.sender, m.body, m.outcome) for m in thread.messages] == [
            ("agency", "An arrest was made.", True)]
    assert selectors.thread_for_code(elsewhere.code).messages == []
    entry = AuditLog.objects.get(action="agency_post.outcome")
    assert (entry.actor_id, entry.target_id, entry.data, entry.agency_id) == (
        users["publisher"].pk, str(post.pk), {"outcome": outcome.pk}, police.pk)


def test_the_tipster_reads_the_outcome_with_the_code_in_the_browser(tips_world):
    users, post = tips_world["users"], tips_world["post"]
    sent = actions.submit_tip(agency=tips_world["police"], body="Tags on 5th",
                              agency_post=post)
    response = signed_in(users["admin"]).post(
        f"/agency/testville-police/posts/{post.pk}/outcome/", {"body": "The tagging stopped."})
    assert response.status_code == 302
    assert response["Location"] == f"/agency/testville-police/posts/{post.pk}/#outcome"
    from django.test import Client
    page = text(Client().post("/tips/", {"code": sent.code}))
    assert "The tagging stopped." in page
    assert "Outcome of the request" in page
    staff_page = text(signed_in(users["tips"]).get(
        f"/agency/testville-police/tips/{sent.tip.pk}/"))
    assert "The tagging stopped." in staff_page


def test_the_outcome_form_is_on_a_request_for_information_for_its_publishers(tips_world):
    users, post = tips_world["users"], tips_world["post"]
    url = f"/agency/testville-police/posts/{post.pk}/"
    assert 'id="outcome-body"' in text(signed_in(users["publisher"]).get(url))
    assert 'id="outcome-body"' not in text(signed_in(users["tips"]).get(url))
    alert = publish(users["publisher"], tips_world["police"], kind="alert", title="Road closed",
                    neighborhoods=["alder"])
    assert 'id="outcome-body"' not in text(signed_in(users["publisher"]).get(
        f"/agency/testville-police/posts/{alert.pk}/"))


def test_only_publishers_and_admins_post_an_outcome_on_a_request(tips_world):
    users, police, post = tips_world["users"], tips_world["police"], tips_world["post"]
    with pytest.raises(Forbidden):
        outcomes.post_outcome(users["tips"], post, "Done")
    with pytest.raises(Forbidden):
        outcomes.post_outcome(users["other_staff"], post, "Done")
    alert = publish(users["publisher"], police, kind="alert", title="Road closed",
                    neighborhoods=["alder"])
    with pytest.raises(Invalid):
        outcomes.post_outcome(users["publisher"], alert, "Done")
    with pytest.raises(Invalid) as empty:
        outcomes.post_outcome(users["publisher"], post, "   ")
    assert empty.value.fields == {"body": ["This field is required."]}
    assert (Outcome.objects.count(), AuditLog.objects.filter(
        action="agency_post.outcome").count()) == (0, 0)


def test_an_empty_outcome_from_the_page_is_a_message_and_nothing_is_stored(tips_world):
    post = tips_world["post"]
    client = signed_in(tips_world["users"]["publisher"])
    response = client.post(f"/agency/testville-police/posts/{post.pk}/outcome/", {"body": ""},
                           follow=True)
    assert "Write what came of the request." in text(response)
    assert Outcome.objects.count() == 0



def test_the_delivery_to_those_who_replied_is_queued_after_the_commit(
        tips_world, django_capture_on_commit_callbacks):
    """post_outcome hands the outcome to notifications.hooks.outcome_posted; the delivery
    itself is tested in tests/notifications/test_outcomes.py."""
    from django_tasks_db.models import DBTaskResult

    users, post = tips_world["users"], tips_world["post"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = outcomes.post_outcome(users["publisher"], post, "An arrest was made.")
    assert (len(callbacks), DBTaskResult.objects.count()) == (1, 0)  # nothing before the commit
    callbacks[0]()
    queued = DBTaskResult.objects.get(task_path__endswith="fan_out_outcome")
    assert queued.args_kwargs["kwargs"] == {"outcome_id": outcome.pk}
