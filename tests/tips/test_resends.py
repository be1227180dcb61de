"""A tipster's reply sent twice (the thread page refreshed after sending, the button pressed
twice, an API request retried) is one message: the same text on the same tip within the
hour returns the first message. Another text, or the agency's own messages, are not held."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import as_user
from townsquare.tips import actions, selectors
from townsquare.tips.models import TipMessage, TipSearchToken

pytestmark = pytest.mark.django_db


def tipster_bodies() -> list[str]:
    return [m.body for m in TipMessage.objects.filter(sender="tipster").order_by("id")]


def test_the_same_reply_twice_in_the_hour_is_one_message(tips_world):
    sent = actions.submit_tip(agency=tips_world["police"], body="A grey van circles")
    first = actions.tipster_reply(sent.code, "Birch Street, near the park")
    tokens = TipSearchToken.objects.count()
    again = actions.tipster_reply(sent.code, "  Birch Street, near the park  ")
    assert again.pk == first.pk
    assert tipster_bodies() == ["Birch Street, near the park"]
    assert TipSearchToken.objects.count() == tokens
    actions.tipster_reply(sent.code, "It was a Tuesday")
    assert tipster_bodies() == ["Birch Street, near the park", "It was a Tuesday"]
    assert [m.body for m in selectors.thread_for_code(sent.code).messages] == [
        "Birch Street, near the park", "It was a Tuesday"]


def test_the_same_text_on_another_tip_or_from_the_agency_is_a_message(tips_world):
    police, staff = tips_world["police"], tips_world["users"]["tips"]
    one = actions.submit_tip(agency=police, body="A grey van circles")
    two = actions.submit_tip(agency=police, body="Tagging on Elm")
    actions.tipster_reply(one.code, "Thank you")
    actions.tipster_reply(two.code, "Thank you")
    actions.staff_reply(staff, one.tip, "Thank you")
    actions.staff_reply(staff, one.tip, "Thank you")
    assert list(TipMessage.objects.order_by("id").values_list("tip_id", "sender")) == [
        (one.tip.pk, "tipster"), (two.tip.pk, "tipster"), (one.tip.pk, "agency"),
        (one.tip.pk, "agency")]


def test_the_page_sent_twice_makes_one_message(tips_world):
    sent = actions.submit_tip(agency=tips_world["police"], body="A car circles at night")
    client = Client()
    form = {"action": "reply", "code": sent.code, "body": "Dark blue"}
    first, refreshed = client.post("/tips/", form), client.post("/tips/", form)
    assert (first.status_code, refreshed.status_code) == (200, 200)
    assert refreshed.content.decode().count("Dark blue") == 1
    assert tipster_bodies() == ["Dark blue"]


def test_the_api_retried_makes_one_message_with_the_same_answer(tips_world):
    sent = actions.submit_tip(agency=tips_world["police"], body="A car circles at night")
    api = as_user(None)
    path = f"/tips/{sent.code}/messages"
    first = api.post(path, {"body": "Dark blue"})
    retried = api.post(path, {"body": "Dark blue"})
    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json() == first.json()
    assert first.json()["body"] == "Dark blue" and first.json()["from"] == "tipster"
    assert tipster_bodies() == ["Dark blue"]
    assert api.post(path, {"body": "Navy, maybe"}).status_code == 201
    assert tipster_bodies() == ["Dark blue", "Navy, maybe"]
