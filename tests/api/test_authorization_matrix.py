"""THE AUTHORIZATION MATRIX: every endpoint x every role, with the exact status of each cell.

The subject is a post in Alder by Ada, another Alder resident (she lives at 12 Alder Lane),
once not shared and once shared with nearby neighborhoods. Roles (tests/conftest.py):
neighbor and lead live in Alder, nearby in Birch (touches Alder), stranger in Ironwood (does
not); unverified lives in Alder; operator has no home. `author` is Ada herself.

A cell written `(a, b)` is `a` when the post is not shared and `b` when it is. Every cell
also checks that the answer carries the documented error shape and leaks no home address
or home point (a resident's own, in `GET /me`, excepted).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests import factories
from tests.api.conftest import ApiClient, as_user
from townsquare.accounts.models import Resident, User
from townsquare.posts import actions as posts
from townsquare.posts.models import Post

ROLES = ["anonymous", "unverified", "neighbor", "nearby", "stranger", "lead", "operator",
         "author"]
Cell = int | tuple[int, int]
AGENCY_PREFIXES = ("/agencies", "/agency-posts", "/inbox")


@dataclass
class World:
    users: dict[str, User | None]
    post: Post
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    cells: list[Cell]
    body: Callable[[World, str], Any] | dict[str, Any] | None = None
    setup: Callable[[World], None] | None = None

    @property
    def depends_on_sharing(self) -> bool:
        return any(isinstance(cell, tuple) for cell in self.cells)


def _own_credentials(world: World, role: str) -> dict[str, str]:
    user = world.users[role]
    return {"email": user.email if user else "nobody@example.org",
            "password": factories.PASSWORD}


def _new_resident(world: World, role: str) -> dict[str, Any]:
    lat, lon = factories.center_of(world.post.neighborhood)
    return {"email": f"new-{role}@example.org", "password": factories.PASSWORD,
            "display_name": f"New {role}", "lat": lat, "lon": lon}


def _hide(world: World) -> None:
    posts.hide_post(world.users["operator"], world.post)


def _report(world: World) -> None:
    world.extra["report"] = posts.report_content(world.users["neighbor"], world.post,
                                                 reason="spam")


def _push_subscription(world: Any, role: str) -> dict[str, Any]:
    """A real browser's subscription (a P-256 key and an auth secret), one per role."""
    from tests.notifications.sinks import FakeBrowser

    browser = FakeBrowser()
    return {"endpoint": f"https://push.example.net/send/{role}",
            "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}


#       anonymous, unverified, neighbor, nearby,     stranger, lead, operator, author
ROWS = [
    # --- public ---------------------------------------------------------------------------
    Row("openapi", "GET", "/openapi.json", [200, 200, 200, 200, 200, 200, 200, 200]),
    Row("city neighborhoods", "GET", "/cities/testville/neighborhoods",
        [200, 200, 200, 200, 200, 200, 200, 200]),
    Row("locate", "GET", "/locate?lat=38.595&lon=-121.495",
        [200, 200, 200, 200, 200, 200, 200, 200]),
    Row("neighborhood page", "GET", "/neighborhoods/testville/alder",
        [200, 200, 200, 200, 200, 200, 200, 200]),
    Row("sign up", "POST", "/residents", [201, 201, 201, 201, 201, 201, 201, 201],
        body=_new_resident),
    Row("token", "POST", "/auth/token", [401, 200, 200, 200, 200, 200, 200, 200],
        body=_own_credentials),
    # The same answer for every caller and address; a made-up link is refused.
    Row("password reset", "POST", "/auth/password-reset", [202] * 8,
        body={"email": "someone@example.org"}),
    Row("password reset confirm", "POST", "/auth/password-reset/confirm", [400] * 8,
        body={"uid": "MQ", "token": "made-up", "password": "a brand new passphrase 42"}),
    # --- the caller's account -------------------------------------------------------------
    Row("me", "GET", "/me", [401, 200, 200, 200, 200, 200, 200, 200]),
    # A wrong code: the unverified resident is told so; the verified already are.
    Row("redeem code", "POST", "/verification/code", [401, 400, 200, 200, 200, 200, 403, 200],
        body={"code": "ZZZZ-ZZZZ"}),
    Row("invite", "POST", "/invitations", [401, 403, 201, 201, 201, 201, 403, 201],
        body={"email": "friend@example.org"}),
    Row("accept invitation", "POST", "/invitations/accept",
        [401, 400, 400, 400, 400, 400, 403, 400], body={"token": "inv_unknown"}),
    # Notification settings and push subscriptions: every account has its own.
    Row("notification settings", "GET", "/me/notifications", [401] + [200] * 7),
    Row("change notification settings", "PUT", "/me/notifications", [401] + [200] * 7,
        body={"channels": {"email": True}}),
    Row("subscribe push", "POST", "/push/subscriptions", [401] + [201] * 7,
        body=_push_subscription),
    Row("unsubscribe push", "DELETE", "/push/subscriptions", [401] + [404] * 7,
        body={"endpoint": "https://push.example.net/send/nobody"}),
    # --- reading many posts ---------------------------------------------------------------
    Row("feed", "GET", "/feed", [401, 200, 200, 200, 200, 200, 200, 200]),
    Row("search", "GET", "/search?q=parcel", [401, 200, 200, 200, 200, 200, 200, 200]),
    # --- one post -------------------------------------------------------------------------
    Row("create post", "POST", "/posts", [401, 403, 201, 201, 201, 201, 403, 201],
        body={"body": "A new post"}),
    Row("read post", "GET", "/posts/{post}", [401, 404, 200, (404, 200), 404, 200, 200, 200]),
    Row("edit post", "PATCH", "/posts/{post}", [401, 404, 404, 404, 404, 404, 404, 200],
        body={"body": "Edited"}),
    Row("delete post", "DELETE", "/posts/{post}", [401, 404, 404, 404, 404, 404, 404, 204]),
    Row("read replies", "GET", "/posts/{post}/replies",
        [401, 404, 200, (404, 200), 404, 200, 200, 200]),
    Row("reply", "POST", "/posts/{post}/replies",
        [401, 404, 201, (404, 201), 404, 201, 403, 201], body={"body": "A reply"}),
    Row("thank", "POST", "/posts/{post}/thanks",
        [401, 404, 200, (404, 200), 404, 200, 403, 200]),
    Row("unthank", "DELETE", "/posts/{post}/thanks",
        [401, 404, 200, (404, 200), 404, 200, 404, 200]),
    Row("report", "POST", "/posts/{post}/reports",
        [401, 404, 201, (404, 201), 404, 201, 403, 201], body={"reason": "spam"}),
    # --- moderation -----------------------------------------------------------------------
    Row("moderation queue", "GET", "/moderation/reports",
        [401, 403, 403, 403, 403, 200, 200, 403]),
    Row("hide", "POST", "/posts/{post}/hide", [401, 404, 404, 404, 404, 200, 200, 404],
        body={"note": "matrix"}),
    Row("unhide", "POST", "/posts/{post}/unhide", [401, 404, 404, 404, 404, 200, 200, 404],
        setup=_hide),
    Row("dismiss report", "POST", "/reports/{report}/dismiss",
        [401, 404, 404, 404, 404, 200, 200, 404], setup=_report),
]


def _cases() -> list[Any]:
    cases = []
    for row in ROWS:
        for shared in ([False, True] if row.depends_on_sharing else [False]):
            for role, cell in zip(ROLES, row.cells, strict=True):
                expected = cell[shared] if isinstance(cell, tuple) else cell
                label = f"{row.name}-{'shared' if shared else 'alder-only'}-{role}"
                cases.append(pytest.param(row, shared, role, expected, id=label))
    return cases


DOMAIN_MATRICES = ("tips", "questions", "incidents", "coverage")


def test_every_endpoint_is_in_the_matrix(anon, db):
    """A new endpoint must get a row here (the matrix is the authorization spec)."""
    documented = {(method.upper(), path.removeprefix("/api/v1"))
                  for path, item in anon.get("/openapi.json").json()["paths"].items()
                  for method in item}
    in_matrix = {(row.method, row.path.split("?")[0].replace("{post}", "{id}")
                  .replace("{report}", "{id}")
                  .replace("/testville/alder", "/{city}/{slug}")
                  .replace("/testville/", "/{city}/"))
                 for row in ROWS}
    # Agency endpoints have their own matrix (tests/agencies/test_authorization_matrix.py).
    agency = {(m, p) for m, p in documented if p.startswith(AGENCY_PREFIXES)}
    # So have the later domains (tests/<domain>/test_api_matrix.py).
    for module in DOMAIN_MATRICES:
        agency |= importlib.import_module(f"tests.{module}.test_api_matrix").COVERED
    # The document itself is the one endpoint it does not list.
    assert in_matrix == (documented - agency) | {("GET", "/openapi.json")}


@pytest.fixture
def world(roles, author, request) -> World:
    callspec = getattr(request.node, "callspec", None)
    shared = callspec.params.get("shared", False) if callspec else False
    post = factories.make_post(author, title="Parcel thief", body="Watch your parcels",
                               share_nearby=shared)
    posts.create_reply(roles["neighbor"], post, body="Thanks for the warning")
    return World(users={**roles, "author": author}, post=post)


def _private_strings(users: dict[str, User | None]) -> dict[int, set[str]]:
    """Per resident (user id): the strings that would give their home away."""
    result: dict[int, set[str]] = {}
    for resident in Resident.objects.filter(user__in=[u for u in users.values() if u]):
        strings = {repr(resident.home_lat), repr(resident.home_lon)}
        if resident.home_address:
            strings |= {resident.home_address, resident.home_address.upper()}
        result[resident.user_id] = strings
    return result


@pytest.mark.parametrize(("row", "shared", "role", "expected"), _cases())
def test_matrix(world, row, shared, role, expected):
    if row.setup is not None:
        row.setup(world)
    user = world.users[role]
    client = as_user(user) if user is not None else ApiClient()
    report = world.extra.get("report")
    path = row.path.format(post=world.post.pk, report=report.pk if report else 0)
    body = row.body(world, role) if callable(row.body) else row.body

    if row.method == "GET":
        response = client.client.get(f"/api/v1{path}", headers=client.headers)
    elif body is None:
        response = client.call(row.method, path)
    else:
        response = client.call(row.method, path, body)

    assert response.status_code == expected, response.content
    if expected >= 400:
        error = response.json()
        assert set(error) <= {"error", "detail", "fields"}
        assert error["error"] and error["detail"]
    assert_no_home_leaks(response.content.decode(), world.users,
                         own=user.pk if user is not None and path == "/me" else None)


def assert_no_home_leaks(text: str, users: dict[str, User | None], *, own: int | None) -> None:
    """No resident's home address or point is in `text`, except the caller's in `/me`."""
    private = _private_strings(users)
    # Residents placed at one map point share coordinates: in the caller's own `/me`
    # those values are theirs, whoever else has them too.
    allowed = private.get(own, set()) if own is not None else set()
    leaked = {s for strings in private.values() for s in strings if _contains(text, s)}
    assert not leaked - allowed


def _contains(text: str, value: str) -> bool:
    # A number counts only whole: 38.595 is not in 38.5957.
    return re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", text) is not None


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_show_the_post_exactly_to_those_who_may_read_it(world, role, shared):
    client = as_user(world.users[role])
    may_read = client.get(f"/posts/{world.post.pk}").status_code == 200

    in_feed = world.post.pk in [p["id"] for p in client.get("/feed").json()["items"]]
    in_search = world.post.pk in [p["id"] for p in
                                  client.get("/search", q="parcels").json()["items"]]

    assert in_search == may_read
    # Operators may read every post but have no neighborhood, so no feed.
    assert in_feed == (may_read and role != "operator")
    expected_readers = {"neighbor", "lead", "operator", "author"} | ({"nearby"} if shared
                                                                     else set())
    assert may_read == (role in expected_readers)


def test_the_leak_check_sees_a_home(world):
    """The check above can fail: Ada's own `/me` holds her home, which nobody else may see."""
    text = as_user(world.users["author"]).get("/me").content.decode()

    assert_no_home_leaks(text, world.users, own=world.users["author"].pk)
    with pytest.raises(AssertionError):
        assert_no_home_leaks(text, world.users, own=None)
