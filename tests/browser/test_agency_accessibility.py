"""axe-core's WCAG 2.1 A/AA rules on every agency page, as the role that uses it, with
content on it, on a phone and on a desktop; and the compose page's map drawing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import Page, expect

from tests import factories
from tests.agencies.factories import make_agency, make_staff, publish
from tests.browser.conftest import DESKTOP, PHONE, WAIT_MS, axe_violations, describe_violations
from townsquare.accounts.actions import second_factor
from townsquare.agencies import actions
from townsquare.agencies.models import Agency, AgencyPost

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

P = "/agency/testville-police"


@dataclass
class AgencyWorld:
    users: dict[str, Any]
    post: AgencyPost
    practice: AgencyPost
    application: Agency
    link: str  # a fresh password link of a new staff member


def build_agency_world() -> AgencyWorld:
    city = factories.make_city()
    police = make_agency(city)
    alder = factories.nbhd(city, "Alder")
    users: dict[str, Any] = {
        "resident": factories.make_resident(alder, name="Nora Neighbor"),
        "admin": make_staff(police, "admin", "Alma Admin"),
        "publisher": make_staff(police, "publisher", "Pat Publisher"),
        "operator": factories.make_operator(),
    }
    factories.make_resident(factories.nbhd(city, "Birch"), name="Bo Birch")
    post = publish(users["publisher"], police, title="Did you see a grey van?",
                   neighborhoods=["alder", "birch"], case_number="24-0117",
                   rfi_area="Alder Lane, 100 block")
    actions.reply_to_agency_post(users["resident"], post, body="A grey van at 9 pm.")
    actions.thank_agency_post(users["resident"], post)
    practice = publish(users["publisher"], police, kind="alert", title="Practice alert",
                       practice=True)
    application = actions.apply_for_agency(
        name="Testville Fire", kind="fire", city=city, website="https://fire.testville.gov",
        email_domain="fire.testville.gov", contact_name="Fay Fire",
        contact_email="fay@fire.testville.gov")
    newcomer, link = actions.add_agency_staff(police, "new@police.testville.gov", "tips",
                                              send_email=False)
    users["newcomer"] = newcomer.user
    users["verifier"] = make_staff(police, "tips", "Tia Tips")
    parks = make_agency(city, "Testville Parks", domain="parks.testville.gov", kind="city")
    users["parks_admin"] = make_staff(parks, "admin", "Cleo Chief")
    second_factor.confirm_totp_enrolment(
        users["verifier"], second_factor.start_totp_enrolment(users["verifier"]),
        _code(users["verifier"]))
    return AgencyWorld(users, post, practice, application, urlsplit(link).path)


def _code(user: Any) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key):06d}"


def _submit_empty_post(page: Page) -> None:
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()


def _draw_an_area(page: Page) -> None:
    page.get_by_label("An area drawn on the map").check()
    drawing = page.locator("svg[data-draw-map]")
    box = drawing.bounding_box()
    for fx, fy in ((0.1, 0.1), (0.5, 0.1), (0.5, 0.5), (0.1, 0.5)):
        drawing.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    expect(page.locator("[data-draw-status]")).to_have_text("An area with 4 corners.")
    expect(page.locator("[data-audience]")).to_contain_text(
        "This will reach 2 verified residents in 4 neighborhoods.")


@dataclass(frozen=True)
class AgencyPage:
    name: str
    role: str  # a key of AgencyWorld.users
    path: Callable[[AgencyWorld], str]
    heading: str
    prepare: Callable[[Page], None] | None = None
    shows: list[str] = field(default_factory=list)
    second_factor: bool = True  # staff sessions have typed their code


PAGES = [
    AgencyPage("apply", "resident", lambda w: "/agencies/apply/",
               "Apply for a verified agency account", shows=["Your work email"]),
    AgencyPage("operator-applications", "operator", lambda w: "/operator/agencies/",
               "Agency applications", shows=["Testville Fire", "fay@fire.testville.gov"]),
    AgencyPage("set-password", "anonymous", lambda w: w.link, "Set your password"),
    AgencyPage("totp-setup", "newcomer", lambda w: "/accounts/two-factor/setup/",
               "Set up your authenticator app", second_factor=False,
               shows=["Type the code the app shows now"]),
    AgencyPage("totp-verify", "verifier", lambda w: "/accounts/two-factor/",
               "Type your sign-in code", second_factor=False),
    AgencyPage("dashboard", "admin", lambda w: f"{P}/", "Testville Police",
               shows=["Did you see a grey van?", "Practice alert"]),
    AgencyPage("dashboard-checklist", "parks_admin", lambda w: "/agency/testville-parks/",
               "Testville Parks", shows=["Getting started", "Invite at least one colleague"]),
    AgencyPage("compose", "publisher", lambda w: f"{P}/posts/new/", "New post",
               shows=["Who should receive it?"]),
    AgencyPage("compose-errors", "publisher", lambda w: f"{P}/posts/new/", "New post",
               prepare=_submit_empty_post, shows=["There is a problem"]),
    AgencyPage("compose-area", "publisher", lambda w: f"{P}/posts/new/", "New post",
               prepare=_draw_an_area),
    AgencyPage("staff-post", "publisher", lambda w: f"{P}/posts/{w.post.pk}/",
               "Did you see a grey van?", shows=["A grey van at 9 pm.", "Reach", "24-0117",
                                                 "Messages by channel"]),
    AgencyPage("staff-practice-post", "admin", lambda w: f"{P}/posts/{w.practice.pk}/",
               "Practice alert", shows=["Practice — only your staff see this"]),
    AgencyPage("edit", "publisher", lambda w: f"{P}/posts/{w.post.pk}/edit/",
               "Edit the post"),
    AgencyPage("withdraw", "publisher", lambda w: f"{P}/posts/{w.post.pk}/withdraw/",
               'Withdraw "Did you see a grey van?"?'),
    AgencyPage("staff", "admin", lambda w: f"{P}/staff/", "Staff",
               shows=["Pat Publisher", "Invite a colleague"]),
    AgencyPage("audit", "admin", lambda w: f"{P}/audit/", "Audit log",
               shows=["agencies.post_published"]),
    AgencyPage("exports", "admin", lambda w: f"{P}/exports/", "Exports"),
    AgencyPage("inbox", "resident", lambda w: "/inbox/", "Inbox",
               shows=["Did you see a grey van?", "Unread"]),
    AgencyPage("resident-post", "resident", lambda w: f"/agency-posts/{w.post.pk}/",
               "Did you see a grey van?", shows=["A grey van at 9 pm.", "Alder Lane"]),
    AgencyPage("feed-with-agency-post", "resident", lambda w: "/feed/", "Alder",
               shows=["Did you see a grey van?", "Verified agency"]),
]


def _context(browser: Any, live_server: Any, user: Any, *, phone: bool,
             second_factor_done: bool) -> Any:
    """A browser context with `user`'s session; staff sessions past the second factor (as
    after typing a code) unless told otherwise."""
    context = browser.new_context(viewport=PHONE if phone else DESKTOP,
                                  base_url=live_server.url)
    context.set_default_timeout(WAIT_MS)
    if user is not None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if second_factor_done and device is None and user.agency_memberships.exists():
            device = second_factor.start_totp_enrolment(user)
            device = second_factor.confirm_totp_enrolment(user, device, _code(user))
        if second_factor_done and device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value,
                              "url": live_server.url}])
    return context


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_no_wcag_violations_on_agency_pages(browser, live_server, spec, phone):
    world = build_agency_world()
    context = _context(browser, live_server, world.users.get(spec.role), phone=phone,
                       second_factor_done=spec.second_factor)
    try:
        page = context.new_page()
        response = page.goto(spec.path(world))
        assert response is not None and response.status == 200, (
            f"{spec.name}: {response.status if response else 'no response'}")
        expect(page.get_by_role("heading", level=1)).to_have_text(spec.heading)
        if spec.prepare is not None:
            spec.prepare(page)
        for text in spec.shows:
            expect(page.get_by_role("main")).to_contain_text(text)
        violations = axe_violations(page)
        assert not violations, (
            f"{spec.name} ({'phone' if phone else 'desktop'}, as {spec.role}) breaks "
            f"{len(violations)} WCAG rule(s):\n{describe_violations(violations)}")
        # Nothing wider than the screen (a phone must not scroll sideways).
        overflow = page.evaluate("() => document.documentElement.scrollWidth - "
                                 "document.documentElement.clientWidth")
        assert overflow <= 0, f"{spec.name}: {overflow}px wider than the viewport"
    finally:
        context.close()


def test_the_drawn_area_is_sent_as_geojson_and_kept_after_an_error(browser, live_server):
    world = build_agency_world()
    context = _context(browser, live_server, world.users["publisher"], phone=False,
                       second_factor_done=True)
    try:
        page = context.new_page()
        page.goto(f"{P}/posts/new/")
        page.get_by_label("Title").fill("")  # an error, so the page comes back
        _draw_an_area(page)
        page.get_by_role("button", name="Publish").click()
        expect(page.locator("[data-error-summary]")).to_be_focused()

        area = json.loads(page.locator("input[data-area]").input_value())
        assert area["type"] == "Polygon" and len(area["coordinates"][0]) == 5
        assert area["coordinates"][0][0] == area["coordinates"][0][-1]
        expect(page.locator("[data-draw-status]")).to_have_text("An area with 4 corners.")
        expect(page.get_by_label("An area drawn on the map")).to_be_checked()
        page.get_by_role("button", name="Remove the last corner").click()
        expect(page.locator("[data-draw-status]")).to_have_text("An area with 3 corners.")
        assert AgencyPost.objects.count() == 2  # the two of the world; nothing published
    finally:
        context.close()
