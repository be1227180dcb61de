"""Who may open the coverage pages: every page x every role, with the exact status and a query
budget (tests/web/matrix.py). PAGES lists the page paths of the rows; the completeness check
in tests/web/test_access.py reads it.

The city coverage page is public; the recruiting page, its flyers and the household upload
are the operators'. 302 for anonymous visitors is the log-in redirect.
"""

from __future__ import annotations

import pytest

from tests.web.agency_helpers import ROLES, signed_in
from tests.web.matrix import Page, check_row

OP = "/operator/coverage"
#   anonymous, unverified, resident_in, resident_out, admin, publisher, tips, other_staff, operator
MATRIX = {
    "/c/testville/coverage/":             Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 11),
    "/c/nowhere/coverage/":               Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    "/c/testville/evidence/":             Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 11),
    "/c/nowhere/evidence/":               Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    f"{OP}/":                             Page([302, 403, 403, 403, 403, 403, 403, 403, 200], 8),
    f"{OP}/testville/flyers.pdf":         Page([302, 403, 403, 403, 403, 403, 403, 403, 200], 8),
    f"{OP}/testville/alder/flyer.pdf":    Page([302, 403, 403, 403, 403, 403, 403, 403, 200], 8),
    f"{OP}/testville/nowhere/flyer.pdf":  Page([302, 403, 403, 403, 403, 403, 403, 403, 404], 8),
    f"{OP}/nowhere/flyers.pdf":           Page([302, 404, 404, 404, 404, 404, 404, 404, 404], 8),
}
# The upload, sent by every role in turn: a form with no file is re-shown with its errors.
POST_ONLY = {
    f"{OP}/?upload":                      Page([302, 403, 403, 403, 403, 403, 403, 403, 400], 8,
                                               "post", {"city": "testville"}),
}
PAGES: list[str] = [*MATRIX, *POST_ONLY]


@pytest.mark.parametrize("page", list(MATRIX))
def test_page_status_per_role(page, agency_roles):
    check_row(page, MATRIX[page], {}, ROLES, lambda role: signed_in(agency_roles[role]))


@pytest.mark.parametrize("page", list(POST_ONLY))
def test_post_status_per_role(page, agency_roles):
    check_row(page, POST_ONLY[page], {}, ROLES, lambda role: signed_in(agency_roles[role]))
