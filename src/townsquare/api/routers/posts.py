"""Resident posts and what residents do with them: replies, thanks, reports."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from townsquare.api import pagination, serializers
from townsquare.api.auth import caller
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors
from townsquare.api.schemas import (
    PostIn,
    PostOut,
    PostPatchIn,
    ReplyIn,
    ReplyOut,
    ReplyPage,
    ReportCreated,
    ReportIn,
    ThanksOut,
)
from townsquare.posts import actions, selectors

router = Router(tags=["posts"], auth=caller)


@router.post("/posts", response={201: PostOut, **errors(400, 403, *AUTHED)},
             summary="Post to your neighborhood")
def create_post(request: HttpRequest, payload: PostIn) -> tuple[int, dict]:
    """Verified residents only (403 otherwise). The post goes to your own neighborhood,
    and with `share_nearby` also to the feeds of the neighborhoods that touch it.
    Title and body are plain text, stored as typed. Crime & safety posts that describe a
    person need the `person` description (see docs/api.md)."""
    post = actions.create_post(
        request.auth, body=payload.body, title=payload.title, category=payload.category,
        share_nearby=payload.share_nearby, person=payload.person,
    )
    return 201, serializers.post(selectors.get_post(request.auth, post.pk))


@router.get("/posts/{int:id}", response={200: PostOut, **errors(404, *AUTHED)},
            summary="A post")
def get_post(request: HttpRequest, id: Id) -> dict:
    """404 if it does not exist or you may not see it: the two look the same."""
    return serializers.post(selectors.get_post(request.auth, id))


@router.patch("/posts/{int:id}", response={200: PostOut, **errors(400, 404, *AUTHED)},
              summary="Edit your post")
def edit_post(request: HttpRequest, id: Id, payload: PostPatchIn) -> dict:
    """Only its author; the fields you leave out keep their value."""
    post = selectors.get_post(request.auth, id)
    given = payload.model_fields_set
    actions.update_post(
        request.auth, post,
        body=post.body if payload.body is None else payload.body,
        title=post.title if payload.title is None else payload.title,
        category=payload.category,
        share_nearby=payload.share_nearby,
        person=payload.person if "person" in given else post.person,
    )
    return serializers.post(selectors.get_post(request.auth, id))


@router.delete("/posts/{int:id}", response={204: None, **errors(404, *AUTHED)},
               summary="Delete your post")
def delete_post(request: HttpRequest, id: Id) -> tuple[int, None]:
    """Only its author."""
    actions.delete_post(request.auth, selectors.get_post(request.auth, id))
    return 204, None


@router.get("/posts/{int:id}/replies", response={200: ReplyPage, **errors(400, 404, *AUTHED)},
            summary="Replies to a post")
def list_replies(request: HttpRequest, id: Id, cursor: pagination.Cursor = None,
                 limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """The replies you may see, oldest first."""
    post = selectors.get_post(request.auth, id)
    items, next_cursor = pagination.oldest_first(
        selectors.replies(request.auth, post), cursor=cursor, limit=limit)
    return pagination.page([serializers.reply(r) for r in items], next_cursor)


@router.post("/posts/{int:id}/replies",
             response={201: ReplyOut, **errors(400, 403, 404, *AUTHED)},
             summary="Reply to a post")
def create_reply(request: HttpRequest, id: Id, payload: ReplyIn) -> tuple[int, dict]:
    """Verified residents who may see the post; not to hidden posts (403)."""
    post = selectors.get_post(request.auth, id)
    reply = actions.create_reply(request.auth, post, body=payload.body)
    return 201, serializers.reply(selectors.get_reply(request.auth, post, reply.pk))


@router.post("/posts/{int:id}/thanks", response={200: ThanksOut, **errors(403, 404, *AUTHED)},
             summary="Thank a post")
def thank(request: HttpRequest, id: Id) -> dict:
    """Once per resident: thanking again changes nothing."""
    actions.thank_post(request.auth, selectors.get_post(request.auth, id))
    return serializers.thanks(selectors.get_post(request.auth, id), thanked=True)


@router.delete("/posts/{int:id}/thanks", response={200: ThanksOut, **errors(404, *AUTHED)},
               summary="Take back your thanks")
def unthank(request: HttpRequest, id: Id) -> dict:
    actions.unthank_post(request.auth, selectors.get_post(request.auth, id))
    return serializers.thanks(selectors.get_post(request.auth, id), thanked=False)


@router.post("/posts/{int:id}/reports",
             response={201: ReportCreated, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Report a post or one of its replies")
def report(request: HttpRequest, id: Id, payload: ReportIn) -> tuple[int, dict]:
    """Goes to the neighborhood's leads and the operators. Once per post (or reply) and
    resident: 409 after that."""
    post = selectors.get_post(request.auth, id)
    reply = None if payload.reply_id is None else selectors.get_reply(
        request.auth, post, payload.reply_id)
    created = actions.report_content(request.auth, post, reason=payload.reason,
                                     note=payload.note, reply=reply)
    return 201, serializers.report_created(created)
