"""The compose page in a browser, on a phone and on a desktop: the neighborhood filter,
the confirmation of a post to several neighborhoods (axe at 0 violations), and drafts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.test_agency_accessibility import P, _context, build_agency_world
from townsquare.agencies.models import AgencyDraft, AgencyPost

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_filter_choose_confirm_and_send(browser, live_server, phone):
    world = build_agency_world()
    context = _context(browser, live_server, world.users["publisher"], phone=phone,
                       second_factor_done=True)
    try:
        page = context.new_page()
        page.goto(f"{P}/posts/new/")
        page.get_by_label("Title").fill("Water main break")
        page.get_by_label("Message").fill("Fifth Street is closed.")
        page.get_by_label("Chosen neighborhoods").check()
        page.get_by_label("Find a neighborhood").fill("bir")
        expect(page.get_by_label("Alder", exact=True)).to_be_hidden()
        page.get_by_label("Birch", exact=True).check()
        page.get_by_label("Find a neighborhood").fill("ald")
        expect(page.get_by_label("Birch", exact=True)).to_be_visible()  # chosen: stays
        page.get_by_label("Alder", exact=True).check()
        expect(page.locator("[data-audience-text]").or_(page.locator("[data-audience] strong"))
               ).to_have_text("This will reach 2 verified residents in 2 neighborhoods.")

        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("heading", name="Send to 2 residents in 2 neighborhoods?")
               ).to_be_visible()
        assert AgencyPost.objects.count() == 2  # the world's two: nothing sent yet
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - "
                                 "document.documentElement.clientWidth")
        assert overflow <= 0

        page.get_by_role("button", name="Yes, send it").click()
        expect(page.get_by_text("Your post is published. It reached 2 verified residents."
                                )).to_be_visible()
        assert AgencyPost.objects.filter(title="Water main break").get().audience_size == 2
    finally:
        context.close()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_a_draft_is_kept_and_listed(browser, live_server, phone):
    world = build_agency_world()
    context = _context(browser, live_server, world.users["publisher"], phone=phone,
                       second_factor_done=True)
    try:
        page = context.new_page()
        page.goto(f"{P}/posts/new/")
        page.get_by_label("Title").fill("Half-written notice")
        page.get_by_role("button", name="Save as draft").click()
        expect(page.get_by_role("link", name="Half-written notice")).to_be_visible()
        expect(page.get_by_label("Title")).to_have_value("Half-written notice")
        assert AgencyDraft.objects.get().title == "Half-written notice"
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()
