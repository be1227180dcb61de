"""Who may call the tips endpoints: every endpoint x every role, with the exact status of
each cell. COVERED lists the (method, OpenAPI path) pairs this matrix covers; the
completeness check in tests/agencies/test_authorization_matrix.py reads it.

Roles (tests/conftest.py `agency_roles`): anonymous; unverified; resident_in;
resident_out; admin, publisher, tips (Testville Police staff); other_staff (Testville
Water's admin); operator. The world: one anonymous tip to Testville Police, whose code
every caller holds (a code is the only credential of its thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import as_user
from townsquare.core.models import AuditLog
from townsquare.tips import actions
from townsquare.tips.models import Tip, TipMessage

ROLES = ["anonymous", "unverified", "resident_in", "resident_out", "admin", "publisher",
         "tips", "other_staff", "operator"]
AGENCY = "/agencies/testville-police"
TIP_TEXT = "The grey van parks behind the school at night"

COVERED: set[tuple[str, str]] = {
    ("POST", "/agencies/{agency}/tips"),
    ("GET", "/tips/{code}"),
    ("POST", "/tips/{code}/messages"),
    ("GET", "/agencies/{agency}/tips"),
    ("PATCH", "/agencies/{agency}/tips/{id}"),
    ("POST", "/agencies/{agency}/tips/{id}/messages"),
}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # {code} and {id}: the world's tip
    cells: list[int]
    body: dict[str, Any] | None = None


STAFF_ONLY_READ = [401, 404, 404, 404, 200, 403, 200, 404, 404]
STAFF_ONLY_WRITE = [401, 404, 404, 404, 201, 403, 201, 404, 404]

#   anonymous, unverified, resident_in, resident_out, admin, publisher, tips, other_staff, operator
ROWS = [
    Row("send a tip", "POST", f"{AGENCY}/tips", [201] * 9, {"body": "I saw it too"}),
    Row("send a tip to no agency", "POST", "/agencies/nowhere/tips", [404] * 9, {"body": "x"}),
    Row("read a thread", "GET", "/tips/{code}", [200] * 9),
    Row("read an unknown code", "GET", "/tips/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", [404] * 9),
    Row("write back", "POST", "/tips/{code}/messages", [201] * 9, {"body": "One more thing"}),
    Row("list tips", "GET", f"{AGENCY}/tips", STAFF_ONLY_READ),
    Row("list another agency's tips", "GET", "/agencies/testville-water/tips",
        [401, 404, 404, 404, 404, 404, 404, 200, 404]),
    Row("triage a tip", "PATCH", f"{AGENCY}/tips/{{id}}", STAFF_ONLY_READ,
        {"status": "reviewing", "case_number": "C-7"}),
    Row("answer a tipster", "POST", f"{AGENCY}/tips/{{id}}/messages", STAFF_ONLY_WRITE,
        {"body": "Thank you, which night?"}),
    Row("another agency's tip", "PATCH", "/agencies/testville-water/tips/{id}",
        [401, 404, 404, 404, 404, 404, 404, 404, 404], {"status": "closed"}),
]
CELLS = [(row, i, role) for row in ROWS for i, role in enumerate(ROLES)]


def _call(client: Any, row: Row, path: str) -> Any:
    if row.method == "GET":
        return client.get(path)
    return client.call(row.method, path, row.body)


@pytest.mark.parametrize(("row", "index", "role"), CELLS,
                         ids=[f"{row.name}-{role}" for row, _i, role in CELLS])
def test_tips_matrix(agency_roles, police, water, row, index, role):
    sent = actions.submit_tip(agency=police, body=TIP_TEXT)
    path = row.path.replace("{code}", sent.code).replace("{id}", str(sent.tip.pk))
    client = as_user(agency_roles[role])
    tips_before = Tip.objects.count()
    messages_before = TipMessage.objects.count()
    response = _call(client, row, path)
    expected = row.cells[index]
    assert response.status_code == expected, (row.name, role, response.content)
    body = response.json()
    if expected >= 400:
        assert set(body) >= {"error", "detail"}
        assert Tip.objects.count() == tips_before
        assert TipMessage.objects.count() == messages_before
        assert TIP_TEXT not in response.content.decode()
        return
    if row.name == "send a tip":
        assert set(body) == {"code"} and len(body["code"]) == 34
        created = Tip.objects.exclude(pk=sent.tip.pk).get()
        # Staff and operators send anonymously; residents privately by default.
        assert created.anonymous is (role not in {"unverified", "resident_in", "resident_out"})
    elif row.name == "read a thread":
        assert body == {"status": "new", "messages": []}
    elif row.name == "write back":
        assert body["from"] == "tipster" and body["body"] == "One more thing"
    elif row.name == "list tips":
        assert [(t["id"], t["body"], t["anonymous"], t["sender"]) for t in body["items"]] == [
            (sent.tip.pk, TIP_TEXT, True, None)]
        assert AuditLog.objects.filter(action="tip.list").count() == 1
    elif row.name == "list another agency's tips":
        assert body["items"] == []
    elif row.name == "triage a tip":
        assert (body["status"], body["case_number"]) == ("reviewing", "C-7")
        assert AuditLog.objects.filter(action="tip.view", target_id=str(sent.tip.pk)).count() == 1
    elif row.name == "answer a tipster":
        assert body["from"] == "agency"
        thread = as_user(None).get(f"/tips/{sent.code}").json()
        assert [m["body"] for m in thread["messages"]] == ["Thank you, which night?"]
