"""The /api/v1/ API: one NinjaAPI, its routers, and its error handling. See docs/api.md."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, re_path
from ninja import NinjaAPI

from townsquare.api import errors
from townsquare.api.renderers import ApiRenderer
from townsquare.api.routers import (
    agencies,
    agency_posts,
    agency_publishing,
    auth,
    coverage,
    feed,
    incidents,
    moderation,
    notifications,
    places,
    posts,
    questions,
    residents,
    tips,
)

DESCRIPTION = """\
The townsquare API: neighborhoods, residents, posts, moderation, and public agencies.

* Authentication: `Authorization: Bearer <token>` (from `POST /api/v1/auth/token`), or the
  browser session with the `X-CSRFToken` header on unsafe methods.
* Errors: `{"error": code, "detail": text, "fields": {field: [messages]}}` (`fields` only
  for 400 validation errors).
* Lists: `{"items": [...], "next": cursor | null}`; pass `?cursor=` for the next page and
  `?limit=` (1-200) for its size.
* Timestamps: ISO 8601 with offset.
"""


class TownsquareAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # "create_post" rather than "townsquare_api_routers_posts_create_post": client
        # generators turn these into method names. A test keeps them unique.
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for item in schema["paths"].values():
            for operation in item.values():
                _declare_guard_errors(operation)
        return schema

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        # Routing errors (no such path, wrong method) keep the API's error shape too.
        patterns, app_name, namespace = super().urls
        wrapped = [
            URLPattern(p.pattern, errors.with_json_routing_errors(p.callback), p.default_args,
                       p.name)
            if isinstance(p, URLPattern) else p
            for p in patterns
        ]
        return [*wrapped, re_path(r"", errors.unknown_path)], app_name, namespace


def _declare_guard_errors(operation: dict[str, Any]) -> None:
    """The request guards (web/guards.py) answer any operation 400 (NUL in the query
    string, too many parameters) and any body 413; validation answers 400 wherever there
    is a parameter or a body. The document says so for every operation."""
    responses = operation["responses"]
    declared = {str(code) for code in responses}
    wanted = {400: "Bad request"}
    if "requestBody" in operation:
        wanted[413] = "The request body is too large"
    for status, description in wanted.items():
        if str(status) not in declared:
            responses[status] = {"description": description, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


api = TownsquareAPI(
    title="townsquare API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    # The interactive docs page would load its scripts from a CDN, which the site's
    # content security policy forbids; the OpenAPI document opens in any viewer instead.
    docs_url=None,
    renderer=ApiRenderer(),
    parser=errors.ObjectParser(),
)
errors.install(api)

api.add_router("", places.router)
api.add_router("", residents.router)
api.add_router("", auth.router)
api.add_router("", posts.router)
api.add_router("", moderation.router)
api.add_router("", feed.router)
# Agencies: `/agencies/applications` before `/agencies/{agency}`, which would match it.
api.add_router("", agencies.router)
api.add_router("", agency_publishing.router)
api.add_router("", agency_posts.router)
api.add_router("", notifications.router)
api.add_router("", "townsquare.api.routers.password_reset.router")
api.add_router("", tips.router)
api.add_router("", questions.router)
api.add_router("", incidents.router)
api.add_router("", coverage.router)
api.add_router("", "townsquare.api.routers.adoption.router")
