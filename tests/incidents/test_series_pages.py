"""The agency's series page: the Knox table in words, the candidate series with their map
and neighborhoods, and the one-click request for information it prefills."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlencode

from tests.incidents.test_series import END, START, plant, scatter
from tests.web.agency_helpers import STAFF_ROLES, signed_in, text

P = "/agency/testville-police"
WINDOW = f"{P}/series/?" + urlencode({"category": "vandalism", "start": START.isoformat(),
                                      "end": END.isoformat()})


@pytest.fixture
def planted(city, agency_roles):
    scatter(city, 60)
    return plant(city)


def ask_link(page: str) -> str:
    found = re.search(r'<a class="button" href="([^"]+)">Ask these neighborhoods</a>', page)
    assert found is not None
    return html.unescape(found.group(1))


def test_the_page_shows_the_table_and_the_series(agency_roles, planted):
    response = signed_in(agency_roles["publisher"]).get(WINDOW)
    page = text(response)

    assert response.status_code == 200
    assert "66 incidents (Vandalism and graffiti) from March 1, 2026 to April 30, 2026." in page
    assert "<th scope=\"row\">0–200 m</th>" in page
    assert "<th scope=\"col\">0–3 days</th>" in page
    assert "<th scope=\"col\">15 days or more</th>" in page
    assert "more than chance" in page
    assert "less than 200 m and fewer than 4 days apart" in page
    assert "6 incidents, April 10, 2026 to April 13, 2026" in page
    assert "Neighborhoods: Alder, Birch, Dogwood, Elm</p>" in page
    assert page.count('<circle class="series-dot"') == len({
        (round(i.lat, 3), round(i.lon, 3)) for i in planted})
    for number in range(1, 7):
        assert f"<td>{number}00 BLOCK OF CORNER ST</td>" in page


def test_the_ask_link_prefills_a_request_to_exactly_those_neighborhoods(agency_roles,
                                                                        planted):
    client = signed_in(agency_roles["publisher"])
    link = ask_link(text(client.get(WINDOW)))
    parts = urlsplit(link)
    query = parse_qs(parts.query)

    assert parts.path == f"{P}/posts/new/"
    assert query["kind"] == ["request_for_information"]
    assert query["neighborhoods"] == ["alder", "birch", "dogwood", "elm"]
    assert query["rfi_from"] == ["2026-04-10T00:00"]
    assert query["rfi_until"] == ["2026-04-13T23:59"]
    assert query["title"] == ["Did you see anything? Vandalism and graffiti, April 10, 2026 "
                              "to April 13, 2026"]
    assert query["body"][0].startswith(
        "Between April 10, 2026 and April 13, 2026, 6 incidents (vandalism and graffiti) were "
        "reported near 100 BLOCK OF CORNER ST, 200 BLOCK OF CORNER ST, 300 BLOCK OF CORNER "
        "ST, 400 BLOCK OF CORNER ST, 500 BLOCK OF CORNER ST, …. If you saw")

    compose = text(client.get(link))
    checked = re.findall(r'<input type="checkbox" name="neighborhoods" value="([a-z]+)"'
                         r'[^>]*checked', compose)
    assert checked == ["alder", "birch", "dogwood", "elm"]
    assert re.search(r'<option value="request_for_information" selected>', compose)
    assert re.search(r'<input type="radio" name="target" value="neighborhoods"[^>]*checked',
                     compose)
    assert 'value="2026-04-10T00:00"' in compose
    assert 'value="2026-04-13T23:59"' in compose
    assert 'name="case_number"' in compose


def test_staff_who_do_not_publish_see_no_ask_link(agency_roles, planted):
    page = text(signed_in(agency_roles["tips"]).get(WINDOW))
    assert "6 incidents, April 10, 2026 to April 13, 2026" in page  # positive control
    assert "Ask these neighborhoods</a>" not in page
    assert "Your agency's publishers can ask these neighborhoods" in page


def test_the_default_window_ends_at_the_latest_incident(agency_roles, planted):
    page = text(signed_in(agency_roles["admin"]).get(f"{P}/series/"))
    # The latest of the 66 is April 30 at the latest; 28 days back from the day after.
    assert re.search(r"incidents \(Vandalism and graffiti\) from (April \d+, 2026) to "
                     r"(April 30, 2026)\.", page)
    assert 'name="category"' in page
    assert '<option value="vandalism" selected>' in page


@pytest.mark.parametrize(("query", "message"), [
    ({"start": "2026-05-01", "end": "2026-04-01"}, "The end must come after the start."),
    ({"start": "2025-01-01", "end": "2026-04-01"}, "Choose at most 366 days."),
    ({"start": "yesterday"}, "Enter a valid date."),
    ({"category": "arson"}, "Select a valid choice. arson is not one of the available"),
])
def test_a_bad_window_says_why(agency_roles, planted, query, message):
    response = signed_in(agency_roles["admin"]).get(f"{P}/series/?{urlencode(query)}")
    assert response.status_code == 400
    assert message in html.unescape(text(response))


def test_without_incidents_the_page_says_so(agency_roles):
    page = text(signed_in(agency_roles["admin"]).get(f"{P}/series/"))
    assert ("No incidents of this category (Vandalism and graffiti) have been imported for "
            "your area yet.") in page


def test_an_agency_sees_only_its_jurisdiction(city, agency_roles, planted):
    """Testville Fire serves Alder only: the test runs on Alder's incidents alone."""
    from tests import factories
    from tests.agencies.factories import make_agency, make_staff
    from townsquare.incidents.models import Incident

    fire = make_agency(city, "Testville Fire", domain="fire.testville.gov",
                       neighborhoods=["alder"], kind="fire")
    chief = make_staff(fire, "admin", "Cleo Chief")
    in_alder = Incident.objects.filter(neighborhood=factories.nbhd(city, "Alder"),
                                       category="vandalism").count()
    page = text(signed_in(chief).get(
        f"/agency/{fire.slug}/series/?start={START.isoformat()}&end={END.isoformat()}"))
    assert 1 < in_alder < 66
    assert (f"{in_alder} incidents (Vandalism and graffiti) from March 1, 2026 to April 30, "
            f"2026.") in page
    assert "6 incidents, April 10" not in page


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_the_second_factor_are_sent_to_set_it_up(role, agency_roles):
    url = f"{P}/series/"
    response = signed_in(agency_roles[role], second_factor_done=False).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/two-factor/setup/?{urlencode({'next': url})}"


