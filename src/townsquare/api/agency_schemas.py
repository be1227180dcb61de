"""Request and response schemas of the agency endpoints (docs/agencies.md, docs/api.md).

Shape and type only; the rules (targets, schedules, who may) are the agencies actions'.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from townsquare.agencies.models import Agency, AgencyPost, AgencyStaff
from townsquare.api.schemas import NON_EMPTY, Email, PostOut, Text

AgencySlug = Annotated[str, Field(max_length=200, pattern=r"^[a-z0-9-]+$")]
Area = Annotated[dict[str, Any], Field(description=(
    "A GeoJSON Polygon or MultiPolygon (or a Feature holding one), WGS84 [lon, lat]: the "
    "post reaches every neighborhood of your jurisdiction that it overlaps."))]


class AgencyRef(Schema):
    slug: str
    name: str
    kind: Agency.Kind
    verified: bool = Field(description="Approved by the operators: the verified badge.")


class AgencyOut(AgencyRef):
    website: str
    city: str
    all_neighborhoods: bool
    jurisdiction: list[str] = Field(description="Slugs of the neighborhoods it serves.")


class ApplicationIn(Schema):
    name: str = Field(max_length=400, json_schema_extra=NON_EMPTY)
    kind: Agency.Kind
    city: str = Field(max_length=120, pattern=r"^[a-z0-9-]+$", description="City slug.")
    website: str = Field(max_length=600, examples=["https://police.example.gov"],
                         json_schema_extra=NON_EMPTY)
    email_domain: str = Field(max_length=400, examples=["police.example.gov"],
                              json_schema_extra=NON_EMPTY)
    contact_name: str = Field(max_length=400, json_schema_extra=NON_EMPTY)
    contact_email: Email


class ApplicationOut(Schema):
    id: int
    slug: str
    name: str
    kind: Agency.Kind
    city: str
    status: Agency.Status
    website: str
    email_domain: str
    contact_name: str
    contact_email: str
    created_at: dt.datetime
    verified_at: dt.datetime | None


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next: str | None


class ReviewIn(Schema):
    note: str = Field("", max_length=500)


# --- posts ------------------------------------------------------------------------------------
class EventOut(Schema):
    starts_at: dt.datetime
    place: str


class RequestForInformationOut(Schema):
    area: str
    time_from: dt.datetime | None
    time_until: dt.datetime | None


class ImageOut(Schema):
    id: int
    url: str = Field(description="Served only to those who may see the post.")
    content_type: str
    width: int
    height: int


class AgencyFeedOut(Schema):
    """An agency post as residents see it (in the feed, and `GET /agency-posts/{id}`)."""

    id: int
    type: Literal["agency"]
    agency: AgencyRef
    kind: AgencyPost.Kind
    title: str
    body: str
    created_at: dt.datetime = Field(description="When it was published.")
    edited: bool
    edited_at: dt.datetime | None
    expires_at: dt.datetime | None
    practice: bool = Field(description="A practice post: only the agency's staff see it.")
    case_number: str
    event: EventOut | None
    request_for_information: RequestForInformationOut | None
    thank_count: int


class AgencyPostPublicOut(AgencyFeedOut):
    images: list[ImageOut]
    thanked: bool = Field(description="Whether you have thanked it.")


class AgencyPostOut(AgencyFeedOut):
    """An agency post as its own staff see it."""

    images: list[ImageOut]
    status: AgencyPost.Status
    publish_at: dt.datetime
    written_at: dt.datetime
    withdrawn_at: dt.datetime | None
    target_all: bool
    neighborhoods: list[str]
    audience_size: int
    reply_count: int
    author: str


class AgencyPostPage(Schema):
    items: list[AgencyPostOut]
    next: str | None


class AgencyPostIn(Schema):
    kind: AgencyPost.Kind
    title: Text
    body: Text
    neighborhoods: list[str] | None = Field(
        None, description="Slugs; leave out (and `area` too) for the whole jurisdiction.")
    area: Area | None = None
    publish_at: dt.datetime | None = Field(
        None, description="Schedule it (with offset, in the future); leave out to publish now.")
    expires_at: dt.datetime | None = None
    practice: bool = Field(False, description="Show it only to your own staff, as residents "
                                              "would see it.")
    case_number: str = ""
    event_starts_at: dt.datetime | None = None
    event_place: str = ""
    rfi_area: str = ""
    rfi_from: dt.datetime | None = None
    rfi_until: dt.datetime | None = None


class AgencyPostPatchIn(Schema):
    kind: AgencyPost.Kind | None = None
    title: Text | None = None
    body: Text | None = None
    publish_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    case_number: str | None = None
    event_starts_at: dt.datetime | None = None
    event_place: str | None = None
    rfi_area: str | None = None
    rfi_from: dt.datetime | None = None
    rfi_until: dt.datetime | None = None


class AgencyPostCreated(Schema):
    id: int
    audience_size: int = Field(description="Verified residents it reaches (0 for practice).")


class WithdrawIn(Schema):
    note: str = Field("", max_length=500, description="Why, for the audit log.")


class AudienceIn(Schema):
    neighborhoods: list[str] | None = None
    area: Area | None = None


class AudienceNeighborhood(Schema):
    slug: str
    name: str
    verified_members: int


class AudienceOut(Schema):
    audience_size: int
    neighborhoods: list[AudienceNeighborhood]


class ReachNeighborhood(Schema):
    slug: str
    name: str
    audience: int
    seen: int
    replies: int
    thanks: int


class ReachOut(Schema):
    audience_size: int
    seen: int = Field(description="Residents who opened it (inbox or the post itself).")
    replies: int
    thanks: int
    neighborhoods: list[ReachNeighborhood]


# --- replies, inbox ----------------------------------------------------------------------------
class ReplierOut(Schema):
    display_name: str
    neighborhood: str


class AgencyReplyIn(Schema):
    body: Text


class AgencyReplyOut(Schema):
    id: int
    post_id: int
    body: str
    author: ReplierOut
    created_at: dt.datetime
    hidden: bool


class AgencyReplyPage(Schema):
    items: list[AgencyReplyOut]
    next: str | None


class InboxItemOut(Schema):
    id: int = Field(description="The agency post's id (equal to `post_id`): an inbox holds "
                                "each post once, and the id stays the same if it is edited.")
    post_id: int
    kind: AgencyPost.Kind
    title: str
    created_at: dt.datetime
    read: bool
    practice: bool


class InboxPage(Schema):
    items: list[InboxItemOut]
    next: str | None


class FeedPage(Schema):
    items: list[Annotated[PostOut | AgencyFeedOut, Field(discriminator="type")]]
    next: str | None


# --- staff, audit ------------------------------------------------------------------------------
class StaffIn(Schema):
    email: Email
    role: AgencyStaff.Role
    display_name: str = Field("", max_length=200)


class StaffPatchIn(Schema):
    role: AgencyStaff.Role


class StaffOut(Schema):
    id: int
    email: str
    display_name: str
    role: AgencyStaff.Role
    created_at: dt.datetime


class StaffPage(Schema):
    items: list[StaffOut]
    next: str | None


class AuditEntryOut(Schema):
    id: int
    created_at: dt.datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    data: dict[str, Any]


class AuditPage(Schema):
    items: list[AuditEntryOut]
    next: str | None
