"""The tips endpoints of /api/v1/ (docs/tips-and-questions.md).

Sending a tip needs no account (without a token it is anonymous); whoever holds a
follow-up code reads and answers the thread. The agency's tips staff and admins triage;
its other staff get 403, everyone else 404. Nothing here logs or stores the caller's
address, user agent or session for a tip (tips/actions.py, tips/logfilter.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Header, Path, Query, Router
from ninja.errors import HttpError, ValidationError
from pydantic import ValidationError as PydanticError

from townsquare.agencies import selectors as agency_selectors
from townsquare.api import auth, pagination
from townsquare.api.errors import BODY_PARAM, ObjectParser
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors
from townsquare.api.tip_schemas import (
    TipCreated,
    TipIn,
    TipMessageIn,
    TipMessageOut,
    TipOut,
    TipPage,
    TipPatchIn,
    TipThreadOut,
)
from townsquare.core.clientaddr import client_address
from townsquare.tips import actions, selectors
from townsquare.tips.models import Tip, TipMessage

router = Router(tags=["tips"])

Code = Annotated[str, Path(max_length=80, description="The follow-up code, as shown.")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=100,
    description="Send the same key to retry safely: within 24 hours the same code comes "
                "back instead of a second tip.")]


class BearerToken(auth.BearerToken):
    """A token, read without recording its use: a token's last use, at the minute of an
    anonymous tip, would tie the tip to its account."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return selectors.token_user(token.strip())


def no_credentials(request: HttpRequest) -> Any:
    """No Authorization header: anyone, anonymously. A wrong token is still a 401."""
    return None if "Authorization" in request.headers else AnonymousUser()


anyone = [BearerToken(), auth.BrowserSession(), no_credentials]


def _message(message: Any) -> dict:
    return {"from": message.sender, "body": message.body, "created_at": message.created_at}


def _tip(tip: Tip) -> dict:
    return {
        "id": tip.pk, "status": tip.status, "body": tip.body, "anonymous": tip.anonymous,
        "created_at": tip.created_hour, "agency_post_id": tip.agency_post_id,
        "sender": selectors.sender_label(tip), "case_number": tip.case_number,
        "assignee": tip.assignee.user.email if tip.assignee else None, "tags": list(tip.tags),
        "hidden": tip.hidden, "merged_into_id": tip.merged_into_id, "lat": tip.lat,
        "lon": tip.lon, "hours_to_first_response": tip.hours_to_first_response,
    }


def _tip_request_body() -> dict:
    """The document's request body of "Send a tip": JSON, or multipart/form-data with the
    same fields and `photos` (the operation reads its body itself, to take both)."""
    schema = TipIn.model_json_schema(ref_template="#/components/schemas/{model}")
    form = {**schema, "title": "TipForm", "properties": {
        **schema["properties"],
        "photos": {"type": "array", "maxItems": actions.MAX_PHOTOS,
                   "items": {"type": "string", "format": "binary"},
                   "description": "JPEG, PNG or WebP, at most 5 MB each; metadata is "
                                  "removed."}}}
    return {"required": True, "content": {"application/json": {"schema": schema},
                                          "multipart/form-data": {"schema": form}}}


def _tip_input(request: HttpRequest) -> tuple[TipIn, list[Any]]:
    """The tip's fields and photos, from a JSON body or a multipart form: a bad field is
    a 400 naming it, as every JSON body's is (api/errors.py)."""
    photos: list[Any] = []
    if request.content_type == "multipart/form-data":
        data: Any = {name: value for name, value in request.POST.items() if value != ""}
        photos = request.FILES.getlist("photos")
    elif request.body:
        try:
            data = ObjectParser().parse_body(request)
        except Exception as exc:
            raise HttpError(400, "Cannot parse request body") from exc
    else:
        data = None
    try:
        return TipIn.model_validate(data), photos
    except PydanticError as exc:
        raise ValidationError([{**error, "loc": ("body", BODY_PARAM, *error["loc"])}
                               for error in exc.errors(include_url=False)]) from None


@router.post("/agencies/{slug:agency}/tips", auth=anyone,
             response={201: TipCreated, **errors(400, 401, 404, 413, 429)},
             summary="Send a tip", openapi_extra={"requestBody": _tip_request_body()})
