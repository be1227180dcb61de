"""The inbox's "Mark all as read" in a real browser, at phone and desktop widths, with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.agencies.factories import make_agency, make_staff, publish
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_mark_all_as_read_empties_the_unread_count(new_page, phone):
    city = factories.make_city()
    alder = factories.nbhd(city, "Alder")
    reader = factories.make_resident(alder, name="Ada Alder")
    police = make_agency(city)
    publisher = make_staff(police, "publisher", "Pat Publisher")
    for i in range(2):
        publish(publisher, police, title=f"Notice {i}", neighborhoods=["alder"])
    page = new_page(phone=phone, user=reader)
    page.goto("/inbox/")
    main = page.locator("main")
    expect(main.get_by_text("2 unread.")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    page.get_by_role("button", name="Mark all as read").click()

    expect(page.get_by_role("status").filter(has_text="2 posts marked as read.")).to_be_visible()
    expect(main.get_by_text("Nothing unread.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
