"""Every text of the tips pages is marked for translation: each GET row of the tips pages'
matrix, and the pages that answer a POST (the code shown once, the tipster's conversation,
a form shown again with its errors), read in the pseudo-language of
tests/web/test_translations.py."""

from __future__ import annotations

import re

import pytest

from tests.tips.test_pages_matrix import MATRIX
from tests.tips.test_pages_matrix import objects as tips_objects  # noqa: F401 (a fixture)
from tests.web.agency_helpers import ROLES
from tests.web.test_translations import (  # noqa: F401 (fixtures)
    _client,
    _read_matrix,
    _typed_by_the_test,
    _unmarked,
    pseudo,
    pseudo_locale,
)
from townsquare.tips import actions

pytestmark = pytest.mark.django_db

# What the tests typed: the tips, a reply, a tag.
TIP_TEXTS = ["Tagging behind the school", "A leak on Elm", "Thank you, which wall?", "graffiti"]


def _check(html: str, typed: list[str]) -> list[str]:
    return _unmarked(html, [*typed, *TIP_TEXTS, *_typed_by_the_test()])


def test_every_tips_page_of_the_matrix_is_marked_for_translation(pseudo, agency_roles,  # noqa: F811
                                                                 request):
    world = request.getfixturevalue("tips_objects")
    result = _read_matrix(MATRIX, world, ROLES, agency_roles)
    problems = {page: [text for text in texts if not any(t in text for t in TIP_TEXTS)]
                for page, texts in result["problems"].items()}
    assert {page: texts for page, texts in problems.items() if texts} == {}
    assert result["read"] == 10  # the HTML pages among its GET rows


def test_the_answers_to_the_tips_forms_are_marked_for_translation(pseudo, agency_roles,  # noqa: F811
                                                                  request):
    world = request.getfixturevalue("tips_objects")
    client = _client(None)
    sent = client.post("/agencies/testville-police/tip/", {"body": "A leak on Elm"})
    assert sent.status_code == 200
    errors = client.post("/agencies/testville-police/tip/", {"body": ""})
    assert errors.status_code == 400
    actions.staff_reply(agency_roles["tips"], actions.tip_by_code(world["code"]),
                        "Thank you, which wall?")
    thread = client.post("/tips/", {"code": world["code"]})
    wrong = client.post("/tips/", {"code": "nope"})
    resident = _client(agency_roles["resident_in"]).get("/agencies/testville-police/tip/")
    pages = {"sent": sent, "errors": errors, "thread": thread, "wrong code": wrong,
             "send as a resident": resident}
    code = re.search(r"data-tip-code>([^<]+)<", sent.content.decode())[1].strip()
    # The codes are typed, not text to translate.
    typed = [code, *(str(v) for v in world.values())]
    problems = {name: _check(response.content.decode(), typed)
                for name, response in pages.items()}
    assert {name: texts for name, texts in problems.items() if texts} == {}
