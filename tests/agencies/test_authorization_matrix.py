"""THE AUTHORIZATION MATRIX OF THE PRIVACY WALL: every agency endpoint and every resident
endpoint x every role, with the exact status of each cell.

Roles (tests/conftest.py `agency_roles`): anonymous; unverified (Alder, not verified);
resident_in (Alder: the agency post's target); resident_out (Ironwood: not targeted);
admin, publisher, tips (Testville Police staff); other_staff (Testville Water's admin);
operator.

The world: Testville Police's request for information to Alder, with a reply by
resident_in; a resident post in Alder by Ada (who lives at 12 Alder Lane), with a reply by
resident_in. Every cell also checks the error shape, that no resident's home address or
point leaks, and that no staff response ever holds a resident post, a reply outside the
staff's own agency's posts, a resident's street or email.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.agencies.factories import make_staff, publish
from tests.api.conftest import ApiClient, as_user, make_resident_at_address
from tests.api.test_authorization_matrix import assert_no_home_leaks
from townsquare.accounts.models import User
from townsquare.agencies import actions as agency_actions
from townsquare.agencies.models import Agency, AgencyPost, AgencyStaff
from townsquare.posts import actions as posts
from townsquare.posts.models import Post

# Domains whose endpoints have their matrix in tests/<domain>/test_api_matrix.py.
DOMAIN_MATRICES = ("tips", "questions", "incidents", "coverage")

ROLES = ["anonymous", "unverified", "resident_in", "resident_out", "admin", "publisher",
         "tips", "other_staff", "operator"]
STAFF = {"admin", "publisher", "tips", "other_staff"}
AGENCY = "/agencies/testville-police"

RESIDENT_POST_TEXT = ("Parcel thief", "Watch your parcels")
RESIDENT_REPLY_TEXT = "Thanks for the warning"
AGENCY_REPLY_TEXT = "I saw the van near the school"


@dataclass
class World:
    users: dict[str, User | None]
    post: Post
    agency_post: AgencyPost
    agency_reply_id: int
    extra_staff: AgencyStaff
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    cells: list[int]
    body: Callable[[World, str], Any] | dict[str, Any] | None = None
    setup: Callable[[World], None] | None = None
    multipart: bool = False


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(out, "JPEG")
    return out.getvalue()


def _credentials(world: World, role: str) -> dict[str, str]:
    user = world.users[role]
    return {"email": user.email if user else "nobody@example.org",
            "password": factories.PASSWORD}


def _new_resident(world: World, role: str) -> dict[str, Any]:
    lat, lon = factories.center_of(world.post.neighborhood)
    return {"email": f"new-{role}@example.org", "password": factories.PASSWORD,
            "display_name": f"New {role}", "lat": lat, "lon": lon}


def _application(world: World, role: str) -> dict[str, Any]:
    return {"name": f"Testville Parks {role}", "kind": "city", "city": "testville",
            "website": "https://parks.testville.gov", "email_domain": "parks.testville.gov",
            "contact_name": "Pat Parks", "contact_email": "pat@parks.testville.gov"}


def _hide(world: World) -> None:
    posts.hide_post(world.users["operator"], world.post)


def _report(world: World) -> None:
    world.extra["report"] = posts.report_content(world.users["resident_in"], world.post,
                                                 reason="spam")


def _pending(world: World) -> None:
    world.extra["application"] = agency_actions.apply_for_agency(
        **{**_application(world, "pending"), "city": world.post.neighborhood.city})


def _image(world: World) -> None:
    world.extra["image"] = agency_actions.attach_image(
        world.users["publisher"], world.agency_post, io.BytesIO(jpeg()), len(jpeg()))


def _an_alert(world: World) -> None:
    AgencyPost.objects.filter(pk=world.agency_post.pk).update(kind="alert")
    world.agency_post.kind = "alert"


def _thanked(world: World) -> None:
    agency_actions.thank_agency_post(world.users["resident_in"], world.agency_post)


NEW_AGENCY_POST = {"kind": "advisory", "title": "Heat advisory", "body": "Drink water.",
                   "neighborhoods": ["alder"]}


def _push_subscription(world: Any, role: str) -> dict[str, Any]:
    """A real browser's subscription (a P-256 key and an auth secret), one per role."""
    from tests.notifications.sinks import FakeBrowser

    browser = FakeBrowser()
    return {"endpoint": f"https://push.example.net/send/{role}",
            "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}


#   anonymous, unverified, resident_in, resident_out, admin, publisher, tips, other_staff, operator
ROWS = [
    # --- public -----------------------------------------------------------------------------
    Row("openapi", "GET", "/openapi.json", [200] * 9),
    Row("city neighborhoods", "GET", "/cities/testville/neighborhoods", [200] * 9),
    Row("locate", "GET", "/locate?lat=38.595&lon=-121.495", [200] * 9),
    Row("neighborhood page", "GET", "/neighborhoods/testville/alder", [200] * 9),
    Row("sign up", "POST", "/residents", [201] * 9, body=_new_resident),
    # Staff accounts have no password until they use their one-time link.
    Row("token", "POST", "/auth/token", [401, 200, 200, 200, 401, 401, 401, 401, 200],
        body=_credentials),
    # The same answer for every caller; a made-up link is refused.
    Row("password reset", "POST", "/auth/password-reset", [202] * 9,
        body={"email": "someone@example.org"}),
    Row("password reset confirm", "POST", "/auth/password-reset/confirm", [400] * 9,
        body={"uid": "MQ", "token": "made-up", "password": "a brand new passphrase 42"}),
    # --- the caller's account -----------------------------------------------------------------
    Row("me", "GET", "/me", [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    Row("redeem code", "POST", "/verification/code",
        [401, 400, 200, 200, 403, 403, 403, 403, 403], body={"code": "ZZZZ-ZZZZ"}),
    Row("invite", "POST", "/invitations", [401, 403, 201, 201, 403, 403, 403, 403, 403],
        body={"email": "friend@example.org"}),
    Row("accept invitation", "POST", "/invitations/accept",
        [401, 400, 400, 400, 403, 403, 403, 403, 403], body={"token": "inv_unknown"}),
    # --- reading many posts -------------------------------------------------------------------
    Row("feed", "GET", "/feed", [401] + [200] * 8),
    Row("search", "GET", "/search?q=parcel", [401] + [200] * 8),
    # --- a resident post ----------------------------------------------------------------------
    Row("create post", "POST", "/posts", [401, 403, 201, 201, 403, 403, 403, 403, 403],
        body={"body": "A new post"}),
    Row("read post", "GET", "/posts/{post}", [401, 404, 200, 404, 404, 404, 404, 404, 200]),
    Row("edit post", "PATCH", "/posts/{post}", [401] + [404] * 8, body={"body": "Edited"}),
    Row("delete post", "DELETE", "/posts/{post}", [401] + [404] * 8),
    Row("read replies", "GET", "/posts/{post}/replies",
        [401, 404, 200, 404, 404, 404, 404, 404, 200]),
    Row("reply", "POST", "/posts/{post}/replies", [401, 404, 201, 404, 404, 404, 404, 404, 403],
        body={"body": "A reply"}),
    Row("thank", "POST", "/posts/{post}/thanks", [401, 404, 200, 404, 404, 404, 404, 404, 403]),
    Row("unthank", "DELETE", "/posts/{post}/thanks",
        [401, 404, 200, 404, 404, 404, 404, 404, 404]),
    Row("report", "POST", "/posts/{post}/reports", [401, 404, 201, 404, 404, 404, 404, 404, 403],
        body={"reason": "spam"}),
    # --- moderation ---------------------------------------------------------------------------
    Row("moderation queue", "GET", "/moderation/reports", [401] + [403] * 7 + [200]),
    Row("hide", "POST", "/posts/{post}/hide", [401] + [404] * 7 + [200], body={"note": "m"}),
    Row("unhide", "POST", "/posts/{post}/unhide", [401] + [404] * 7 + [200], setup=_hide),
    Row("dismiss report", "POST", "/reports/{report}/dismiss", [401] + [404] * 7 + [200],
        setup=_report),
    # --- agency applications ------------------------------------------------------------------
    Row("apply", "POST", "/agencies/applications", [201] * 9, body=_application),
    Row("applications", "GET", "/agencies/applications/pending", [401] + [403] * 7 + [200]),
    Row("approve", "POST", "/agencies/applications/{application}/approve",
        [401] + [403] * 7 + [200], setup=_pending),
    Row("reject", "POST", "/agencies/applications/{application}/reject",
        [401] + [403] * 7 + [200], setup=_pending),
    Row("agency profile", "GET", AGENCY, [200] * 9),
    # --- agency staff, audit, exports -------------------------------------------------------
    Row("staff list", "GET", f"{AGENCY}/staff", [401, 403, 403, 403, 200, 403, 403, 403, 200]),
    Row("add staff", "POST", f"{AGENCY}/staff", [401, 403, 403, 403, 201, 403, 403, 403, 201],
        body={"email": "new.officer@police.testville.gov", "role": "tips"}),
    Row("change role", "PATCH", f"{AGENCY}/staff/{{staff}}",
        [401, 403, 403, 403, 200, 403, 403, 403, 200], body={"role": "publisher"}),
    Row("remove staff", "DELETE", f"{AGENCY}/staff/{{staff}}",
        [401, 403, 403, 403, 204, 403, 403, 403, 204]),
    Row("audit log", "GET", f"{AGENCY}/audit", [401, 403, 403, 403, 200, 403, 403, 403, 200]),
    Row("audit csv", "GET", f"{AGENCY}/audit.csv",
        [401, 403, 403, 403, 200, 403, 403, 403, 200]),
    Row("export csv", "GET", f"{AGENCY}/export.csv",
        [401, 403, 403, 403, 200, 403, 403, 403, 200]),
    Row("export json", "GET", f"{AGENCY}/export.json",
        [401, 403, 403, 403, 200, 403, 403, 403, 200]),
    # --- agency posts, staff side -------------------------------------------------------------
    Row("publish", "POST", f"{AGENCY}/posts", [401, 403, 403, 403, 201, 201, 403, 403, 403],
        body=NEW_AGENCY_POST),
    Row("agency posts", "GET", f"{AGENCY}/posts", [401, 403, 403, 403, 200, 200, 200, 403, 200]),
    Row("agency post", "GET", f"{AGENCY}/posts/{{agency_post}}",
        [401, 403, 403, 403, 200, 200, 200, 403, 200]),
    Row("edit agency post", "PATCH", f"{AGENCY}/posts/{{agency_post}}",
        [401, 403, 403, 403, 200, 200, 403, 403, 403], body={"title": "Updated"}),
    Row("withdraw", "POST", f"{AGENCY}/posts/{{agency_post}}/withdraw",
        [401, 403, 403, 403, 200, 200, 403, 403, 200], body={"note": "m"}),
    Row("audience", "POST", f"{AGENCY}/audience", [401, 403, 403, 403, 200, 200, 403, 403, 403],
        body={"neighborhoods": ["alder"]}),
    Row("reach", "GET", f"{AGENCY}/posts/{{agency_post}}/reach",
        [401, 403, 403, 403, 200, 200, 200, 403, 200]),
    Row("delivery report", "GET", f"{AGENCY}/posts/{{agency_post}}/delivery",
        [401, 403, 403, 403, 200, 200, 200, 403, 200]),
    Row("upload image", "POST", f"{AGENCY}/posts/{{agency_post}}/images",
        [401, 403, 403, 403, 201, 201, 403, 403, 403], multipart=True),
    # --- agency posts, residents' side -------------------------------------------------------
    Row("read agency post", "GET", "/agency-posts/{agency_post}",
        [401, 404, 200, 404, 200, 200, 200, 404, 200]),
    Row("agency post image", "GET", "/agency-posts/{agency_post}/images/{image}",
        [401, 404, 200, 404, 200, 200, 200, 404, 200], setup=_image),
    Row("agency replies", "GET", "/agency-posts/{agency_post}/replies",
        [401, 404, 200, 404, 200, 200, 200, 404, 200]),
    Row("reply to agency", "POST", "/agency-posts/{agency_post}/replies",
        [401, 404, 201, 404, 403, 403, 403, 404, 403], body={"body": "Me too"}),
    Row("delete agency reply", "DELETE", "/agency-posts/{agency_post}/replies/{agency_reply}",
        [401, 404, 204, 404, 404, 404, 404, 404, 404]),
    Row("hide agency reply", "POST",
        "/agency-posts/{agency_post}/replies/{agency_reply}/hide",
        [401, 404, 403, 404, 200, 403, 200, 404, 200]),
    Row("thank agency", "POST", "/agency-posts/{agency_post}/thanks",
        [401, 404, 200, 404, 403, 403, 403, 404, 403]),
    Row("unthank agency", "DELETE", "/agency-posts/{agency_post}/thanks",
        [401, 404, 200, 404, 404, 404, 404, 404, 404], setup=_thanked),
    Row("post alert update", "POST", "/agency-posts/{agency_post}/updates",
        [401, 404, 404, 404, 201, 201, 403, 404, 403], body={"body": "Crews are on site."},
        setup=_an_alert),
    Row("inbox", "GET", "/inbox", [401] + [200] * 8),
    # --- notifications: every account has its own settings and browsers ------------------------
    Row("notification settings", "GET", "/me/notifications", [401] + [200] * 8),
    Row("change notification settings", "PUT", "/me/notifications", [401] + [200] * 8,
        body={"channels": {"email": True}}),
    Row("subscribe push", "POST", "/push/subscriptions", [401] + [201] * 8,
        body=_push_subscription),
    Row("unsubscribe push", "DELETE", "/push/subscriptions", [401] + [404] * 8,
        body={"endpoint": "https://push.example.net/send/nobody"}),
    Row("inbox read", "POST", "/inbox/{agency_post}/read",
        [401, 404, 200, 404, 200, 200, 200, 404, 404]),
    Row("inbox read all", "POST", "/inbox/read-all", [401] + [200] * 8),
]


def _cases() -> list[Any]:
    return [pytest.param(row, role, cell, id=f"{row.name}-{role}")
            for row in ROWS for role, cell in zip(ROLES, row.cells, strict=True)]


def _template(path: str) -> str:
    for name in ("post", "report", "application", "staff", "agency_post"):
        path = path.replace("{" + name + "}", "{id}")
    return (path.split("?")[0].replace("{image}", "{image_id}")
            .replace("{agency_reply}", "{reply_id}")
            .replace("/testville-police", "/{agency}")
            .replace("/testville/alder", "/{city}/{slug}").replace("/testville/", "/{city}/"))


def test_every_endpoint_is_in_this_matrix(anon, db):
    """The matrix is the privacy wall's spec: every endpoint of the API has a row here."""
    documented = {(method.upper(), path.removeprefix("/api/v1"))
                  for path, item in anon.get("/openapi.json").json()["paths"].items()
                  for method in item}
    in_matrix = {(row.method, _template(row.path)) for row in ROWS}
    for module in DOMAIN_MATRICES:  # the matrices of later domains, each in its own folder
        in_matrix |= importlib.import_module(f"tests.{module}.test_api_matrix").COVERED

    assert in_matrix == documented | {("GET", "/openapi.json")}


@pytest.fixture
def world(agency_roles, police, gazetteer, media) -> World:
    ada = make_resident_at_address("12 Alder Lane", name="Ada Author", email="ada@example.org")
    post = factories.make_post(ada, title=RESIDENT_POST_TEXT[0], body=RESIDENT_POST_TEXT[1])
    posts.create_reply(agency_roles["resident_in"], post, body=RESIDENT_REPLY_TEXT)
    agency_post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    reply = agency_actions.reply_to_agency_post(agency_roles["resident_in"], agency_post,
                                                body=AGENCY_REPLY_TEXT)
    extra = AgencyStaff.objects.get(user=make_staff(police, "tips", "Extra Tips"))
    return World(users={**agency_roles, "ada": ada}, post=post, agency_post=agency_post,
                 agency_reply_id=reply.pk, extra_staff=extra)


@pytest.fixture
def gazetteer(city):
    from tests.api.conftest import ADDRESSES
    from townsquare.places import actions as places

    places.import_addresses(city, io.StringIO(ADDRESSES))
    return city


def _path(world: World, row: Row) -> str:
    ids = {"post": world.post.pk, "agency_post": world.agency_post.pk,
           "agency_reply": world.agency_reply_id, "staff": world.extra_staff.pk,
           "report": getattr(world.extra.get("report"), "pk", 0),
           "application": getattr(world.extra.get("application"), "pk", 0),
           "image": getattr(world.extra.get("image"), "pk", 0)}
    return row.path.format(**ids)


def _call(client: ApiClient, row: Row, path: str, body: Any):
    if row.multipart:
        upload = SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg")
        return client.client.post(f"/api/v1{path}", data={"image": upload},
                                  headers=client.headers)
    if row.method == "GET":
        return client.client.get(f"/api/v1{path}", headers=client.headers)
    if body is None:
        return client.call(row.method, path)
    return client.call(row.method, path, body)


@pytest.mark.parametrize(("row", "role", "expected"), _cases())
def test_matrix(world, row, role, expected):
    if row.setup is not None:
        row.setup(world)
    user = world.users[role]
    client = as_user(user) if user is not None else ApiClient()
    path = _path(world, row)
    body = row.body(world, role) if callable(row.body) else row.body

    response = _call(client, row, path, body)

    assert response.status_code == expected, response.content
    if expected >= 400:
        error = response.json()
        assert set(error) <= {"error", "detail", "fields"}
        assert error["error"] and error["detail"]
    text = b"".join(response.streaming_content).decode("latin-1") if response.streaming \
        else response.content.decode()
    assert_no_home_leaks(text, world.users,
                         own=user.pk if user is not None and path == "/me" else None)
    if role in STAFF:
        assert_nothing_behind_the_wall(text, world, role)


def assert_nothing_behind_the_wall(text: str, world: World, role: str) -> None:
    """What no agency staff may ever see, whatever the endpoint."""
    forbidden = [*RESIDENT_POST_TEXT, RESIDENT_REPLY_TEXT]
    for user in world.users.values():
        resident = getattr(user, "resident", None) if user is not None else None
        if resident is not None:
            forbidden.append(user.email)
            if resident.street:
                forbidden.append(resident.street)
    if role == "other_staff":
        forbidden.append(AGENCY_REPLY_TEXT)  # another agency's replies
    leaked = [value for value in forbidden if value in text]
    assert leaked == []


def test_the_wall_check_sees_a_leak(world):
    """The check above can fail: a resident's own feed holds what staff must not see."""
    text = as_user(world.users["resident_in"]).get("/feed").content.decode()

    with pytest.raises(AssertionError):
        assert_nothing_behind_the_wall(text, world, "admin")


@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_show_the_agency_post_exactly_to_those_who_may_read_it(world, role):
    client = as_user(world.users[role])
    may_read = client.get(f"/agency-posts/{world.agency_post.pk}").status_code == 200

    in_feed = world.agency_post.pk in [p["id"] for p in client.get("/feed").json()["items"]
                                       if p["type"] == "agency"]
    in_inbox = world.agency_post.pk in [i["id"] for i in client.get("/inbox").json()["items"]]

    assert may_read == (role in {"resident_in", "admin", "publisher", "tips", "operator"})
    # Operators may read every post but have no neighborhood and no agency: no feed.
    assert in_feed == in_inbox == (may_read and role != "operator")


def test_staff_never_find_resident_posts_by_search(world):
    # The positive control: the same query finds the post for a resident who may see it, so
    # the empty answers below cannot come from a search that finds nothing at all.
    found = as_user(world.users["resident_in"]).get("/search", q="parcels").json()["items"]
    assert [item["id"] for item in found] == [world.post.pk]
    for role in STAFF:
        items = as_user(world.users[role]).get("/search", q="parcels").json()["items"]
        assert items == []


def test_an_agency_that_is_not_approved_is_not_found(world):
    pending = agency_actions.apply_for_agency(
        **{**_application(world, "x"), "city": world.post.neighborhood.city})
    assert Agency.objects.get(pk=pending.pk).status == "pending"

    for role in ("admin", "operator"):
        client = as_user(world.users[role])
        for path in (f"/agencies/{pending.slug}", f"/agencies/{pending.slug}/posts",
                     f"/agencies/{pending.slug}/audit"):
            assert client.get(path).status_code == 404