def send_tip(request: HttpRequest, agency: str,
             idempotency_key: IdempotencyKey = None) -> tuple[int, dict]:
    """Anyone. Without a token the tip is anonymous: no account, address, user agent or
    time finer than the hour is stored or logged. With one it is private (the agency sees
    your display name and neighborhood) unless `anonymous` is true. The answer's `code` is
    shown once: keep it to read the agency's answers (`GET /tips/{code}`).

    JSON, or multipart/form-data with the same fields and up to 3 `photos` (JPEG, PNG or
    WebP, at most 5 MB each, 413 beyond; anything else, or a decompression bomb, is a 400
    and nothing is stored)."""
    found = agency_selectors.get_agency(agency)
    payload, photos = _tip_input(request)
    user = request.auth if getattr(request.auth, "is_authenticated", False) else None
    sent = actions.submit_tip(
        agency=found, body=payload.body, sender_user=user, anonymous=payload.anonymous,
        agency_post=payload.agency_post_id, lat=payload.lat, lon=payload.lon, photos=photos,
        idempotency_key=idempotency_key, client_address=client_address(request))
    return 201, {"code": sent.code}


@router.get("/tips/{code}", response={200: TipThreadOut, **errors(400, 404, 429)},
            summary="Your tip's thread, by its code", by_alias=True)
def tip_thread(request: HttpRequest, code: Code) -> dict:
    """Whoever holds the code: the tip's status and its messages, oldest first (with the
    outcomes the agency posted on the post it answers). 404 for an unknown code; trying
    many unknown codes is answered 429 for a while."""
    thread = selectors.thread_for_code(code, client_address=client_address(request))
    return {"status": thread.status, "messages": [_message(m) for m in thread.messages]}


@router.post("/tips/{code}/messages",
             response={201: TipMessageOut, **errors(400, 404, 413, 429)},
             summary="Write to the agency about your tip", by_alias=True)
def tipster_message(request: HttpRequest, code: Code, payload: TipMessageIn) -> tuple[int, dict]:
    """Whoever holds the code."""
    message = actions.tipster_reply(code, payload.body, client_address=client_address(request))
    return 201, _message(message)


@router.get("/agencies/{slug:agency}/tips", auth=auth.caller,
            response={200: TipPage, **errors(400, 403, 404, *AUTHED)},
            summary="The agency's tips")
def list_tips(request: HttpRequest, agency: str, status: str | None = None,
              assignee: Annotated[str | None, Query(max_length=254)] = None,
              tag: Annotated[str | None, Query(max_length=40)] = None,
              q: Annotated[str | None, Query(max_length=200)] = None,
              cursor: pagination.Cursor = None,
              limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """The agency's tips staff and admins (403 for its other staff): newest first, hidden
    and merged tips left out. Filters: `status`, `assignee` (an email; "" for unassigned),
    `tag`, `q` (whole words of the tip, its messages and notes). Each listing is written
    to the agency's audit log."""
    items, next_cursor = selectors.inbox(
        request.auth, agency_selectors.get_agency(agency), status=status, assignee=assignee,
        tag=tag, q=q, cursor=cursor, limit=limit)
    return pagination.page([_tip(t) for t in items], next_cursor)


@router.patch("/agencies/{slug:agency}/tips/{int:id}", auth=auth.caller,
              response={200: TipOut, **errors(400, 403, 404, *AUTHED)},
              summary="Triage a tip")
def update_tip(request: HttpRequest, agency: str, id: Id, payload: TipPatchIn) -> dict:
    """Tips staff and admins: `status`, `case_number`, `assignee` (email), `tags`."""
    tip = selectors.tip_for_staff(request.auth, agency_selectors.get_agency(agency), id)
    actions.update_tip(request.auth, tip, status=payload.status,
                       case_number=payload.case_number, assignee_email=payload.assignee,
                       tags=payload.tags)
    return _tip(tip)


@router.post("/agencies/{slug:agency}/tips/{int:id}/messages", auth=auth.caller,
             response={201: TipMessageOut, **errors(400, 403, 404, 413, *AUTHED)},
             summary="Answer a tipster", by_alias=True)
def staff_message(request: HttpRequest, agency: str, id: Id,
                  payload: TipMessageIn) -> tuple[int, dict]:
    """Tips staff and admins. The tipster reads it through the code."""
    tip = selectors.tip_for_staff(request.auth, agency_selectors.get_agency(agency), id)
    message: TipMessage = actions.staff_reply(request.auth, tip, payload.body)
    return 201, _message(message)
