"""Moderation, for neighborhood leads (their own neighborhood) and operators."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from townsquare import policy
from townsquare.api import pagination, serializers
from townsquare.api.auth import caller
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors
from townsquare.api.schemas import NoteIn, PostOut, ReportOut, ReportPage
from townsquare.core.errors import Forbidden
from townsquare.posts import actions, selectors

router = Router(tags=["moderation"], auth=caller)


def _note(payload: NoteIn | None) -> str:
    return payload.note if payload else ""  # cleaned by the action (moderation_note)


@router.get("/moderation/reports", response={200: ReportPage, **errors(400, 403, *AUTHED)},
            summary="Open reports to review")
def queue(request: HttpRequest, cursor: pagination.Cursor = None,
          limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Open reports in the neighborhoods you moderate, oldest first. 403 for anyone who
    is not a lead or an operator."""
    if not policy.can_use_moderation(request.auth):
        raise Forbidden(_("Only neighborhood leads and operators moderate."))
    items, next_cursor = pagination.oldest_first(
        selectors.moderation_queue(request.auth), cursor=cursor, limit=limit)
    return pagination.page([serializers.report(r) for r in items], next_cursor)


@router.post("/posts/{int:id}/hide", response={200: PostOut, **errors(400, 404, *AUTHED)},
             summary="Hide a post")
def hide(request: HttpRequest, id: Id, payload: NoteIn | None = None) -> dict:
    """The post leaves every feed and its open reports close as "hidden"."""
    post = selectors.get_post(request.auth, id)
    actions.hide_post(request.auth, post, note=_note(payload))
    return serializers.post(selectors.get_post(request.auth, id))


@router.post("/posts/{int:id}/unhide", response={200: PostOut, **errors(400, 404, *AUTHED)},
             summary="Show a hidden post again")
def unhide(request: HttpRequest, id: Id, payload: NoteIn | None = None) -> dict:
    post = selectors.get_post(request.auth, id)
    actions.unhide_post(request.auth, post, note=_note(payload))
    return serializers.post(selectors.get_post(request.auth, id))


@router.post("/reports/{int:id}/dismiss", response={200: ReportOut, **errors(400, 404, *AUTHED)},
             summary="Dismiss a report")
def dismiss(request: HttpRequest, id: Id, payload: NoteIn | None = None) -> dict:
    """Close an open report without acting on the post."""
    report = selectors.get_report(request.auth, id)
    actions.dismiss_report(request.auth, report, note=_note(payload))
    return serializers.report(selectors.get_report(request.auth, id))
