"""The adoption evidence page in a real browser, at phone and desktop widths: the table, the
comparisons and the caveats are there, nothing runs off the side of a phone, and axe (WCAG
2.1 AA) finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe_violations
from tests.coverage.test_adoption import _world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_evidence_page_reads_at_phone_and_desktop_widths(new_page, phone, settings):
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 2
    _world()
    page = new_page(phone=phone)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto("/c/testville/evidence/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Adoption and crime in Testville")
    table = page.get_by_role("table").first
    expect(table.locator("tbody tr")).to_have_count(9)
    alder = table.locator("tbody tr").first
    expect(alder.get_by_role("rowheader")).to_have_text("Alder")
    expect(alder.locator('td[data-label="Rate ratio (95% interval)"]')).to_have_text(
        "0.50 (0.21–1.12)")
    expect(page.get_by_role("heading", name="Launched, next door, and the rest")).to_be_visible()
    expect(page.get_by_role("heading", name="What these numbers cannot tell")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert problems == []
