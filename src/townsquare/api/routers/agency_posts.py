"""Agency posts as residents meet them: the post, replies, thanks, images, the inbox."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from townsquare.agencies import actions, images, selectors
from townsquare.agencies.actions.alerts import post_alert_update
from townsquare.agencies.models import AgencyPost
from townsquare.api import agency_serializers as serializers
from townsquare.api import pagination
from townsquare.api.agency_schemas import (
    AgencyPostPublicOut,
    AgencyReplyIn,
    AgencyReplyOut,
    AgencyReplyPage,
    InboxItemOut,
    InboxPage,
    WithdrawIn,
)
from townsquare.api.auth import caller
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors
from townsquare.api.routers.agencies import download
from townsquare.api.schemas import ThanksOut
from townsquare.core.errors import NotFound

router = Router(tags=["agency posts"], auth=caller)


class AlertUpdateIn(Schema):
    body: str
    title: str = Field("", description="Leave empty for \"Update: <the alert's title>\".")
    all_clear: bool = Field(False, description="The all-clear: the alert is over.")


class AlertUpdateOut(Schema):
    id: int
    parent_id: int
    kind: str = Field(description="update or all_clear")
    title: str
    body: str
    published_at: dt.datetime


class AgencyPostThreadOut(AgencyPostPublicOut):
    severity: str = Field(description="extreme, severe, moderate, minor, or empty.")
    expires_at: dt.datetime | None = Field(description="Until when it holds.")
    updates: list[AlertUpdateOut] = Field(description="Its updates and all-clear, oldest first.")


def _update(post: AgencyPost) -> dict:
    return {"id": post.pk, "parent_id": post.parent_id, "kind": post.update_kind,
            "title": post.title, "body": post.body, "published_at": post.publish_at}


def _public(request: HttpRequest, post: AgencyPost) -> dict:
    return {**serializers.public_post(post, selectors.images_of([post])[post.pk],
                                      selectors.thanked_by(request.auth, post)),
            "severity": post.severity, "expires_at": post.expires_at,
            "updates": [_update(u) for u in selectors.updates_of(post)]}


@router.post("/agency-posts/{int:id}/updates",
             response={201: AlertUpdateOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Post an update or the all-clear to an agency post")
def create_alert_update(request: HttpRequest, id: Id, payload: AlertUpdateIn) -> tuple[int, dict]:
    """The agency's publishers and admins. The update reaches exactly the post's audience
    (its neighborhoods' verified residents) and is shown in the post's thread."""
    post = selectors.get_agency_post(request.auth, id)
    update = post_alert_update(request.auth, post, body=payload.body, title=payload.title,
                               all_clear=payload.all_clear)
    return 201, _update(update)


@router.get("/agency-posts/{int:id}", response={200: AgencyPostThreadOut, **errors(404, *AUTHED)},
            summary="An agency post")
def get_agency_post(request: HttpRequest, id: Id) -> dict:
    """Residents of the neighborhoods it was sent to (fetching it marks it read), the
    agency's staff, operators; 404 for everyone else."""
    post = selectors.get_agency_post(request.auth, id)
    actions.record_opened(request.auth, post)
    return _public(request, post)


@router.get("/agency-posts/{int:id}/images/{int:image_id}",
            response={200: None, **errors(404, *AUTHED)}, summary="An image of an agency post",
            openapi_extra=download("image/*", "The image (JPEG, PNG or WebP)."))
def agency_post_image(request: HttpRequest, id: Id, image_id: Id) -> FileResponse:
    """Only for those who may see the post."""
    image = selectors.get_image(request.auth, id, image_id)
    path = images.path_of(image.file_name)
    if not path.exists():
        raise NotFound(_("No such image."))
    response = FileResponse(path.open("rb"), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get("/agency-posts/{int:id}/replies",
            response={200: AgencyReplyPage, **errors(400, 404, *AUTHED)},
            summary="Replies to an agency post")
def list_agency_replies(request: HttpRequest, id: Id, cursor: pagination.Cursor = None,
                        limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Residents see the replies from their own neighborhood; the agency's staff see all of
    them (as display name and neighborhood), and each listing by staff is written to the
    agency's audit log."""
    post = selectors.get_agency_post(request.auth, id)
    replies = selectors.replies(request.auth, post)
    items, next_cursor = pagination.oldest_first(replies, cursor=cursor, limit=limit)
    actions.record_replies_read(request.auth, post, count=len(items))
    return pagination.page([serializers.reply(r) for r in items], next_cursor)


@router.post("/agency-posts/{int:id}/replies",
             response={201: AgencyReplyOut, **errors(400, 403, 404, 429, *AUTHED)},
             summary="Reply to an agency post")
def create_agency_reply(request: HttpRequest, id: Id, payload: AgencyReplyIn) -> tuple[int, dict]:
    """Verified residents it was sent to. The agency sees your display name and
    neighborhood; of the residents, only your own neighborhood's see the reply."""
    post = selectors.get_agency_post(request.auth, id)
    reply = actions.reply_to_agency_post(request.auth, post, body=payload.body)
    return 201, serializers.reply(selectors.get_agency_reply(request.auth, post, reply.pk))


@router.delete("/agency-posts/{int:id}/replies/{int:reply_id}",
               response={204: None, **errors(404, *AUTHED)}, summary="Delete your reply")
def delete_agency_reply(request: HttpRequest, id: Id, reply_id: Id) -> tuple[int, None]:
    post = selectors.get_agency_post(request.auth, id)
    actions.delete_agency_reply(request.auth,
                                selectors.get_agency_reply(request.auth, post, reply_id))
    return 204, None


@router.post("/agency-posts/{int:id}/replies/{int:reply_id}/hide",
             response={200: AgencyReplyOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Hide a reply")
def hide_agency_reply(request: HttpRequest, id: Id, reply_id: Id,
                      payload: WithdrawIn | None = None) -> dict:
    """The agency's tips desk and admins, and operators: the replier's neighbors no longer
    see it; its author still does, marked hidden."""
    post = selectors.get_agency_post(request.auth, id)
    reply = selectors.get_agency_reply(request.auth, post, reply_id)
    actions.hide_agency_reply(request.auth, reply, note=payload.note if payload else "")
    return serializers.reply(reply)


@router.post("/agency-posts/{int:id}/thanks",
             response={200: ThanksOut, **errors(403, 404, *AUTHED)},
             summary="Thank an agency post")
def thank_agency_post(request: HttpRequest, id: Id) -> dict:
    """Once per resident."""
    actions.thank_agency_post(request.auth, selectors.get_agency_post(request.auth, id))
    post = selectors.get_agency_post(request.auth, id)
    return {"thanked": True, "thank_count": post.thank_count}


@router.delete("/agency-posts/{int:id}/thanks",
               response={200: ThanksOut, **errors(404, *AUTHED)},
               summary="Take back your thanks")
def unthank_agency_post(request: HttpRequest, id: Id) -> dict:
    actions.unthank_agency_post(request.auth, selectors.get_agency_post(request.auth, id))
    post = selectors.get_agency_post(request.auth, id)
    return {"thanked": False, "thank_count": post.thank_count}


# --- the inbox ------------------------------------------------------------------------------
@router.get("/inbox", response={200: InboxPage, **errors(400, *AUTHED)}, summary="Your inbox")
def inbox(request: HttpRequest, cursor: pagination.Cursor = None,
          limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Agency posts sent to your neighborhood (verified residents), newest first, with
    whether you have opened each; for agency staff, their agency's posts, practice ones
    included (marked). An item's `id` is the agency post's id (so `id == post_id`)."""
    page = selectors.inbox(request.auth, cursor=cursor, limit=limit)
    return pagination.page([serializers.inbox_item(i) for i in page.items], page.next)


@router.post("/inbox/{int:id}/read", response={200: InboxItemOut, **errors(404, *AUTHED)},
             summary="Mark an inbox item read")
def mark_inbox_read(request: HttpRequest, id: Id) -> dict:
    """`id` as in the inbox (the agency post's id). Marking it again changes nothing."""
    post = selectors.inbox_post(request.auth, id)
    actions.mark_read(request.auth, post)
    return serializers.inbox_item(selectors.InboxItem(post, post.publish_at, True))
