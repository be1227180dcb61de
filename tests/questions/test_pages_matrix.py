"""Who may open the questions pages: every page x every role, with the exact status and a query
budget (tests/web/matrix.py). PAGES lists the page paths of the rows; the completeness check
in tests/web/test_access.py reads it.

Roles as in tests/web/test_agency_pages.py: (anonymous, unverified, resident_in,
resident_out, admin, publisher, tips, other_staff, operator). Testville Police serves Alder
and Birch here: resident_out (Ironwood) is outside. The residents' pages are for residents
of the jurisdiction and the agency's staff (403 for other callers, 404 for a question they
may not see); the FAQ is public; the queue is the agency's staff's (and operators')."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.questions.conftest import ask
from tests.web.agency_helpers import ROLES, signed_in, text
from tests.web.matrix import Page, check_row
from townsquare.questions import actions

A = "/agencies/testville-police"
P = "/agency/testville-police"
MATRIX = {
    f"{A}/questions/":                  Page([302, 403, 200, 403, 200, 200, 200, 403, 200], 14),
    f"{A}/questions/{{question}}/":     Page([302, 404, 200, 404, 200, 200, 200, 404, 200], 13),
    f"{A}/questions/999999/":           Page([302, 404, 404, 404, 404, 404, 404, 404, 404], 11),
    f"{A}/faq/":                        Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 9),
    "/agencies/no-such-agency/faq/":    Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    f"{P}/questions/":                  Page([302, 403, 403, 403, 200, 200, 200, 403, 200], 16),
}
# Forms sent by every role in turn.
POSTS = {
    f"{A}/questions/#ask":              Page([302, 403, 302, 403, 403, 403, 403, 403, 403], 16,
                                             "post", {"title": "Fireworks?", "body": "Why?"}),
    f"{A}/questions/{{question}}/vote/":
                                        Page([302, 404, 302, 404, 403, 403, 403, 404, 403], 15,
                                             "post", {}),
    f"{P}/questions/{{question}}/#answer":
                                        Page([302, 403, 403, 403, 302, 302, 403, 403, 403], 16,
                                             "post", {"action": "answer", "body": "Soon."}),
}
PAGES: list[str] = [*MATRIX, *POSTS]


@pytest.fixture
def objects(agency_roles, police_local, city):
    asker = factories.make_resident(factories.nbhd(city, "Birch"), name="Bea Birch")
    question = ask(asker, police_local)
    answered = ask(asker, police_local, title="Speed bumps?")
    actions.answer(agency_roles["admin"], answered, body="In spring.")
    actions.set_pinned(agency_roles["admin"], answered, pinned=True)
    return {"question": question.pk}


@pytest.mark.parametrize("page", list(MATRIX))
def test_page_status_per_role(page, agency_roles, objects):
    check_row(page, MATRIX[page], objects, ROLES, lambda role: signed_in(agency_roles[role]))


@pytest.mark.parametrize("page", list(POSTS))
def test_form_status_per_role(page, agency_roles, objects):
    check_row(page.split("#")[0], POSTS[page], objects, ROLES,
              lambda role: signed_in(agency_roles[role]))


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_queue_and_the_list_make_as_many_queries_with_30_questions_as_with_3(
        agency_roles, police_local, city):
    voter = factories.make_resident(factories.nbhd(city, "Birch"), name="Vic Voter")
    staff, resident = signed_in(agency_roles["admin"]), signed_in(agency_roles["resident_in"])

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            asker = factories.make_resident(factories.nbhd(city, "Alder"), name=f"Asker {n}")
            question = ask(asker, police_local, title=f"Question {n}")
            actions.vote(voter, question)
            if n % 3 == 0:
                actions.answer(agency_roles["admin"], question, body=f"Answer {n}")

    add(3, 0)
    counts = (_queries(staff, f"{P}/questions/"), _queries(resident, f"{A}/questions/"),
              _queries(resident, f"{A}/faq/"))
    add(27, 3)
    assert (_queries(staff, f"{P}/questions/"), _queries(resident, f"{A}/questions/"),
            _queries(resident, f"{A}/faq/")) == counts


def test_the_staff_queue_shows_askers_by_name_and_neighborhood_only(agency_roles,
                                                                    police_local, city):
    asker = factories.make_resident(factories.nbhd(city, "Birch"), name="Bea Birch")
    ask(asker, police_local, title="Sirens at night?")

    page = text(signed_in(agency_roles["tips"]).get(f"{P}/questions/"))

    assert "Sirens at night?" in page and "Bea Birch" in page and "Birch" in page
    assert asker.email not in page
    assert asker.resident.street not in page or not asker.resident.street
    assert asker.resident.home_address not in page or not asker.resident.home_address


def test_asking_voting_and_answering_in_the_browser(agency_roles, police_local):
    resident = signed_in(agency_roles["resident_in"])
    response = resident.post(f"{A}/questions/", {"title": "Sirens?", "body": "At 2am."})
    assert response.status_code == 302
    qid = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    resident.post(f"{A}/questions/{qid}/vote/", {})
    assert "1 vote" in text(resident.get(f"{A}/questions/{qid}/"))

    admin = signed_in(agency_roles["admin"])
    assert "Sirens?" in text(admin.get(f"{P}/questions/"))
    admin.post(f"{P}/questions/{qid}/", {"action": "answer", "body": "The fire station."})
    admin.post(f"{P}/questions/{qid}/", {"action": "pin"})

    assert "The fire station." in text(resident.get(f"{A}/questions/{qid}/"))
    assert "The fire station." in text(signed_in(None).get(f"{A}/faq/"))


def test_a_profiling_question_comes_back_with_the_warning(agency_roles, police_local):
    response = signed_in(agency_roles["resident_in"]).post(
        f"{A}/questions/", {"title": "Black guy on our street", "body": "Should I worry?"})
    assert response.status_code == 400
    assert "Race alone is not a description" in text(response)
