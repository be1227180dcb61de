"""An agency end to end, in a real browser: a new officer sets a password through the link,
logs in, sets up the authenticator app (the code computed from the key on the page, as an
app would), publishes a request for information to one neighborhood after checking the
audience, a resident there reads it and replies, the officer reads the reply (name and
neighborhood only), and a resident of another neighborhood sees neither post nor reply."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests import factories
from tests.agencies.factories import make_agency
from tests.browser.conftest import log_in
from townsquare.agencies import actions
from townsquare.agencies.models import AgencyPost

OFFICER = "olive.officer@police.testville.gov"
OFFICER_PASSWORD = "seven quiet lanterns by the levee"
TITLE = "Did you see a grey van on Quail Run?"
BODY = "A break-in on the 4300 block of Quail Run on Monday night. Any detail helps."
REPLY = "A grey van was parked by the park at 9 pm, no plates I could read."


def _h1(page):
    return page.get_by_role("heading", level=1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_publishes_to_one_neighborhood_and_only_it_answers(new_page, gazetteer):
    police = make_agency(gazetteer)
    alder = factories.nbhd(gazetteer, "Alder")
    factories.make_resident(alder, name="Nora Neighbor", email="nora@example.org")
    factories.make_resident(alder, name="Al Second")  # Alder: 2 verified residents
    factories.make_resident(factories.nbhd(gazetteer, "Ironwood"), name="Ivan Ironwood",
                            email="ivan@example.org")
    _staff, link = actions.add_agency_staff(police, OFFICER, "publisher",
                                            display_name="Olive Officer", send_email=False)

    # 1. The officer sets a password through the link, then logs in as on any other day.
    officer = new_page()
    officer.goto(urlsplit(link).path)
    expect(_h1(officer)).to_have_text("Set your password")
    officer.get_by_label("New password").fill(OFFICER_PASSWORD)
    officer.get_by_label("The same password again").fill(OFFICER_PASSWORD)
    officer.get_by_role("button", name="Set the password").click()
    # Signed in with the password only: the agency's pages ask for the second step first.
    expect(_h1(officer)).to_have_text("Set up your authenticator app")
    officer.get_by_role("button", name="Log out").click()
    log_in(officer, OFFICER, OFFICER_PASSWORD)

    # 2. The agency's pages need the authenticator app; the code comes from the key shown.
    officer.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Testville Police").click()
    expect(_h1(officer)).to_have_text("Set up your authenticator app")
    expect(officer.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = officer.locator("[data-totp-secret]").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    officer.get_by_label("6-digit code from your authenticator app").fill(code)
    officer.get_by_role("button", name="Confirm and continue").click()
    expect(officer.get_by_role("status")).to_contain_text("Your authenticator app is set up.")
    expect(_h1(officer)).to_have_text("Testville Police")
    expect(officer.get_by_role("main")).to_contain_text("Publish your first post.")

    # 3. A request for information to Alder only; the audience shows before publishing.
    officer.get_by_role("navigation", name="Testville Police").get_by_role(
        "link", name="New post").click()
    expect(_h1(officer)).to_have_text("New post")
    audience = officer.locator("[data-audience]")
    officer.get_by_label("Kind of post").select_option(label="Request for information")
    expect(officer.get_by_role("group", name="Only for a request for information")).to_be_visible()
    expect(officer.get_by_role("group", name="Only for an event")).to_be_hidden()
    officer.get_by_label("Title").fill(TITLE)
    officer.get_by_label("Message").fill(BODY)
    officer.get_by_label("Case number (optional)").fill("24-0117")
    officer.get_by_label("Area it concerns (optional)").fill("Quail Run, 4300 block")
    officer.get_by_label("Chosen neighborhoods").check()
    officer.get_by_label("Alder", exact=True).check()
    expect(audience).to_contain_text("This will reach 2 verified residents in 1 neighborhood.")
    officer.get_by_role("button", name="Publish").click()
    expect(officer.get_by_role("status")).to_contain_text(
        "Your post is published. It reached 2 verified residents.")
    expect(_h1(officer)).to_have_text(TITLE)
    post = AgencyPost.objects.get()
    assert (post.kind, post.audience_size, post.case_number) == (
        "request_for_information", 2, "24-0117")
    assert list(post.target_rows.values_list("neighborhood__slug", flat=True)) == ["alder"]
    staff_url = officer.url

    # 4. Nora, in Alder, finds it in her inbox (one unread) and in her feed, and replies.
    nora = new_page(phone=True)
    log_in(nora, "nora@example.org")
    inbox_link = nora.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox")
    expect(inbox_link).to_have_accessible_name("Inbox 1 unread")
    inbox_link.click()
    expect(nora.get_by_role("article", name=TITLE)).to_contain_text("Unread")
    nora.get_by_role("navigation", name="Main").get_by_role("link", name="Feed").click()
    card = nora.get_by_role("article", name=TITLE)
    expect(card).to_contain_text("Verified agency")
    card.get_by_role("link", name=TITLE).click()
    expect(_h1(nora)).to_have_text(TITLE)
    expect(nora.get_by_role("main")).to_contain_text("Quail Run, 4300 block")
    nora.get_by_label("Your reply").fill(REPLY)
    nora.get_by_role("button", name="Reply to Testville Police").click()
    expect(nora.get_by_role("article", name="Reply by Nora Neighbor")).to_contain_text(REPLY)
    expect(nora.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox")
           ).to_have_accessible_name("Inbox")  # read now: the count is hidden
    post_path = urlsplit(nora.url).path

    # 5. The officer sees the reply: display name and neighborhood, nothing more.
    officer.goto(staff_url)
    reply = officer.get_by_role("article", name="Reply by Nora Neighbor, Alder")
    expect(reply).to_contain_text(REPLY)
    expect(officer.get_by_role("main")).not_to_contain_text("nora@example.org")
    expect(officer.get_by_role("row", name=re.compile(r"^Alder"))).to_contain_text("2")

    # 6. Ivan, in Ironwood, sees neither the post nor the reply, anywhere.
    ivan = new_page()
    log_in(ivan, "ivan@example.org")
    response = ivan.goto(post_path)
    assert response is not None and response.status == 404
    ivan.goto("/feed/")
    expect(_h1(ivan)).to_have_text("Ironwood")
    expect(ivan.get_by_role("main")).not_to_contain_text(TITLE)
    ivan.goto("/inbox/")
    expect(_h1(ivan)).to_have_text("Inbox")
    expect(ivan.get_by_role("main")).to_contain_text("No posts yet.")
    for path in ("/feed/", "/inbox/", "/search/?q=van"):
        ivan.goto(path)
        expect(ivan.locator("body")).not_to_contain_text(TITLE)
        expect(ivan.locator("body")).not_to_contain_text(REPLY)
