"""Who may call the coverage endpoints: every endpoint x every role, with the exact status of
each cell. COVERED lists the (method, OpenAPI path) pairs this matrix covers; the
completeness check in tests/agencies/test_authorization_matrix.py reads it.

The coverage numbers are public: every role gets them, and an unknown city is 404 for all.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, as_user
from tests.web.agency_helpers import ROLES

COVERED: set[tuple[str, str]] = {("GET", "/cities/{city}/coverage"),
                                  ("GET", "/cities/{city}/adoption")}

#   anonymous, unverified, resident_in, resident_out, admin, publisher, tips, other_staff, operator
ROWS = {
    "/cities/testville/coverage": [200] * 9,
    "/cities/no-such-city/coverage": [404] * 9,
    "/cities/testville/adoption": [200] * 9,
    "/cities/no-such-city/adoption": [404] * 9,
}


@pytest.mark.parametrize("path", list(ROWS))
def test_matrix(path, agency_roles):
    statuses = {}
    for role in ROLES:
        user = agency_roles[role]
        client = as_user(user) if user is not None else ApiClient()
        response = client.get(path)
        statuses[role] = response.status_code
        if response.status_code >= 400:
            assert set(response.json()) == {"error", "detail"}
            assert response.json()["error"] == "not_found"
        else:
            # The same public numbers for everyone.
            body = response.json()
            assert (body["neighborhoods"] if "neighborhoods" in body else len(body["rows"])) == 9
    assert statuses == dict(zip(ROLES, ROWS[path], strict=True))
