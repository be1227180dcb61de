"""Walk every operation of the OpenAPI document with requests built from its own schemas.

A test gives the walker real path values (a post's id, an agency's slug) and callers; the
walker builds a plausible request for each operation (every parameter and every body
field filled from its schema) and the variants that put one bad value in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import ApiClient, as_user
from townsquare.agencies import actions as agencies
from townsquare.posts import actions as posts

NUL = "\x00"
SURROGATE = "\ud800"

SAMPLES = {"email": "someone@example.org", "password": "correct horse battery staple",
           "endpoint": "https://push.example.org/send/abc", "p256dh": "BKey", "auth": "secret",
           "website": "https://example.org", "email_domain": "example.org",
           "time_zone": "America/Los_Angeles", "lat": 38.595, "lon": -121.495,
           "neighborhoods": ["alder"], "role": "tips", "kind": "news", "category": "general"}


@dataclass
class Call:
    """One request: the operation, where the bad value went, and what to send."""

    method: str
    template: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    multipart: bool = False
    slot: str = ""

    def url(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return self.path + ("?" + query if query else "")


def url_encoded(text: str) -> str:
    # A lone surrogate has no UTF-8 form; a careless client sends the bytes Python writes
    # for it with "surrogatepass".
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


class Walker:
    def __init__(self, document: dict[str, Any], path_values: dict[str, str]) -> None:
        self.document = document
        self.path_values = path_values
        self.components = document["components"]["schemas"]

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for template, item in self.document["paths"].items():
            for method, operation in item.items():
                yield method.upper(), template, operation

    # --- building ---------------------------------------------------------------------------

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[1]]
        if "anyOf" in schema:
            choices = [s for s in schema["anyOf"] if s.get("type") != "null"]
            return self.resolve(choices[0]) if choices else schema
        return schema

    def sample(self, schema: dict[str, Any], name: str = "") -> Any:
        schema = self.resolve(schema)
        if name in SAMPLES and "enum" not in schema and schema.get("type") in (
                "string", "number", "array"):
            return SAMPLES[name]
        if "enum" in schema:
            return schema["enum"][0]
        if "const" in schema:
            return schema["const"]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return {key: self.sample(sub, key) for key, sub in
                    schema.get("properties", {}).items()}
        if kind == "array":
            if "prefixItems" in schema:
                return [self.sample(s) for s in schema["prefixItems"]]
            return [self.sample(schema.get("items", {}), name)]
        if kind == "integer":
            return max(1, int(schema.get("minimum", 1)))
        if kind == "number":
            return 1.0
        if kind == "boolean":
            return True
        if schema.get("format") == "time":
            return "22:00"
        if schema.get("format") == "date-time":
            return "2030-01-01T10:00:00+00:00"
        return "Hello there"

    def path_value(self, template: str, name: str) -> str:
        """`path_values` maps "name" or "path prefix|name" to a value; the longest
        matching prefix wins ("/api/v1/posts|id" over "id")."""
        best, value = -1, "1"
        for key, candidate in self.path_values.items():
            prefix, _, key_name = key.rpartition("|")
            if key_name == name and template.startswith(prefix) and len(prefix) > best:
                best, value = len(prefix), candidate
        return value

    def base(self, method: str, template: str, operation: dict[str, Any],
             path_override: tuple[str, str] | None = None) -> Call:
        call = Call(method, template, template)
        for param in operation.get("parameters", []):
            name, where = param["name"], param["in"]
            if where == "path":
                value = self.path_value(template, name)
                if path_override and path_override[0] == name:
                    value = path_override[1]
                call.path = call.path.replace("{" + name + "}", value)
            elif where == "query":
                if name == "cursor":
                    continue  # a real cursor comes from a page; none is valid input too
                call.query[name] = str(self.sample(param["schema"], name))
            elif where == "header":
                call.headers[name] = "walk-1"
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            call.has_body = True
            call.body = self.sample(content["application/json"]["schema"])
        elif content:
            call.multipart = True
        return call

    # --- variants -----------------------------------------------------------------------------

    def string_slots(self, operation: dict[str, Any]) -> Iterator[tuple[str, str, tuple]]:
        """(where, name, JSON path) of every string the operation takes."""
        for param in operation.get("parameters", []):
            schema = self.resolve(param["schema"])
            if schema.get("type") == "string":
                yield param["in"], param["name"], ()
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = self.sample(content["application/json"]["schema"])
            for path in string_paths(body):
                yield "body", ".".join(str(p) for p in path), path

    def with_value(self, method: str, template: str, operation: dict[str, Any],
                   where: str, name: str, json_path: tuple, bad: str) -> Call:
        override = (name, url_encoded(bad)) if where == "path" else None
        call = self.base(method, template, operation, path_override=override)
        call.slot = f"{where}:{name}"
        if where == "query":
            call.query[name] = url_encoded(bad)
        elif where == "header":
            call.headers[name] = bad
        elif where == "body":
            set_at(call.body, json_path, bad)
        return call


def make_world(roles: dict[str, Any], agency_roles: dict[str, Any], police: Any) -> dict[str, Any]:
    """Real rows for every kind of path parameter, and one caller per role."""
    post = factories.make_post(roles["neighbor"], title="Lost cat", body="Grey, answers to Mo.")
    report = posts.report_content(roles["lead"], post, reason="spam", note="")
    agency_post = publish(agency_roles["publisher"], police, kind="news",
                          title="Road works", body="Main Street is closed on Monday.")
    reply = agencies.reply_to_agency_post(agency_roles["resident_in"], agency_post,
                                          body="Thanks for telling us.")
    staff = police.staff.get(user=agency_roles["tips"])
    callers = {"anonymous": ApiClient()}
    for name in ("neighbor", "lead", "unverified", "operator"):
        callers[name] = as_user(roles[name])
    for name in ("admin", "publisher", "resident_in"):
        callers[name] = as_user(agency_roles[name])
    path_values = {
        "city": "testville", "slug": "alder", "agency": police.slug,
        "/api/v1/posts|id": str(post.pk), "/api/v1/reports|id": str(report.pk),
        "/api/v1/agencies/{agency}/posts|id": str(agency_post.pk),
        "/api/v1/agency-posts|id": str(agency_post.pk), "reply_id": str(reply.pk),
        "/api/v1/agencies/{agency}/staff|id": str(staff.pk),
    }
    return {"callers": callers, "path_values": path_values, "post": post}


def string_paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, str):
        yield prefix
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from string_paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from string_paths(sub, (*prefix, index))


def set_at(target: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def send(caller: Any, call: Call) -> Any:
    """Send `call` as `caller` (an ApiClient of tests/api/conftest.py)."""
    headers = {**caller.headers, **call.headers}
    send_method = getattr(caller.client, call.method.lower())
    if call.multipart:
        return send_method(call.url(), data={"image": "not an image"}, headers=headers)
    if call.has_body:
        return send_method(call.url(), data=json.dumps(call.body),
                           content_type="application/json", headers=headers)
    return send_method(call.url(), headers=headers)
