"""The rows of the page access matrices (tests/web/test_access.py for residents, leads and
operators; tests/web/test_agency_pages.py for agency staff): the status each role gets and
the most database queries one request may make, plus the walk of the URLconf that keeps
the matrices complete."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve

# Routes that are not pages of the site: the API has its own matrix (tests/api), the admin
# is Django's.
NOT_PAGES = ("api/", "admin/", "static/")


@dataclass(frozen=True)
class Page:
    """One row: the status per role (in the matrix's role order) and the query budget.

    `queries` is the most queries one request of any role may make. It holds whatever the
    data: the heavy pages have a test that their count is the same with 3 and 30 items.
    """

    cells: list[int]
    queries: int
    method: str = "get"
    data: dict[str, str] | None = None


@dataclass(frozen=True)
class Visit:
    status: int
    queries: int


def visit(client: Client, url: str, page: Page, data: dict[str, str] | None = None) -> Visit:
    """One request of `page` at `url`, with the number of queries it made."""
    with CaptureQueriesContext(connection) as captured:
        if page.method == "get":
            response = client.get(url)
        else:
            response = getattr(client, page.method)(url, data or {})
    return Visit(response.status_code, len(captured.captured_queries))


def check_row(page: str, row: Page, objects: dict[str, Any], roles: list[str],
              client_for: Callable[[str], Client]) -> None:
    """Every role's status is the row's, and no request goes over the row's budget.

    `page` and the row's form data may name objects of the test's world ({post}, ...).
    """
    url = page.format(**objects)
    data = {key.format(**objects): value.format(**objects)
            for key, value in (row.data or {}).items()}
    visits = {role: visit(client_for(role), url, row, data) for role in roles}
    assert {role: v.status for role, v in visits.items()} == dict(
        zip(roles, row.cells, strict=True))
    over = {role: v.queries for role, v in visits.items() if v.queries > row.queries}
    assert over == {}, f"more than {row.queries} queries"


def site_routes() -> set[str]:
    """Every route of the site's pages, as written in the URLconf (includes joined)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return {route for route in walk(get_resolver().url_patterns, "")
            if not route.startswith(NOT_PAGES)}


class _AnyId(dict):
    def __missing__(self, key: str) -> str:
        return "1"


def route_of(page: str) -> str:
    """The URLconf route a matrix row's page (placeholders like {post} allowed) opens."""
    return resolve(urlsplit(page.format_map(_AnyId())).path).route
