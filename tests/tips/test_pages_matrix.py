"""Who may open the tips pages: every page x every role, with the exact status and a query
budget (tests/web/matrix.py). PAGES lists the page paths of the rows; the completeness check
in tests/web/test_access.py reads it.

Roles as in tests/web/test_agency_pages.py: (anonymous, unverified, resident_in,
resident_out, admin, publisher, tips, other_staff, operator). The tips desk is the
agency's tips staff and admins: its publishers get 403, everyone else 404 (as the tips
API), anonymous visitors the log-in redirect. Sending a tip and following one up are
open to everyone."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tests.web.agency_helpers import ROLES, signed_in
from tests.web.matrix import Page, check_row
from townsquare.tips import actions

P = "/agency/testville-police"
MATRIX = {
    "/agencies/testville-police/tip/":  Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 8),
    "/agencies/testville-police/tip/?post={post}":
                                        Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 9),
    "/agencies/no-such-agency/tip/":    Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    "/tips/":                           Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 7),
    f"{P}/tips/":                       Page([302, 404, 404, 404, 200, 403, 200, 404, 404], 12),
    f"{P}/tips/?status=new&q=tagging&tag=graffiti":
                                        Page([302, 404, 404, 404, 200, 403, 200, 404, 404], 12),
    f"{P}/tips/{{tip}}/":               Page([302, 404, 404, 404, 200, 403, 200, 404, 404], 16),
    f"{P}/tips/{{water_tip}}/":         Page([302, 404, 404, 404, 404, 403, 404, 404, 404], 9),
    f"{P}/tips/{{tip}}/attachments/1":  Page([302, 404, 404, 404, 200, 403, 200, 404, 404], 8),
    f"{P}/tips/{{tip}}/attachments/9":  Page([302, 404, 404, 404, 404, 403, 404, 404, 404], 11),
    f"{P}/tips/export.csv?case=24-118": Page([302, 404, 404, 404, 200, 403, 200, 404, 404], 11),
    f"{P}/tips/export.pdf?case=24-118": Page([302, 404, 404, 404, 200, 403, 200, 404, 404], 11),
    f"{P}/tips/export.csv?case=none":   Page([302, 404, 404, 404, 404, 403, 404, 404, 404], 9),
}
# Forms sent by every role in turn.
POSTS = {
    "/tips/#code":                      Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 11,
                                             "post", {"code": "{code}"}),
    "/tips/#wrong-code":                Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 9,
                                             "post", {"code": "not-a-code"}),
    f"{P}/tips/{{tip}}/#note":          Page([302, 404, 404, 404, 302, 403, 302, 404, 404], 13,
                                             "post", {"action": "note", "body": "Seen"}),
    f"{P}/posts/{{post}}/outcome/":     Page([302, 403, 403, 403, 302, 302, 403, 403, 403], 10,
                                             "post", {"body": "The tagging stopped."}),
}
PAGES: list[str] = [*MATRIX, *POSTS]


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 200)).save(out, "PNG")
    out.seek(0)
    return out


@pytest.fixture
def objects(tips_world):
    users, police, water = tips_world["users"], tips_world["police"], tips_world["water"]
    sent = actions.submit_tip(agency=police, body="Tagging behind the school",
                              photos=[png()], agency_post=tips_world["post"])
    actions.update_tip(users["tips"], sent.tip, case_number="24-118", tags=["graffiti"])
    water_tip = actions.submit_tip(agency=water, body="A leak on Elm").tip
    return {"tip": sent.tip.pk, "code": sent.code, "water_tip": water_tip.pk,
            "post": tips_world["post"].pk}


@pytest.mark.parametrize("page", list(MATRIX))
def test_page_status_per_role(page, agency_roles, objects):
    check_row(page, MATRIX[page], objects, ROLES, lambda role: signed_in(agency_roles[role]))


@pytest.mark.parametrize("page", list(POSTS))
def test_form_status_per_role(page, agency_roles, objects):
    check_row(page.split("#")[0], POSTS[page], objects, ROLES,
              lambda role: signed_in(agency_roles[role]))


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{P}/tips/").status_code == 200
    return len(captured.captured_queries)


def test_the_inbox_makes_as_many_queries_with_30_tips_as_with_3(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    client = signed_in(users["tips"])

    def send(count: int, start: int) -> None:
        for n in range(start, start + count):
            tip = actions.submit_tip(agency=police, body=f"Tip {n}", agency_post=tips_world["post"],
                                     client_address=f"198.51.100.{n}").tip
            actions.update_tip(users["tips"], tip, assignee_email=users["admin"].email,
                               tags=["graffiti"])
            actions.staff_reply(users["tips"], tip, "Thanks")

    send(3, 0)
    with_3 = _inbox_queries(client)
    send(27, 3)
    assert _inbox_queries(client) == with_3