def test_queries_do_not_grow_with_the_incidents(city, agency_roles):
    client = signed_in(agency_roles["admin"])
    plant(city)
    scatter(city, 5, seed=2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(WINDOW).status_code == 200
    scatter(city, 60, seed=3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(WINDOW).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the compose page's prefill on its own --------------------------------------------------------
def test_the_compose_page_ignores_what_it_cannot_use(agency_roles):
    query = urlencode({"kind": "bogus", "title": "Seen a red car?", "case_number": "26-1234",
                       "neighborhoods": ["alder", "nowhere"]}, doseq=True)
    page = text(signed_in(agency_roles["publisher"]).get(f"{P}/posts/new/?{query}"))
    assert re.search(r'<option value="alert" selected>', page)  # the default kind
    assert 'value="Seen a red car?"' in page
    assert 'value="26-1234"' in page
    checked = re.findall(r'<input type="checkbox" name="neighborhoods" value="([a-z]+)"'
                         r'[^>]*checked', page)
    assert checked == ["alder"]


def test_the_compose_page_without_a_query_is_unchanged(agency_roles):
    page = text(signed_in(agency_roles["publisher"]).get(f"{P}/posts/new/"))
    assert re.search(r'<option value="alert" selected>', page)
    assert re.findall(r'name="neighborhoods" value="[a-z]+"[^>]*checked', page) == []
