"""The coverage pages: the public city page, the recruiting page, its upload and flyers."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.coverage.helpers import import_counts, launch
from townsquare.coverage.models import HouseholdCount

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 2


@pytest.fixture
def operator_client() -> Client:
    client = Client()
    client.force_login(factories.make_operator())
    return client


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def page_texts(pdf: bytes) -> list[list[str]]:
    """The text shown on each page, line by line: reportlab writes each page's content as
    an ASCII85 + Flate stream of `(text) Tj` operators. (No PDF parser is installed; this
    reads what reportlab writes, not any PDF.)"""
    pages = []
    for data in re.findall(rb"/Filter \[ /ASCII85Decode /FlateDecode \] /Length \d+\n>>\n"
                           rb"stream\n(.*?)endstream", pdf, re.S):
        raw = data.replace(b"\n", b"").removesuffix(b"~>")
        content = zlib.decompress(base64.a85decode(raw))
        pages.append([text.decode("latin-1") for text in re.findall(rb"\((.*?)\) Tj", content)])
    return pages


def page_count(pdf: bytes) -> int:
    """Page objects of the PDF (reportlab writes no object streams, so each is in the clear)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_the_public_page(client, city):
    launch(city, "Alder", 2, dt.datetime(2026, 1, 10, 20, tzinfo=dt.UTC))
    launch(city, "Birch", 2, dt.datetime(2026, 3, 5, 20, tzinfo=dt.UTC))
    launch(city, "Cedar", 1)
    import_counts(city, "neighborhood,households\nalder,100\ncedar,300\n")

    html = squash(client.get("/c/testville/coverage/").content.decode())

    assert "<strong>2 of 9</strong> neighborhoods have launched (22%)." in html
    assert ("The launched neighborhoods hold <strong>100</strong> of the <strong>400</strong> "
            "households the city counted, in the 2 neighborhoods it gave a count for (25%).") \
        in html
    assert "Household counts: Testville census 2025, as of April 1, 2025." in html
    assert '<a href="/n/testville/cedar/">Cedar</a>: 1 more verified neighbor needed' in html
    assert '<a href="/n/testville/dogwood/">Dogwood</a>: 2 more verified neighbors needed' in html
    assert html.count("more verified neighbor") == 7
    # One map shape per neighborhood; the 7 waiting ones are marked.
    assert html.count("(not launched yet)</title>") == 7
    assert html.count("(launched)</title>") == 2
    # The history, month by month (in the city's time zone), with the empty February.
    rows = re.findall(r'<tr><th scope="row"[^>]*><time datetime="[-0-9]+">([^<]+)</time></th>'
                      r'<td[^>]*>(\d+)</td>'
                      r'<td[^>]*>(\d+)</td><td[^>]*>(\d+%)</td></tr>', html)
    assert rows == [("January 2026", "1", "1", "11%"), ("February 2026", "0", "1", "11%"),
                    ("March 2026", "1", "2", "22%")]
    assert 'role="img" aria-labelledby="launch-chart-title launch-chart-desc"' in html
    assert ("There is not enough history yet to say when every neighborhood will have "
            "launched: that needs at least 3 launches, over at least 30 days.") in html


def test_the_projection_in_words(client, city):
    today = dt.datetime.now(dt.UTC)
    for name, days_ago in (("Alder", 90), ("Birch", 60), ("Cedar", 30), ("Dogwood", 0)):
        launch(city, name, 2, today - dt.timedelta(days=days_ago))

    html = squash(client.get("/c/testville/coverage/").content.decode())

    assert ("Since the first launch, neighborhoods have launched at about 1.0 a month. At "
            "that pace, the last of the 5 neighborhoods still waiting would launch around "
            "<strong>") in html
    # 150 days from today at 1 a month; 51 to 727 days at the ends of the pace's range
    # (the page's "now" is a moment later than the test's: either day at a midnight).
    def shown(days: int) -> set[str]:
        moment = timezone.localtime(today + dt.timedelta(days=days))
        return {date_filter(moment + dt.timedelta(days=extra), "DATE_FORMAT")
                for extra in (0, 1)}

    found = re.search(r"would launch around <strong>([^<]+)</strong>.*anywhere from (.+?) to "
                      r"(.+?) \(a 95% range\)\.", html)
    assert found is not None
    assert found.group(1) in shown(150)
    assert found.group(2) in shown(51)
    assert found.group(3) in shown(727)


def test_an_empty_city(client, city):
    html = squash(client.get("/c/testville/coverage/").content.decode())
    assert "<strong>0 of 9</strong> neighborhoods have launched (0%)." in html
    assert "No neighborhood has launched yet." in html
    assert "the share of households reached is not known" in html


def test_the_home_page_links_to_it(client, city):
    assert 'href="/c/testville/coverage/"' in client.get("/").content.decode()


