"""Agency staff publish: posts (with targets, schedules, practice mode), their audience,
reach and images. Publishers and admins write; every staff role reads."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import File, Header, Router
from ninja.files import UploadedFile

from townsquare.agencies import actions, selectors
from townsquare.agencies.models import AgencyPost
from townsquare.api import agency_serializers as serializers
from townsquare.api import pagination
from townsquare.api.agency_schemas import (
    AgencyPostCreated,
    AgencyPostIn,
    AgencyPostOut,
    AgencyPostPage,
    AgencyPostPatchIn,
    AudienceIn,
    AudienceOut,
    ImageOut,
    ReachOut,
    WithdrawIn,
)
from townsquare.api.auth import caller
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors

router = Router(tags=["agency posts"], auth=caller)

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=100,
    description="Send the same key to retry safely: within 24 hours the same post comes "
                "back instead of a second one.")]


def _staff_view(post: AgencyPost) -> dict:
    return serializers.staff_post(post, selectors.images_of([post])[post.pk],
                                  selectors.targets_of([post])[post.pk])


@router.post("/agencies/{slug:agency}/posts",
             response={201: AgencyPostCreated, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Publish an agency post")
def create_agency_post(request: HttpRequest, agency: str, payload: AgencyPostIn,
                       idempotency_key: IdempotencyKey = None) -> tuple[int, dict]:
    """Publishers and admins. Target `neighborhoods` (slugs of your jurisdiction; 400
    outside it), an `area` drawn on the map, or neither for the whole jurisdiction.
    `publish_at` schedules it; `expires_at` takes it down; `practice` shows it only to your
    staff. `audience_size` is the number of verified residents it reaches."""
    found = selectors.get_agency(agency)
    post, _created = actions.publish_agency_post(
        request.auth, found, **payload.dict(), idempotency_key=idempotency_key)
    return 201, serializers.created(post)


@router.get("/agencies/{slug:agency}/posts",
            response={200: AgencyPostPage, **errors(400, 403, 404, *AUTHED)},
            summary="The agency's posts")
def list_agency_posts(request: HttpRequest, agency: str, cursor: pagination.Cursor = None,
                      limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Every post, scheduled, practice and withdrawn ones too, newest written first. Staff
    (every role) and operators."""
    rows = selectors.agency_posts(request.auth, selectors.get_agency(agency), cursor=cursor,
                                  limit=limit)
    items, next_cursor = pagination.newest_first(rows, limit=limit)
    images, targets = selectors.images_of(items), selectors.targets_of(items)
    return pagination.page([serializers.staff_post(p, images[p.pk], targets[p.pk])
                            for p in items], next_cursor)


@router.get("/agencies/{slug:agency}/posts/{int:id}",
            response={200: AgencyPostOut, **errors(403, 404, *AUTHED)},
            summary="One of the agency's posts")
def get_agency_post_for_staff(request: HttpRequest, agency: str, id: Id) -> dict:
    post = selectors.get_agency_post_internal(request.auth, selectors.get_agency(agency), id)
    return _staff_view(post)


@router.patch("/agencies/{slug:agency}/posts/{int:id}",
              response={200: AgencyPostOut, **errors(400, 403, 404, 409, *AUTHED)},
              summary="Edit an agency post")
def edit_agency_post(request: HttpRequest, agency: str, id: Id,
                     payload: AgencyPostPatchIn) -> dict:
    """Publishers and admins. Fields left out keep their value; `null` clears an optional
    one. Residents see that a published post was edited. The time of a scheduled post can
    move; targets never change (withdraw and post again)."""
    post = selectors.get_agency_post_internal(request.auth, selectors.get_agency(agency), id)
    changes = {name: getattr(payload, name) for name in payload.model_fields_set}
    actions.update_agency_post(request.auth, post, **changes)
    return _staff_view(post)


@router.post("/agencies/{slug:agency}/posts/{int:id}/withdraw",
             response={200: AgencyPostOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Withdraw an agency post")
def withdraw_agency_post(request: HttpRequest, agency: str, id: Id,
                         payload: WithdrawIn | None = None) -> dict:
    """It leaves every feed and inbox at once. Publishers, admins and operators."""
    post = selectors.get_agency_post_internal(request.auth, selectors.get_agency(agency), id)
    actions.withdraw_agency_post(request.auth, post, note=payload.note if payload else "")
    return _staff_view(post)


@router.post("/agencies/{slug:agency}/audience",
             response={200: AudienceOut, **errors(400, 403, 404, *AUTHED)},
             summary="Preview the audience of a target")
def preview_audience(request: HttpRequest, agency: str, payload: AudienceIn) -> dict:
    """How many verified residents a target reaches, per neighborhood; nothing is written.
    The same target rules (and errors) as publishing."""
    total, rows = selectors.audience_preview(
        request.auth, selectors.get_agency(agency), neighborhoods=payload.neighborhoods,
        area=payload.area)
    return serializers.audience(total, rows)


@router.get("/agencies/{slug:agency}/posts/{int:id}/reach",
            response={200: ReachOut, **errors(403, 404, *AUTHED)},
            summary="Reach of an agency post")
def agency_post_reach(request: HttpRequest, agency: str, id: Id) -> dict:
    """Audience size, residents who have seen it (opened it in the inbox or fetched it),
    replies and thanks, in total and per neighborhood."""
    post = selectors.get_agency_post_internal(request.auth, selectors.get_agency(agency), id)
    return serializers.reach(*selectors.reach(request.auth, post))


@router.post("/agencies/{slug:agency}/posts/{int:id}/images",
             response={201: ImageOut, **errors(400, 403, 404, 409, 413, *AUTHED)},
             summary="Attach an image")
def upload_agency_post_image(request: HttpRequest, agency: str, id: Id,
                             image: File[UploadedFile]) -> tuple[int, dict]:
    """Multipart, field `image`: a JPEG, PNG or WebP of at most 5 MB (413 beyond). It is
    decoded and re-encoded: EXIF (with any GPS position) and all other metadata are
    removed."""
    post = selectors.get_agency_post_internal(request.auth, selectors.get_agency(agency), id)
    created = actions.attach_image(request.auth, post, image.file, image.size)
    return 201, serializers.image(created)
