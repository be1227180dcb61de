"""Request and response schemas: what the OpenAPI document shows, and what ninja checks.

Inputs are checked for shape and type only; the rules (lengths, passwords, who may) are
the actions' job, so a page and the API give the same answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from townsquare.posts.models import Category, Report

# Text that the actions refuse when empty (or only spaces), naming the field in `fields`:
# the document says `minLength: 1`. Declared, not checked here, so the message stays the
# action's own ("This field is required.").
NON_EMPTY: dict[str, Any] = {"minLength": 1}
Text = Annotated[str, Field(json_schema_extra=NON_EMPTY)]

Email = Annotated[str, Field(max_length=254, examples=["nora@example.org"],
                             json_schema_extra=NON_EMPTY)]
Password = Annotated[str, Field(max_length=4096, json_schema_extra=NON_EMPTY)]
Latitude = Annotated[float, Field(description="WGS84 decimal degrees, -90 to 90.")]
Longitude = Annotated[float, Field(description="WGS84 decimal degrees, -180 to 180.")]
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]


# --- errors -----------------------------------------------------------------------------

class ErrorOut(Schema):
    error: str = Field(examples=["invalid"])
    detail: str = Field(examples=["Please correct the highlighted fields."])
    fields: dict[str, list[str]] | None = Field(
        None, description="Only for validation errors (400): messages per field.",
        examples=[{"email": ["Enter a valid email address."]}],
    )


# --- places -----------------------------------------------------------------------------

class NeighborhoodRef(Schema):
    slug: str = Field(examples=["midtown-winn-park-capital-avenue"])
    name: str = Field(examples=["Midtown / Winn Park / Capital Avenue"])


class NeighborhoodSummary(NeighborhoodRef):
    launched: bool
    verified_members: int


class NeighborhoodPage(Schema):
    items: list[NeighborhoodSummary]
    next: str | None


class MultiPolygonOut(Schema):
    type: Literal["MultiPolygon"]
    coordinates: list[list[list[list[float]]]] = Field(
        description="GeoJSON (RFC 7946): polygons of rings of [lon, lat] positions."
    )


class NeighborhoodDetail(NeighborhoodSummary):
    city: str = Field(examples=["sacramento"])
    nearby: list[str] = Field(description="Slugs of the neighborhoods that touch this one.")
    boundary: MultiPolygonOut


class LocateOut(Schema):
    city: str
    neighborhood: NeighborhoodRef


# --- accounts ---------------------------------------------------------------------------

class ResidentIn(Schema):
    email: Email
    password: Password
    display_name: str = Field(max_length=200, json_schema_extra=NON_EMPTY)
    lat: Latitude | None = None
    lon: Longitude | None = None
    address: str | None = Field(
        None, max_length=200, description="A street address of the city, instead of lat/lon."
    )
    city: str | None = Field(None, max_length=120, pattern=r"^[a-z0-9-]+$",
                             description="City slug, to narrow `address`.")


class ResidentCreated(Schema):
    id: int
    neighborhood: NeighborhoodRef
    verified: bool


class TokenIn(Schema):
    email: Email
    password: Password
    otp: str | None = Field(
        default=None, max_length=20, examples=["123456"],
        description="The current code of the account's authenticator app: required for "
                    "accounts with a second factor (agency staff), ignored for others.")


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown once.")


class HomeOut(Schema):
    address: str
    street: str
    lat: float
    lon: float


class MyNeighborhood(NeighborhoodRef):
    city: str


class MyAgency(Schema):
    slug: str
    name: str
    role: Literal["admin", "publisher", "tips"]


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    roles: list[Literal["resident", "lead", "operator", "agency_staff"]]
    neighborhood: MyNeighborhood | None
    verified: bool
    home: HomeOut | None = Field(description="Your own home: shown to you and nobody else.")
    agency: MyAgency | None = Field(None, description="Agency staff: your agency and role.")


class VerificationOut(Schema):
    verified: bool
    neighborhood: MyNeighborhood


class CodeIn(Schema):
    code: str = Field(max_length=64, examples=["7KQ2-M9XD"], json_schema_extra=NON_EMPTY)


class InvitationIn(Schema):
    email: Email


class InvitationOut(Schema):
    id: int
    email: str
    expires_at: dt.datetime


class AcceptIn(Schema):
    token: str = Field(max_length=200, json_schema_extra=NON_EMPTY)


# --- posts ------------------------------------------------------------------------------

class AuthorOut(Schema):
    display_name: str
    neighborhood: str
    street: str


class PostIn(Schema):
    body: Text
    title: str = ""
    category: Category = Category.GENERAL
    share_nearby: bool = Field(False, description="Also show it in touching neighborhoods.")
    person: dict[str, str] | None = Field(
        None, description="Crime & safety only: a full description of a person (see docs)."
    )


class PostPatchIn(Schema):
    body: Text | None = None
    title: str | None = None
    category: Category | None = None
    share_nearby: bool | None = None
    person: dict[str, str] | None = None


class PostOut(Schema):
    id: int
    type: Literal["resident"]
    title: str
    body: str
    category: Category
    neighborhood: str = Field(description="Slug of the post's neighborhood.")
    share_nearby: bool
    author: AuthorOut
    created_at: dt.datetime
    edited: bool
    edited_at: dt.datetime | None
    reply_count: int
    thank_count: int
    hidden: bool = Field(description="Hidden by a moderator (only its author and moderators "
                                     "see it).")
    person: dict[str, str]


class PostPage(Schema):
    items: list[PostOut]
    next: str | None


class ReplyIn(Schema):
    body: Text


class ReplyOut(Schema):
    id: int
    post_id: int
    body: str
    author: AuthorOut
    created_at: dt.datetime
    edited: bool
    hidden: bool


class ReplyPage(Schema):
    items: list[ReplyOut]
    next: str | None


class ThanksOut(Schema):
    thanked: bool
    thank_count: int


class ReportIn(Schema):
    reason: Report.Reason
    note: str = ""
    reply_id: ObjectId | None = None


class ReportCreated(Schema):
    id: int
    reason: Report.Reason
    created_at: dt.datetime


class ReportOut(Schema):
    id: int
    reason: Report.Reason
    note: str
    created_at: dt.datetime
    post: PostOut
    reply: ReplyOut | None
    resolved_at: dt.datetime | None
    resolution: Literal["", "hidden", "dismissed"]


class ReportPage(Schema):
    items: list[ReportOut]
    next: str | None


class NoteIn(Schema):
    note: str = Field("", max_length=500, description="Why, for the audit log.")
