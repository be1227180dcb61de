"""The demo's numbers, as a visitor reads them after the demo is loaded: Pocket's crime page
with its January 2006 incidents (counted here from the raw CSV with shapely), the police's
series page finding a vandalism series in January 2006 with its one-click request, the
coverage page at 104 of 121, and the adoption evidence page.

The demo is loaded once for the class (setUpTestData, rolled back after)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tests.demo.test_crime_data import pocket_count_from_the_raw_files
from tests.web.agency_helpers import signed_in
from townsquare.accounts.models import User
from townsquare.demo import loader

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"
POLICE = "sacramento-police-department"
OFFICER = "officer@demo.townsquare.invalid"


class DemoNumbersTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = loader.load(DATA, now=timezone.now())

    def test_pocket_crime_page_shows_its_january_2006_incidents(self):
        expected = pocket_count_from_the_raw_files()
        assert expected == 156
        response = self.client.get("/n/sacramento/pocket/crime/")
        assert response.status_code == 200
        text = response.content.decode()
        assert "Pocket" in text
        assert re.search(rf"\b{expected}\b", text)
        assert "2006" in text

    def test_police_series_page_finds_a_vandalism_series_in_january_2006(self):
        client = signed_in(User.objects.get(email=OFFICER))
        response = client.get(f"/agency/{POLICE}/series/?category=vandalism")
        assert response.status_code == 200
        report = response.context["report"]
        # The default window ends on the data's last day, so it holds the 2006 incidents.
        assert report is not None
        assert response.context["last_day"].isoformat() == "2006-01-31"
        assert len(report.series) >= 1
        views = response.context["views"]
        found = views[0].series
        assert found.first.year == 2006 and found.first.month == 1
        # The one-click request: the compose page, filled in for the series' neighborhoods.
        url = unescape(views[0].ask_url)
        parts = urlsplit(url)
        assert parts.path == reverse("web:agency_compose", args=[POLICE])
        query = parse_qs(parts.query)
        assert query["kind"] == ["request_for_information"]
        assert query["neighborhoods"] == [n.slug for n in found.neighborhoods]
        assert query["rfi_from"] == [f"{found.first.isoformat()}T00:00"]
        assert url in unescape(response.content.decode())
        compose = client.get(url)
        assert compose.status_code == 200

    def test_the_coverage_page_shows_104_of_121(self):
        response = self.client.get("/c/sacramento/coverage/")
        assert response.status_code == 200
        assert "<strong>104 of 121</strong> neighborhoods have launched" in (
            response.content.decode())

    def test_the_evidence_page_reads_the_demo_honestly(self):
        response = self.client.get("/c/sacramento/evidence/")
        assert response.status_code == 200
        evidence = response.context["evidence"]
        # One month of data: its second half against its first; the launches are recent,
        # long after the data, so no neighborhood launched between the periods.
        assert evidence.enough
        assert (evidence.earlier.start.isoformat(), evidence.latest.last.isoformat()) == (
            "2006-01-02", "2006-01-31")
        assert evidence.wdd.result is None and evidence.staggered is None
        assert len(evidence.rows) == 121
        text = response.content.decode()
        assert "this comparison cannot be made" in text
        assert "None of these comparisons shows cause and effect." in text
