"""Who may call the questions endpoints: every endpoint x every role, with the exact status of
each cell. COVERED lists the (method, OpenAPI path) pairs this matrix covers; the
completeness check in tests/agencies/test_authorization_matrix.py reads it.

The world: Testville Police serving Alder and Birch (resident_out lives in Ironwood,
outside), a question from resident_in (Alder) answered by the admin, so that pinning can be
tried. Every cell checks the error shape, and that no response holds a resident's email,
street or home address: the asker is a display name and a neighborhood."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import ApiClient, as_user, make_resident_at_address
from tests.api.test_authorization_matrix import assert_no_home_leaks
from tests.questions.conftest import ask
from townsquare.questions import actions

ROLES = ["anonymous", "unverified", "resident_in", "resident_out", "admin", "publisher",
         "tips", "other_staff", "operator"]
AGENCY = "/agencies/testville-police/questions"


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    cells: list[int]
    body: dict[str, Any] | None = None


ROWS = [
    Row("POST", AGENCY, [401, 403, 201, 403, 403, 403, 403, 403, 403],
        {"title": "Fireworks?", "body": "Every night on Birch Street."}),
    Row("GET", AGENCY, [401, 403, 200, 403, 200, 200, 200, 403, 200]),
    Row("GET", AGENCY + "/{id}", [401, 404, 200, 404, 200, 200, 200, 404, 200]),
    Row("POST", AGENCY + "/{id}/answer", [401, 404, 403, 404, 200, 200, 403, 404, 403],
        {"body": "We are looking into it."}),
    Row("POST", AGENCY + "/{id}/vote", [401, 404, 403, 404, 403, 403, 403, 404, 403]),
    Row("POST", AGENCY + "/{open}/vote", [401, 404, 200, 404, 403, 403, 403, 404, 403]),
    Row("DELETE", AGENCY + "/{open}/vote", [401, 404, 200, 404, 403, 403, 403, 404, 403]),
    Row("POST", AGENCY + "/{id}/pin", [401, 404, 403, 404, 200, 200, 403, 404, 403]),
    Row("DELETE", AGENCY + "/{id}/pin", [401, 404, 403, 404, 200, 200, 403, 404, 403]),
    Row("POST", AGENCY + "/{id}/hide", [401, 404, 403, 404, 200, 403, 200, 404, 200],
        {"note": "abusive"}),
]

COVERED: set[tuple[str, str]] = {
    (row.method, row.path.replace("/testville-police", "/{agency}").replace("{open}", "{id}"))
    for row in ROWS}


@pytest.fixture
def world(agency_roles, police_local, gazetteer):
    asker = make_resident_at_address("12 Alder Lane", name="Ada Asker", email="ada@example.org")
    answered = ask(asker, police_local, title="Sirens at night?")
    actions.answer(agency_roles["admin"], answered, body="The fire station moved.")
    still_open = ask(asker, police_local, title="Speed bumps?")
    return {"users": {**agency_roles, "ada": asker}, "id": answered.pk, "open": still_open.pk}


@pytest.fixture
def gazetteer(city):
    import io

    from tests.api.conftest import ADDRESSES
    from townsquare.places import actions as places

    places.import_addresses(city, io.StringIO(ADDRESSES))
    return city


@pytest.mark.parametrize(("row", "role", "expected"), [
    pytest.param(row, role, cell, id=f"{row.method}-{row.path}-{role}")
    for row in ROWS for role, cell in zip(ROLES, row.cells, strict=True)])
def test_matrix(world, row, role, expected):
    user = world["users"][role]
    client = as_user(user) if user is not None else ApiClient()
    path = row.path.replace("{id}", str(world["id"])).replace("{open}", str(world["open"]))

    response = (client.get(path) if row.method == "GET"
                else client.call(row.method, path, row.body) if row.body is not None
                else client.call(row.method, path))

    assert response.status_code == expected, response.content
    if expected >= 400:
        error = response.json()
        assert set(error) <= {"error", "detail", "fields"}
        assert error["error"] and error["detail"]
    text = response.content.decode()
    assert_no_home_leaks(text, world["users"], own=None)
    assert "ada@example.org" not in text and "12 Alder Lane" not in text


def test_every_row_is_a_documented_endpoint(anon, db):
    documented = {(method.upper(), path.removeprefix("/api/v1"))
                  for path, item in anon.get("/openapi.json").json()["paths"].items()
                  for method in item if "/questions" in path}
    assert documented == COVERED


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient()
