"""axe-core's WCAG 2.1 A/AA rules on every main page, as the role that uses it, on a phone
and on a desktop; and the keyboard paths axe cannot check: the skip link and signing up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.world import PAGES, build_world, open_page, page_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
@pytest.mark.parametrize("spec", PAGES, ids=page_ids(PAGES))
def test_no_wcag_violations(new_page, spec, phone):
    page = open_page(new_page, build_world(), spec, phone=phone)
    violations = axe_violations(page)
    assert not violations, (
        f"{spec.name} ({'phone' if phone else 'desktop'}, as {spec.role}) breaks "
        f"{len(violations)} WCAG rule(s):\n{describe_violations(violations)}"
    )


def test_axe_reports_each_violation_with_its_rule_and_target(new_page):
    # The checks above pass only if axe really runs: here it must catch two known faults.
    page = new_page()
    page.set_content('<!doctype html><html lang="en"><head><title>Faults</title></head>'
                     '<body><main><h1>Faults</h1><img src="x.png" id="photo">'
                     '<input type="text" id="nameless"></main></body></html>')
    found = {v["id"]: v["nodes"] for v in axe_violations(page)}
    assert found == {"image-alt": [["#photo"]], "label": [["#nameless"]]}
    assert "image-alt (critical)" in describe_violations(axe_violations(page))


def _inside_main(page) -> bool:
    return page.evaluate("() => document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("role", ["anonymous", "neighbor"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(new_page, role):
    world = build_world()
    page = new_page(user=world.users[role])
    page.goto("/" if role == "anonymous" else "/feed/")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()  # off screen until it has focus

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # a sighted keyboard user sees where focus is

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab continues inside the main content, past the whole header.
    page.keyboard.press("Tab")
    assert _inside_main(page), "Tab after the skip link left the main content"


def _tab_to(page, target, *, limit: int = 25) -> None:
    """Press Tab until `target` has focus (from the top of the page, past the header)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never got focus in {limit} Tab presses")


def test_signup_with_the_keyboard_only(new_page, gazetteer):
    page = new_page()
    page.goto("/signup/")
    email = page.get_by_label("Email")
    _tab_to(page, email)
    page.keyboard.type("kim@example.org")
    # The fields follow in reading order, one Tab each.
    for label, text in (("Password", factories.PASSWORD),
                        ("Your name as neighbors will see it", "Kim Keyboard"),
                        ("Home address", "4323 Quail Run")):
        page.keyboard.press("Tab")
        expect(page.get_by_label(label)).to_be_focused()
        page.keyboard.type(text)
    # The map picker's button is next (its map is no tab stop: the address field does the
    # same job), then the form's own button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Use my location")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign up")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You're in. Now verify your address.")
    expect(page.get_by_role("main")).to_contain_text("Your home is in Alder.")


def test_signup_errors_take_focus_and_link_to_their_fields(new_page, gazetteer):
    page = new_page()
    page.goto("/signup/")
    page.get_by_label("Email").fill("kim@example.org")
    page.get_by_label("Home address").fill("1 Nowhere Lane")
    page.get_by_role("button", name="Sign up").click()

    summary = page.get_by_role("heading", name="There is a problem")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    # Focus is on the summary, so a screen reader reads it first, and Tab reaches its links.
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=re.compile(r"^Password: "))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Password")).to_be_focused()
    expect(page.get_by_label("Email")).to_have_value("kim@example.org")
