"""The slippy maps in a real browser: Leaflet draws the neighborhoods from the page's GeoJSON,
with no tiles unless the city configures a tile source, zooms by keyboard, and breaks no
rule of the Content-Security-Policy or of axe (WCAG 2.1 AA), at phone and desktop widths."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(new_page, path: str, *, phone: bool) -> tuple[Any, list[str]]:
    page = new_page(phone=phone)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # The first crime page of a run imports the statistics libraries: give it time.
    page.goto(path, wait_until="domcontentloaded", timeout=90_000)
    return page, problems


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_neighborhood_map_is_a_slippy_map_that_zooms_by_keyboard(new_page, phone):
    city = factories.make_city()
    page, problems = _open(new_page, f"/n/{city.slug}/alder/", phone=phone)
    box = page.locator("[data-slippy-map]")
    expect(box.locator(".slippy-map.leaflet-container")).to_have_count(1)
    # The SVG fallback stays in the page, hidden now that the slippy map is drawn.
    expect(box.locator("svg.map")).to_be_hidden()
    # Alder and its three neighbors (Birch, Dogwood, Elm touch it), each a path with a name.
    expect(box.locator("path.leaflet-interactive")).to_have_count(4)
    expect(box.locator(".nb-label")).to_have_text(
        ["Birch", "Dogwood", "Elm", "Alder"], use_inner_text=True)
    expect(box.locator(".leaflet-tile")).to_have_count(0)
    slippy = box.locator(".slippy-map")
    # The map fits the four squares: zoom 14.5 on a phone, 14 on a desktop (zoomSnap 0.25).
    fitted = 14.5 if phone else 14.0
    expect(slippy).to_have_attribute("data-zoom", f"{fitted:g}")
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    expect(slippy).to_have_attribute("data-zoom", f"{fitted + 1:g}")
    page.get_by_role("button", name="Zoom out").focus()
    page.keyboard.press("Enter")
    expect(slippy).to_have_attribute("data-zoom", f"{fitted:g}")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert problems == []


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_city_map_on_the_home_page_links_to_each_neighborhood(new_page, phone):
    factories.make_city()
    page, problems = _open(new_page, "/", phone=phone)
    box = page.locator("[data-slippy-map]")
    expect(box.locator("path.leaflet-interactive")).to_have_count(len(factories.TREES))
    expect(box.locator(".leaflet-tile")).to_have_count(0)
    # The label lets clicks through to its shape, which links to the neighborhood.
    box.locator(".nb-label", has_text="Birch").click(force=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Birch")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert problems == []


def test_without_scripts_the_svg_map_shows(browser, live_server):
    city = factories.make_city()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto(f"/n/{city.slug}/alder/")
        expect(page.locator("svg.map")).to_be_visible()
        expect(page.locator("svg.map path.nb")).to_have_count(4)
    finally:
        context.close()


def test_a_configured_tile_source_is_drawn_under_the_boundaries(new_page, settings):
    settings.TOWNSQUARE_MAP_TILES_URL = "/static/web/favicon.svg?{z}/{x}/{y}"
    settings.TOWNSQUARE_MAP_TILES_ATTRIBUTION = "Tiles: the city"
    city = factories.make_city()
    page, problems = _open(new_page, f"/n/{city.slug}/alder/", phone=False)
    box = page.locator("[data-slippy-map]")
    expect(box.locator("img.leaflet-tile").first).to_be_attached()
    expect(box.locator(".leaflet-control-attribution")).to_contain_text("Tiles: the city")
    assert problems == []


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_home_page_finds_your_neighborhood_from_your_address(new_page, gazetteer, phone):
    page, problems = _open(new_page, "/", phone=phone)
    field = page.get_by_label("Enter your address")
    field.fill("4321 Quail")
    # The suggestions come from the address search as the address is typed.
    expect(page.locator("#address-suggestions option")).to_have_count(1)
    expect(page.locator("#address-suggestions option")).to_have_attribute(
        "value", "4321 Quail Run")
    field.fill("4321 Quail Run")
    page.get_by_role("button", name="Find", exact=True).click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("4321 Quail Run is in Alder, Testville.")
    result.get_by_role("link", name="Join Alder").click()
    expect(page).to_have_url(f"{page.url.split('/signup/')[0]}/signup/")
    page.go_back()
    page.get_by_role("status").get_by_role("link", name="Alder", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alder")
    page.go_back()
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert problems == []


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_crime_choropleth_is_a_slippy_map_in_the_same_colours(new_page, phone):
    from datetime import date

    from tests.incidents.helpers import add_incidents

    city = factories.make_city()
    add_incidents(factories.nbhd(city, "Alder"), date(2006, 1, 20), "property", 9)
    add_incidents(factories.nbhd(city, "Birch"), date(2006, 1, 25), "drugs", 3)
    page, problems = _open(new_page, f"/n/{city.slug}/alder/crime/", phone=phone)
    box = page.locator("[data-slippy-map]")
    expect(box.locator(".slippy-map.leaflet-container")).to_have_count(1)
    expect(box.locator("svg.map")).to_be_hidden()
    paths = box.locator("path.leaflet-interactive")
    expect(paths).to_have_count(len(factories.TREES))
    svg_fills = page.eval_on_selector_all(
        "svg.map path", "els => els.map(e => e.getAttribute('fill'))")
    slippy_fills = paths.evaluate_all("els => els.map(e => e.getAttribute('fill'))")
    assert slippy_fills == svg_fills
    assert len(set(slippy_fills)) == 3  # none, a few (Birch), the most (Alder)
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert problems == []
