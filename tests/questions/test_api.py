"""The questions endpoints as the contract writes them (docs/api.md, api-v1-core.md)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import ApiClient, as_user
from townsquare.questions.models import Question

pytestmark = pytest.mark.django_db
PATH = "/agencies/testville-police/questions"


def test_ask_list_vote_answer_as_the_contract_says(agency_roles, police_local, city):
    asker = as_user(agency_roles["resident_in"])
    created = asker.post(PATH, {"title": "Sirens at night?", "body": "Around 2am <every> night."})
    assert created.status_code == 201
    qid = created.json()["id"]
    assert created.json() == {"id": qid}

    neighbor = as_user(factories.make_resident(factories.nbhd(city, "Birch"), name="Bea"))
    assert neighbor.post(f"{PATH}/{qid}/vote").json() == {"voted": True, "votes": 1}
    assert neighbor.post(f"{PATH}/{qid}/vote").json() == {"voted": True, "votes": 1}
    answered = as_user(agency_roles["publisher"]).post(f"{PATH}/{qid}/answer",
                                                       {"body": "The fire station."})
    assert answered.status_code == 200

    listed = neighbor.get(PATH)
    assert listed.status_code == 200
    body = listed.json()
    assert body["next"] is None
    [item] = body["items"]
    assert {k: item[k] for k in ("id", "title", "body", "status", "answer", "votes", "voted",
                                 "asker")} == {
        "id": qid, "title": "Sirens at night?", "body": "Around 2am <every> night.",
        "status": "answered", "answer": "The fire station.", "votes": 1, "voted": True,
        "asker": {"display_name": "Ina Inside", "neighborhood": "Alder"}}
    assert "\\u003cevery\\u003e" in listed.content.decode()


def test_open_questions_have_no_answer_and_pages_follow_the_cursor(agency_roles, police_local):
    client = as_user(agency_roles["resident_in"])
    ids = [client.post(PATH, {"title": f"Q{i}", "body": "?"}).json()["id"] for i in range(3)]

    first = client.get(PATH, limit=2).json()
    second = client.get(PATH, limit=2, cursor=first["next"]).json()

    assert [q["id"] for q in first["items"] + second["items"]] == ids[::-1]
    assert second["next"] is None
    assert {q["answer"] for q in first["items"]} == {None}


def test_bad_input_and_unknown_things(agency_roles, police_local):
    client = as_user(agency_roles["resident_in"])
    bad = client.post(PATH, {"title": "", "body": "x" * 3001})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"title", "body"}
    assert client.post("/agencies/nowhere/questions", {"title": "a", "body": "b"}
                       ).status_code == 404
    assert client.get(f"{PATH}/999999").status_code == 404
    assert as_user(agency_roles["admin"]).post(f"{PATH}/999999/answer", {"body": "x"}
                                               ).status_code == 404
    assert ApiClient().get("/agencies/nowhere/questions").status_code == 401
    assert Question.objects.count() == 0


def test_a_profiling_question_is_refused(agency_roles, police_local):
    response = as_user(agency_roles["resident_in"]).post(
        PATH, {"title": "Black guy on my street", "body": "Should I worry?"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["title"]
    assert Question.objects.count() == 0


def test_a_hidden_question_leaves_the_neighbors_list(agency_roles, police_local, city):
    qid = as_user(agency_roles["resident_in"]).post(PATH, {"title": "Rude", "body": "?"}
                                                    ).json()["id"]
    assert as_user(agency_roles["tips"]).post(f"{PATH}/{qid}/hide").status_code == 200
    neighbor = as_user(factories.make_resident(factories.nbhd(city, "Alder"), name="Ned"))

    assert neighbor.get(PATH).json()["items"] == []
    assert neighbor.get(f"{PATH}/{qid}").status_code == 404
    own = as_user(agency_roles["resident_in"]).get(PATH).json()["items"]
    assert [(q["id"], q["hidden"]) for q in own] == [(qid, True)]
    assert as_user(agency_roles["admin"]).post(f"{PATH}/{qid}/answer", {"body": "x"}
                                               ).status_code == 409
