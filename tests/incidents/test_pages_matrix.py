"""Who may open the incidents pages: every page x every role, with the exact status and a query
budget (tests/web/matrix.py). PAGES lists the page paths of the rows; the completeness check
in tests/web/test_access.py reads it."""

from __future__ import annotations

import pytest

from tests.incidents.test_series import plant, scatter
from tests.web.agency_helpers import ROLES, signed_in
from tests.web.matrix import Page, check_row

# --- The agency's series page (agency roles: tests/web/agency_helpers.py ROLES order:
# anonymous, unverified, resident_in, resident_out, admin, publisher, tips, other_staff,
# operator). 302 for anonymous visitors is the log-in redirect.
SP = "/agency/testville-police/series/"
SERIES_MATRIX = {
    SP:                                Page([302, 403, 403, 403, 200, 200, 200, 403, 200], 12),
    f"{SP}?category=vandalism&start=2026-03-01&end=2026-05-01":
                                       Page([302, 403, 403, 403, 200, 200, 200, 403, 200], 11),
    f"{SP}?start=2026-05-01&end=2026-04-01":
                                       Page([302, 403, 403, 403, 400, 400, 400, 403, 400], 8),
    "/agency/no-such-agency/series/":  Page([302, 404, 404, 404, 404, 404, 404, 404, 404], 8),
}
SERIES_PAGES: list[str] = list(SERIES_MATRIX)

# --- The crime pages: public (policy.can_view_crime_numbers), the same for every role.
CRIME_MATRIX = {
    "/n/testville/alder/crime/":       Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 16),
    "/c/testville/crime/":             Page([200, 200, 200, 200, 200, 200, 200, 200, 200], 16),
    "/n/testville/atlantis/crime/":    Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
    "/c/atlantis/crime/":              Page([404, 404, 404, 404, 404, 404, 404, 404, 404], 8),
}
CRIME_PAGES: list[str] = list(CRIME_MATRIX)

PAGES: list[str] = [*SERIES_PAGES, *CRIME_PAGES]


@pytest.mark.parametrize("page", SERIES_PAGES)
def test_series_page_status_per_role(page, city, agency_roles):
    scatter(city, 40)
    plant(city)
    check_row(page, SERIES_MATRIX[page], {}, ROLES,
              lambda role: signed_in(agency_roles[role]))


@pytest.mark.parametrize("page", CRIME_PAGES)
def test_crime_page_status_per_role(page, city, agency_roles):
    from datetime import date

    from tests import factories
    from tests.incidents.helpers import add_incidents

    for day in (1, 9, 17, 25, 31):
        add_incidents(factories.nbhd(city, "Alder"), date(2006, 1, day), "vandalism", 2)
    check_row(page, CRIME_MATRIX[page], {}, ROLES,
              lambda role: signed_in(agency_roles[role]))
