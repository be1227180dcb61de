"""Tips in a real browser: a resident sends an anonymous tip and keeps the code shown once,
an officer of the tips desk (past the second factor) answers it from the tips inbox, and
the tipster, with nothing but the code, reads the answer and writes back. Plus axe-core's
WCAG 2.1 A/AA rules on the send page, the tipster's conversation, the inbox and a tip's
page, on a phone and on a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import expect

from tests import factories
from tests.agencies.factories import make_agency, make_staff, publish
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    WAIT_MS,
    axe_violations,
    describe_violations,
)
from tests.web.agency_helpers import enrol
from townsquare.tips import actions
from townsquare.tips.models import Tip, TipMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser):
    return browser

TIP = "Two people with spray cans by the levee path around 11 pm on Friday."
ANSWER = "Thank you. Do you remember what they wore?"
BACK = "Dark hoodies, one green bike."


def _h1(page):
    return page.get_by_role("heading", level=1)


def _page(chromium: Any, live_server: Any, user: Any = None, *, phone: bool = False) -> Any:
    """A fresh browser context (own cookies) with `user`'s session; agency staff past the
    second factor, as after typing their code (tests/browser/test_agency_flow.py types it)."""
    context = chromium.new_context(viewport=PHONE if phone else DESKTOP,
                                  base_url=live_server.url)
    context.set_default_timeout(WAIT_MS)
    if user is not None:
        client = Client()
        client.force_login(user)
        if user.agency_memberships.exists():
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = enrol(user).persistent_id
            session.save()
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value,
                              "url": live_server.url}])
    return context.new_page()


def _world() -> dict[str, Any]:
    city = factories.make_city()
    police = make_agency(city)
    alder = factories.nbhd(city, "Alder")
    users = {"resident": factories.make_resident(alder, name="Nora Neighbor"),
             "tips": make_staff(police, "tips", "Tia Tips"),
             "publisher": make_staff(police, "publisher", "Pat Publisher")}
    post = publish(users["publisher"], police, title="Graffiti by the levee: seen anything?",
                   neighborhoods=["alder"])
    return {"police": police, "users": users, "post": post}


def test_an_anonymous_tip_answered_by_the_tips_desk_and_read_by_code(chromium, live_server):
    world = _world()
    users = world["users"]

    # 1. A resident, signed in, sends an anonymous tip from the request's page.
    resident = _page(chromium, live_server, users["resident"], phone=True)
    resident.goto(f"/agency-posts/{world['post'].pk}/")
    resident.get_by_role("link", name="Send a private tip").click()
    expect(_h1(resident)).to_have_text("Send a tip to Testville Police")
    expect(resident.get_by_role("main")).to_contain_text(
        "About the post “Graffiti by the levee: seen anything?”.")
    expect(resident.get_by_label("Anonymous: nothing links the tip to you")).to_be_checked()
    resident.get_by_label("Your tip").fill(TIP)
    resident.get_by_label("Where (optional)").fill("Levee path behind Quail Run")
    resident.get_by_role("button", name="Send the tip").click()
    expect(_h1(resident)).to_have_text("Your tip was sent")
    code = resident.locator("[data-tip-code]").inner_text().strip()
    assert len(code) >= 16
    assert code not in resident.url  # never in a URL: not in history, not in a log
    tip = Tip.objects.get()
    assert (tip.anonymous, tip.sender_id, tip.agency_post_id) == (True, None, world["post"].pk)

    # 2. The tips desk answers it from the inbox.
    officer = _page(chromium, live_server, users["tips"])
    officer.goto("/agency/testville-police/")
    officer.get_by_role("navigation", name="Testville Police").get_by_role(
        "link", name="Tips").click()
    expect(_h1(officer)).to_have_text("Tips")
    expect(officer.get_by_role("main")).to_contain_text("1 new tip")
    officer.get_by_role("link", name=f"Tip {tip.pk}").click()
    expect(_h1(officer)).to_have_text(f"Tip {tip.pk}")
    expect(officer.get_by_role("main")).to_contain_text(TIP)
    expect(officer.get_by_role("main")).to_contain_text("Anonymous")
    officer.get_by_label("Reply to the tipster").fill(ANSWER)
    officer.get_by_role("button", name="Send to the tipster").click()
    expect(officer.get_by_role("status")).to_contain_text(
        "Your reply is in the tipster's conversation.")

    # 3. The tipster, with the code only (a fresh browser, no account), reads and answers.
    tipster = _page(chromium, live_server, phone=True)
    tipster.goto("/tips/")
    tipster.get_by_label("Your follow-up code").fill(code)
    tipster.get_by_role("button", name="Read the answers").click()
    expect(_h1(tipster)).to_have_text("Your tip to Testville Police")
    expect(tipster.get_by_role("main")).to_contain_text(ANSWER)
    assert code not in tipster.url
    tipster.get_by_label("Write back to the agency").fill(BACK)
    tipster.get_by_role("button", name="Send").click()
    expect(tipster.get_by_role("main")).to_contain_text("Your message was sent.")
    expect(tipster.get_by_role("main")).to_contain_text(BACK)
    assert list(TipMessage.objects.order_by("pk").values_list("sender", flat=True)) == [
        "agency", "tipster"]


def _violations(page: Any, name: str, phone: bool) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"{name} ({'phone' if phone else 'desktop'}) breaks {len(violations)} WCAG rule(s):\n"
        f"{describe_violations(violations)}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - "
                             "document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than the screen"


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_no_wcag_violations_on_the_tips_pages(chromium, live_server, phone):
    world = _world()
    users = world["users"]
    sent = actions.submit_tip(agency=world["police"], body=TIP, agency_post=world["post"])
    actions.staff_reply(users["tips"], sent.tip, ANSWER)

    visitor = _page(chromium, live_server, phone=phone)
    visitor.goto("/agencies/testville-police/tip/")
    _violations(visitor, "send (anonymous visitor)", phone)
    visitor.get_by_role("button", name="Send the tip").click()  # empty: the error summary
    expect(visitor.locator("[data-error-summary]")).to_be_visible()
    _violations(visitor, "send with errors", phone)
    visitor.get_by_label("Your tip").fill("A car circles at night")
    visitor.get_by_role("button", name="Send the tip").click()
    expect(_h1(visitor)).to_have_text("Your tip was sent")
    _violations(visitor, "sent", phone)
    visitor.goto("/tips/")
    visitor.get_by_label("Your follow-up code").fill(sent.code)
    visitor.get_by_role("button", name="Read the answers").click()
    expect(visitor.get_by_role("main")).to_contain_text(ANSWER)
    _violations(visitor, "conversation", phone)

    resident = _page(chromium, live_server, users["resident"], phone=phone)
    resident.goto("/agencies/testville-police/tip/")
    expect(resident.get_by_label("Private: the tips staff see your name and neighborhood")
           ).to_be_visible()
    _violations(resident, "send (resident)", phone)

    officer = _page(chromium, live_server, users["tips"], phone=phone)
    officer.goto("/agency/testville-police/tips/")
    expect(_h1(officer)).to_have_text("Tips")
    _violations(officer, "inbox", phone)
    officer.goto(f"/agency/testville-police/tips/{sent.tip.pk}/")
    expect(officer.get_by_role("main")).to_contain_text(ANSWER)
    _violations(officer, "tip", phone)