def test_the_recruiting_page(operator_client, city):
    launch(city, "Alder", 2)
    launch(city, "Birch", 1)
    import_counts(city, "neighborhood,households\nbirch,250\n")

    html = squash(operator_client.get("/operator/coverage/").content.decode())

    rows = re.findall(r'<th scope="row"[^>]*><a href="[^"]+">([^<]+)</a></th> '
                      r'<td[^>]*>(\d+)</td> <td[^>]*>(\d+)</td> <td[^>]*>([^<]+)</td>', html)
    assert rows[:3] == [("Birch", "1", "1", "250"), ("Cedar", "0", "2", "not counted"),
                        ("Dogwood", "0", "2", "not counted")]
    assert len(rows) == 8
    assert 'href="/operator/coverage/testville/birch/flyer.pdf"' in html
    assert "Download the flyers of all 8 neighborhoods (one PDF, a page each)" in html
    assert 'href="/operator/coverage/"' in html  # in the operator navigation


def test_the_flyers(operator_client, city, settings):
    settings.SITE_URL = "http://testserver.invalid"
    launch(city, "Alder", 2)
    launch(city, "Birch", 1)

    one = operator_client.get("/operator/coverage/testville/birch/flyer.pdf")
    every = operator_client.get("/operator/coverage/testville/flyers.pdf")

    assert one["Content-Type"] == "application/pdf"
    assert one["Content-Disposition"] == 'attachment; filename="flyer-testville-birch.pdf"'
    assert one.content.startswith(b"%PDF-1.") and one.content.rstrip().endswith(b"%%EOF")
    assert page_count(one.content) == 1
    assert page_texts(one.content) == [[
        "Neighbors of", "Birch", "Testville", "Your neighborhood is almost on", "townsquare.",
        "1 neighbor in Birch is already verified.",
        "With 1 more, the neighborhood opens: a private place to share",
        "news, lost pets, safety alerts and help with the people who", "live next to you.",
        "Join at", "http://testserver.invalid/signup/", "Or scan the code with your phone's",
        "camera.", "townsquare is run for the neighbors of Testville. Members are verified at "
        "their home address."]]
    assert page_count(every.content) == 8
    assert [texts[1] for texts in page_texts(every.content)] == [
        "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ironwood"]
    assert [texts[5] for texts in page_texts(every.content)][:2] == [
        "1 neighbor in Birch is already verified.",
        "No one in Cedar is verified yet: be the first."]
    # One outline entry per page, by neighborhood name.
    assert re.findall(rb"/Title \((\w+)\)", every.content) == [
        b"Birch", b"Cedar", b"Dogwood", b"Elm", b"Fir", b"Ginkgo", b"Hazel", b"Ironwood"]
    # A launched neighborhood needs no flyer.
    assert operator_client.get("/operator/coverage/testville/alder/flyer.pdf").status_code \
        == 404


def test_the_upload(operator_client, city):
    upload = SimpleUploadedFile("h.csv", b"neighborhood,households\nAlder,12\nbirch,7\n",
                                content_type="text/csv")
    response = operator_client.post("/operator/coverage/", {
        "city": "testville", "file": upload, "source": "City census", "as_of": "2025-05-01"})

    assert response.status_code == 302
    assert {c.neighborhood.slug: c.households for c in
            HouseholdCount.objects.select_related("neighborhood")} == {"alder": 12, "birch": 7}
    html = squash(operator_client.get("/operator/coverage/").content.decode())
    assert ("Household counts of 2 neighborhoods of Testville imported (2 new, 0 changed, "
            "0 unchanged).") in html


def test_a_bad_upload_lists_every_row_and_imports_nothing(operator_client, city):
    upload = SimpleUploadedFile("h.csv", b"neighborhood,households\nAlder,12\nMars,1\nbirch,x\n",
                                content_type="text/csv")
    response = operator_client.post("/operator/coverage/", {
        "city": "testville", "file": upload, "source": "City census", "as_of": "2025-05-01"})

    assert response.status_code == 400
    html = squash(response.content.decode())
    assert "Line 3: Testville has no neighborhood “Mars”." in html
    assert ("Line 4: The number of households must be a whole number, 0 or more; got “x”."
            in html)
    assert HouseholdCount.objects.count() == 0


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_make_as_many_queries_with_many_launches_and_counts(operator_client, city):
    launch(city, "Alder", 2, dt.datetime(2026, 1, 10, tzinfo=dt.UTC))
    import_counts(city, "neighborhood,households\nalder,1\n")
    few = (_queries(Client(), "/c/testville/coverage/"),
           _queries(operator_client, "/operator/coverage/"))

    for name in ("Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo"):
        launch(city, name, 2, dt.datetime(2026, 2, 10, tzinfo=dt.UTC))
    import_counts(city, "neighborhood,households\n" + "".join(
        f"{name},5\n" for name in ("birch", "cedar", "dogwood", "elm", "fir", "ginkgo")),
        source="Another count")

    assert (_queries(Client(), "/c/testville/coverage/"),
            _queries(operator_client, "/operator/coverage/")) == few
