"""A small, lived-in Testville for the page checks, and the list of main pages to open.

Every page is opened as the role that normally sees it, with content on it (posts, replies,
a report, a postcard batch), so the checks look at real pages, not empty shells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import load_gazetteer
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import User
from townsquare.posts import actions as posts
from townsquare.posts.models import Category, Post

LONG_LINK = ("https://www.cityofsacramento.gov/public-works/transportation/"
             "street-maintenance/pothole-repair-request-form-and-status-tracking")


@dataclass
class World:
    users: dict[str, User | None]
    cat_post: Post
    safety_post: Post
    link_post: Post  # no title: its heading is its first words, here one long link


def build_world() -> World:
    city = factories.make_city()
    load_gazetteer(city)
    alder = factories.nbhd(city, "Alder")
    lead = factories.make_resident(alder, lead=True, name="Lee Lead")
    neighbor = factories.make_resident(alder, name="Nora Neighbor")
    seller = factories.make_resident(alder, name="Sid Seller")
    unverified = accounts.signup_resident(
        email="una@example.org", password=factories.PASSWORD, display_name="Una Verified",
        address="4330 Quail Run",
    ).user
    cat_post = factories.make_post(
        lead, title="Lost cat on Quail Run",
        body=f"Grey tabby, answers to Miso. The city's form for the pothole: {LONG_LINK}",
    )
    posts.create_reply(neighbor, cat_post, body="I saw a grey cat by the park this morning.")
    posts.create_reply(lead, cat_post, body="Thank you, I am checking there now.")
    safety_post = factories.make_post(
        neighbor, title="Car window broken on Quail Run", category=Category.CRIME_SAFETY,
        body="Someone broke a car window last night around 2 am.",
        person={"top": "Red hooded jacket", "bottom": "Dark jeans", "shoes": "White sneakers"},
    )
    link_post = factories.make_post(
        neighbor, body=f"{LONG_LINK} is where to ask for a pothole repair.")
    spam = factories.make_post(seller, title="Cheap watches", body="Best prices, call now.")
    posts.report_content(neighbor, spam, reason="spam", note="Posted in three neighborhoods.")
    return World(
        users={"anonymous": None, "unverified": unverified, "neighbor": neighbor,
               "lead": lead, "operator": factories.make_operator()},
        cat_post=cat_post, safety_post=safety_post, link_post=link_post,
    )


def _submit_empty_signup(page: Page) -> None:
    page.get_by_role("button", name="Sign up").click()
    # site.js moves focus to the error summary, so a screen reader reads it first.
    expect(page.locator("[data-error-summary]")).to_be_focused()


def _choose_crime_safety(page: Page) -> None:
    page.get_by_label("Category").select_option(label="Crime & safety")
    expect(page.get_by_role("group", name="Describing a person?")).to_be_visible()


def _open_report_form(page: Page) -> None:
    page.get_by_text("Report this post").click()
    expect(page.get_by_role("radio", name="Spam or advertising")).to_be_visible()


def _prepare_batch(world: World) -> None:
    accounts.request_postcard_batch(world.users["operator"])
    factories.run_worker()


@dataclass(frozen=True)
class PageSpec:
    name: str
    role: str
    path: Callable[[World], str]
    heading: str  # the h1 that proves the right page opened, not a 403 or a log-in page
    prepare: Callable[[Page], None] | None = None  # after load: open a state of the page
    setup: Callable[[World], None] | None = None  # before load: data only this page needs
    shows: list[str] = field(default_factory=list)  # text that proves the content is there


PAGES = [
    PageSpec("home", "anonymous", lambda w: "/", "Neighbors, verified, in one town square",
             shows=["Testville", "0 of 9"]),
    PageSpec("neighborhood", "anonymous", lambda w: "/n/testville/alder/", "Alder",
             shows=["Nearby neighborhoods"]),
    PageSpec("neighborhood-members", "neighbor", lambda w: "/n/testville/alder/", "Alder",
             shows=["Members", "Nora Neighbor", "QUAIL RUN"]),
    PageSpec("signup", "anonymous", lambda w: "/signup/", "Join your neighborhood",
             shows=["Where do you live?"]),
    PageSpec("signup-errors", "anonymous", lambda w: "/signup/", "Join your neighborhood",
             prepare=_submit_empty_signup, shows=["There is a problem"]),
    PageSpec("login", "anonymous", lambda w: "/login/", "Log in"),
    PageSpec("welcome", "unverified", lambda w: "/welcome/",
             "You're in. Now verify your address.", shows=["A postcard in the mail"]),
    PageSpec("verify", "unverified", lambda w: "/verify/", "Verify your address",
             shows=["Code from your postcard"]),
    PageSpec("feed", "neighbor", lambda w: "/feed/", "Alder",
             shows=["Lost cat on Quail Run", "Car window broken on Quail Run"]),
    PageSpec("new-post", "neighbor", lambda w: "/posts/new/", "New post",
             prepare=_choose_crime_safety, shows=["Race alone is not a description."]),
    PageSpec("post-detail", "neighbor", lambda w: f"/posts/{w.cat_post.pk}/",
             "Lost cat on Quail Run", prepare=_open_report_form,
             shows=["I saw a grey cat by the park", "2 replies"]),
    PageSpec("post-person", "neighbor", lambda w: f"/posts/{w.safety_post.pk}/",
             "Car window broken on Quail Run", shows=["Red hooded jacket"]),
    PageSpec("post-untitled", "neighbor", lambda w: f"/posts/{w.link_post.pk}/",
             LONG_LINK[:79] + "…", shows=["is where to ask for a pothole repair."]),
    PageSpec("search", "neighbor", lambda w: "/search/?q=cat", "Search posts",
             shows=['1 result for "cat"', "Lost cat on Quail Run"]),
    PageSpec("settings", "neighbor", lambda w: "/settings/", "Settings",
             shows=["Nearby neighborhoods in your feed"]),
    PageSpec("invite", "neighbor", lambda w: "/invite/", "Invite a neighbor"),
    PageSpec("moderation", "lead", lambda w: "/moderation/", "Moderation",
             shows=["Spam or advertising", "Cheap watches"]),
    PageSpec("operator-postcards", "operator", lambda w: "/operator/postcards/",
             "Verification postcards", setup=_prepare_batch, shows=["PDF of batch"]),
]


def open_page(new_page: Callable[..., Page], world: World, spec: PageSpec, *,
              phone: bool) -> Page:
    """Open `spec` as its role, check it is the page meant, and put it in the state to check."""
    if spec.setup is not None:
        spec.setup(world)
    page = new_page(phone=phone, user=world.users[spec.role])
    response = page.goto(spec.path(world))
    assert response is not None and response.status == 200, (
        f"{spec.name}: {response.status if response else 'no response'}")
    expect(page.get_by_role("heading", level=1)).to_have_text(spec.heading)
    if spec.prepare is not None:
        spec.prepare(page)
    for text in spec.shows:
        expect(page.get_by_role("main")).to_contain_text(text)
    return page


def page_ids(pages: list[PageSpec]) -> list[str]:
    return [spec.name for spec in pages]

