"""Request and response bodies of the tips endpoints (docs/tips-and-questions.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from townsquare.api.schemas import Text


class TipIn(Schema):
    body: Text = Field(description="What you saw: at most 5000 characters.")
    anonymous: bool | None = Field(
        None, description="True without a token. With one: false (private: the agency sees "
                          "your display name and neighborhood) unless you say true.")
    agency_post_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="The agency's post (a request for information) "
                                               "this tip answers.")
    lat: float | None = Field(None, description="Rounded to 3 decimals (a block) when stored.")
    lon: float | None = None


class TipCreated(Schema):
    code: str = Field(description="The follow-up code: shown this once, never again. With "
                                  "it you read the agency's answers and write back.",
                      examples=["ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23"])


class TipMessageIn(Schema):
    body: Text


class TipMessageOut(Schema):
    sender: Literal["tipster", "agency"] = Field(alias="from")
    body: str
    created_at: dt.datetime = Field(description="To the hour.")

    model_config = ConfigDict(populate_by_name=True)


class TipThreadOut(Schema):
    status: str
    messages: list[TipMessageOut]


class TipSenderOut(Schema):
    display_name: str
    neighborhood: str


class TipOut(Schema):
    id: int
    status: str
    body: str
    anonymous: bool
    created_at: dt.datetime = Field(description="To the hour.")
    agency_post_id: int | None
    sender: TipSenderOut | None = Field(description="Private tips only.")
    case_number: str
    assignee: str | None = Field(description="The assigned staff member's email.")
    tags: list[str]
    hidden: bool
    merged_into_id: int | None
    lat: float | None
    lon: float | None
    hours_to_first_response: int | None


class TipPage(Schema):
    items: list[TipOut]
    next: str | None


class TipPatchIn(Schema):
    status: Literal["new", "reviewing", "actionable", "closed"] | None = None
    case_number: str | None = Field(None, max_length=60)
    assignee: str | None = Field(None, max_length=254,
                                 description="A tips staff member's or admin's email; \"\" "
                                             "unassigns.")
    tags: list[str] | None = Field(None, max_length=10)
