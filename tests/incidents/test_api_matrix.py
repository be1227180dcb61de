"""Who may call the incidents endpoints: every endpoint x every role, with the exact status of
each cell. COVERED lists the (method, OpenAPI path) pairs this matrix covers; the
completeness check in tests/agencies/test_authorization_matrix.py reads it.

The crime numbers are public (policy.can_view_crime_numbers): every role, anonymous
included, gets the same answer, and a caller's account changes nothing in it."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories
from tests.api.conftest import as_user, error_of
from tests.incidents.helpers import add_incidents

ROLES = ["anonymous", "unverified", "resident_in", "resident_out", "admin", "publisher",
         "tips", "other_staff", "operator"]

SUMMARY = "/cities/{city}/incidents/summary"
COVERED: set[tuple[str, str]] = {("GET", SUMMARY)}

# (name, path with query, status per role in ROLES order)
ROWS = [
    ("summary", "/cities/testville/incidents/summary?neighborhood=alder&from=2006-01-01"
                "&to=2006-02-01&compare_from=2005-12-01&compare_to=2006-01-01",
     [200] * 9),
    ("summary of the city", "/cities/testville/incidents/summary", [200] * 9),
    ("bad date", "/cities/testville/incidents/summary?from=2006-02-30", [400] * 9),
    ("unknown city", "/cities/atlantis/incidents/summary", [404] * 9),
    ("unknown neighborhood", "/cities/testville/incidents/summary?neighborhood=atlantis",
     [404] * 9),
]


@pytest.mark.parametrize(("name", "path", "cells"), ROWS, ids=[row[0] for row in ROWS])
def test_incidents_endpoint_matrix(city, agency_roles, name, path, cells):
    add_incidents(factories.nbhd(city, "Alder"), date(2006, 1, 5), "vandalism", 4)
    got = {}
    bodies = set()
    for role in ROLES:
        response = as_user(agency_roles[role]).call("GET", path)
        got[role] = response.status_code
        if response.status_code == 200:
            bodies.add(response.content)
        else:
            error_of(response)
    assert got == dict(zip(ROLES, cells, strict=True))
    assert len(bodies) <= 1  # everyone sees the same numbers
