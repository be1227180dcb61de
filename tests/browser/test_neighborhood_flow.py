"""The neighborhood network end to end, in a real browser, as the people who use it.

A newcomer signs up with their home address, an operator prepares the postcard batch, the
worker makes it, the newcomer types the code from the card, posts, a neighbor replies, and
the newcomer reads the reply.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from townsquare.accounts.models import Resident

NEWCOMER = "pat@example.org"
ADDRESS = "4321 Quail Run"
TITLE = "Block party on Quail Run"
BODY = "Saturday from 3 pm, bring a chair. The street is closed to cars."
REPLY = "Count us in, we will bring lemonade."


def _h1(page):
    return page.get_by_role("heading", level=1)


def _sign_up(page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Join your neighborhood").click()
    expect(_h1(page)).to_have_text("Join your neighborhood")
    page.get_by_label("Email").fill(NEWCOMER)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_label("Your name as neighbors will see it").fill("Pat Newcomer")
    address = page.get_by_label("Home address")
    address.press_sequentially(ADDRESS)
    # The gazetteer suggests the address, with its neighborhood, while it is typed.
    page.wait_for_function(
        "([input, text]) => [...input.list.options].some("
        "  o => o.value === text && o.label === text + ' (Alder)')",
        arg=[address.element_handle(), ADDRESS],
    )
    page.get_by_role("button", name="Sign up").click()


def _prepare_postcards(page, *, waiting: int) -> int:
    """The operator prepares a batch; return its number."""
    page.get_by_role("link", name="Postcards").click()
    expect(_h1(page)).to_have_text("Verification postcards")
    expect(page.get_by_role("main")).to_contain_text(
        f"{waiting} resident{'s' if waiting != 1 else ''} waiting for a postcard.")
    page.get_by_role("button", name="Prepare a batch").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Batch #\d+ is being prepared"))
    number = int(re.search(r"#(\d+)", status.inner_text()).group(1))
    expect(page.get_by_role("row", name=re.compile(rf"#{number}\b"))).to_contain_text(
        "Being prepared")
    expect(page.get_by_role("button", name="Prepare a batch")).to_be_disabled()
    return number


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_newcomer_signs_up_verifies_posts_and_reads_a_neighbors_reply(new_page, gazetteer):
    alder = factories.nbhd(gazetteer, "Alder")
    factories.make_resident(alder, name="Nora Neighbor", email="nora@example.org")
    factories.make_operator(email="ops@example.org")

    # 1. The newcomer signs up and is asked to verify.
    newcomer = new_page(phone=True)
    _sign_up(newcomer)
    expect(newcomer).to_have_url(re.compile(r"/welcome/$"))
    expect(_h1(newcomer)).to_have_text("You're in. Now verify your address.")
    expect(newcomer.get_by_role("main")).to_contain_text("Your home is in Alder.")
    resident = Resident.objects.get(user__email=NEWCOMER)
    assert (resident.neighborhood_id, resident.home_address, resident.verified_at) == (
        alder.pk, ADDRESS, None)
    # Not verified: the feed stays closed.
    newcomer.get_by_role("navigation", name="Main").get_by_role("link", name="Feed").click()
    expect(_h1(newcomer)).to_have_text("Your feed opens once you are verified")

    # 2. The operator, in another browser, prepares the postcards; the worker makes them.
    desk = new_page()
    log_in(desk, "ops@example.org")
    batch = _prepare_postcards(desk, waiting=1)
    factories.run_worker()
    desk.reload()
    pdf_link = desk.get_by_role("link", name=f"PDF of batch #{batch}")
    expect(desk.get_by_role("row", name=re.compile(rf"#{batch}\b"))).to_contain_text("Ready")
    with desk.expect_download() as download:
        pdf_link.click()
    assert download.value.suggested_filename == f"postcards-{batch}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    expect(desk.get_by_role("main")).to_contain_text("0 residents waiting for a postcard.")

    # 3. The card arrives; the newcomer types its code. (The PDF's code cannot be read back
    # here, so a code is made the way the worker makes one.)
    code = factories.make_postcard_code(resident)
    newcomer.get_by_role("link", name="enter your postcard code").click()
    expect(_h1(newcomer)).to_have_text("Verify your address")
    newcomer.get_by_label("Code from your postcard").fill(code.lower())
    newcomer.get_by_role("button", name="Verify").click()
    expect(newcomer.get_by_role("status")).to_have_text("You are verified. Welcome to Alder!")
    expect(_h1(newcomer)).to_have_text("Alder")  # the feed of their neighborhood

    # 4. The newcomer posts in Alder. The person description is for crime & safety only.
    newcomer.get_by_role("main").get_by_role("link", name="New post").click()
    expect(_h1(newcomer)).to_have_text("New post")
    expect(newcomer.get_by_role("group", name="Describing a person?")).to_be_hidden()
    newcomer.get_by_label("Title (optional)").fill(TITLE)
    newcomer.get_by_label("What would you like to tell your neighbors?").fill(BODY)
    newcomer.get_by_label("Category").select_option(label="Events")
    newcomer.get_by_role("button", name="Publish").click()
    expect(newcomer.get_by_role("status")).to_have_text("Your post is published.")
    expect(_h1(newcomer)).to_have_text(TITLE)
    post_url = newcomer.url
    expect(newcomer.get_by_role("main")).to_contain_text("No replies yet.")

    # 5. A verified neighbor logs in, finds the post in the feed, opens it and replies.
    nora = new_page()
    log_in(nora, "nora@example.org")
    nora.get_by_role("link", name="Feed", exact=True).click()
    card = nora.get_by_role("article", name=TITLE)
    expect(card).to_contain_text("Pat Newcomer")
    expect(card).to_contain_text("Events")
    card.get_by_role("link", name=TITLE).click()
    expect(nora).to_have_url(post_url)
    expect(nora.get_by_role("main")).to_contain_text(BODY)
    nora.get_by_label("Your reply").fill(REPLY)
    nora.get_by_role("button", name="Reply", exact=True).click()
    expect(nora.get_by_role("article", name="Reply by Nora Neighbor")).to_contain_text(REPLY)

    # 6. The newcomer reloads the post and reads the reply.
    newcomer.reload()
    reply = newcomer.get_by_role("article", name="Reply by Nora Neighbor")
    expect(reply).to_contain_text(REPLY)
    expect(reply).to_contain_text("Alder")
    expect(newcomer.get_by_role("main")).to_contain_text("0 thanks · 1 reply")
