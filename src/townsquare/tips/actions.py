"""Every write about tips: sending one, the two-way thread, and the agency's triage.

Staff actions check policy.py and write the audit log (core/audit.py) in their transaction.
Tipsters' actions write nothing about who they are: no account (anonymous tips), no
session, address or user agent, and times to the hour (tips/models.py).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies import images
from townsquare.agencies.models import Agency, AgencyPost, AgencyStaff
from townsquare.core import audit
from townsquare.core.errors import Forbidden, Invalid, NotFound
from townsquare.core.text import clean_text
from townsquare.tips import crypto, limits
from townsquare.tips.models import (
    Tip,
    TipAttachment,
    TipIdempotency,
    TipMessage,
    TipNote,
    TipSearchToken,
    TipStatus,
)

MAX_BODY = 5000
MAX_PHOTOS = 3
MAX_TAGS = 10
MAX_TAG_LENGTH = 40
COORD_DECIMALS = 3  # about 100 m: the block, not the house
IDEMPOTENCY_HOURS = 24


@dataclass(frozen=True)
class SubmittedTip:
    tip: Tip
    code: str  # the follow-up code: shown once, never stored in clear


def this_hour(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).replace(minute=0, second=0, microsecond=0)


# --- helpers --------------------------------------------------------------------------------
def require_triage(user: Any, agency: Agency) -> None:
    """Tips staff and admins pass; the agency's other staff get 403; everyone else 404."""
    if policy.can_triage_tips(user, agency):
        return
    if policy.is_agency_staff_of(user, agency):
        raise Forbidden(_("Only the agency's tips staff and admins handle tips."))
    raise NotFound(_("No such agency."))


def _staff_of(user: Any, agency: Agency) -> AgencyStaff | None:
    staff = policy.agency_staff_of(user)
    return staff if staff is not None and staff.agency_id == agency.pk else None


def _index(tip: Tip, text: str, purpose: str = "word") -> None:
    digests = (crypto.word_digests(text) if purpose == "word"
               else {crypto.digest("tag", t.casefold())[:16] for t in text.split("\n") if t})
    existing = set(TipSearchToken.objects.filter(tip=tip, digest__in=digests)
                   .values_list("digest", flat=True))
    TipSearchToken.objects.bulk_create(
        [TipSearchToken(tip=tip, digest=d) for d in sorted(digests - existing)])


def _clean_body(value: object, field: str = "body") -> str:
    return clean_text(value, field=field, max_length=MAX_BODY)


def _clean_coordinates(lat: object, lon: object) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    fields: dict[str, list[str]] = {}
    values: dict[str, float] = {}
    for name, value, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if value is None:
            fields[name] = [_("Give both lat and lon, or neither.")]
            continue
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            fields[name] = [_("Must be a number.")]
            continue
        if isinstance(value, bool) or not math.isfinite(number) or abs(number) > bound:
            fields[name] = [_("Must be between -%(bound)d and %(bound)d.") % {"bound": bound}]
            continue
        values[name] = round(number, COORD_DECIMALS)
    if fields:
        raise Invalid(_("The place is not valid."), fields)
    return values["lat"], values["lon"]


def _clean_post(agency: Agency, agency_post: AgencyPost | int | None) -> AgencyPost | None:
    if agency_post is None:
        return None
    post_id = agency_post.pk if isinstance(agency_post, AgencyPost) else agency_post
    post = (AgencyPost.objects.filter(pk=post_id, agency=agency).first()
            if isinstance(post_id, int) and not isinstance(post_id, bool) else None)
    if post is None or post.practice or not post.is_live():
        raise Invalid(_("No such post of this agency."),
                      {"agency_post_id": [_("Not a current post of this agency.")]})
    return post


def _clean_photos(photos: Iterable[Any]) -> list[images.CleanImage]:
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise Invalid(_("At most %(count)d photos.") % {"count": MAX_PHOTOS},
                      {"photos": [_("At most %(count)d photos.") % {"count": MAX_PHOTOS}]})
    cleaned = []
    for photo in photos:
        stream: IO[bytes] = photo
        size = getattr(photo, "size", None)
        if size is None:
            data = photo.read()
            size = len(data)
            stream = io.BytesIO(data)
        cleaned.append(images.clean(stream, size))
    return cleaned


def _resolve_anonymous(sender_user: Any, anonymous: bool | None) -> bool:
    signed_in = sender_user is not None and getattr(sender_user, "is_authenticated", False)
    if anonymous is None:
        return not (signed_in and policy.can_send_private_tip(sender_user))
    if not anonymous and not (signed_in and policy.can_send_private_tip(sender_user)):
        raise Invalid(_("Only signed-in residents can send a private tip."),
                      {"anonymous": [_("Sign in as a resident, or send it anonymously.")]})
    return bool(anonymous)


# --- tipsters -------------------------------------------------------------------------------
def submit_tip(*, agency: Agency, body: object, sender_user: Any = None,
               anonymous: bool | None = None, agency_post: AgencyPost | int | None = None,
               lat: object = None, lon: object = None, photos: Iterable[Any] = (),
               idempotency_key: str | None = None,
               client_address: str | None = None) -> SubmittedTip:
    """Send a tip. Anonymous tips store nothing about their sender; the follow-up code is
    returned once. A retried submission with the same Idempotency-Key answers with the
    same tip and code (for 24 hours)."""
    if agency is None or not policy.can_send_tip(sender_user, agency):
        raise NotFound(_("No such agency."))
    is_anonymous = _resolve_anonymous(sender_user, anonymous)
    key_digest = None
    if idempotency_key:
        key = clean_text(idempotency_key, field="Idempotency-Key", max_length=200)
        key_digest = crypto.digest("idempotency", f"{agency.pk}:{key}")
        earlier = _earlier_submission(key_digest)
        if earlier is not None:
            return earlier
    text = _clean_body(body)
    post = _clean_post(agency, agency_post)
    lat_value, lon_value = _clean_coordinates(lat, lon)
    cleaned_photos = _clean_photos(photos)

    code = crypto.new_code()
    hour = this_hour()
    sender = None if is_anonymous else policy.resident_of(sender_user)
    try:
        with transaction.atomic():
            # Counted in the tip's transaction: one commit per tip. A refused attempt's
            # count is rolled back with it, but the count it saw stays over the limit.
            limits.check_submission(agency.pk, client_address, anonymous=is_anonymous)
            tip = Tip.objects.create(
                agency=agency, anonymous=is_anonymous, sender=sender, agency_post=post,
                lat=lat_value, lon=lon_value, created_hour=hour, last_activity_hour=hour,
                code_digest=crypto.code_digest(code), body_token=crypto.encrypt_text(text),
            )
            tip._ts_body = text
            _index(tip, text)
            TipAttachment.objects.bulk_create([
                TipAttachment(tip=tip, data_token=crypto.encrypt_bytes(photo.data),
                              content_type=photo.content_type, width=photo.width,
                              height=photo.height, created_hour=hour)
                for photo in cleaned_photos])
            if key_digest is not None:
                TipIdempotency.objects.filter(expires_hour__lt=hour).delete()
                TipIdempotency.objects.create(
                    key_digest=key_digest, tip=tip, code_token=crypto.encrypt_text(code),
                    expires_hour=hour + dt.timedelta(hours=IDEMPOTENCY_HOURS))
    except IntegrityError:
        # The same Idempotency-Key sent twice at once: the other submission won.
        earlier = _earlier_submission(key_digest) if key_digest else None
        if earlier is None:
            raise
        return earlier
    return SubmittedTip(tip=tip, code=code)


def _earlier_submission(key_digest: str) -> SubmittedTip | None:
    record = (TipIdempotency.objects.select_related("tip")
              .filter(key_digest=key_digest, expires_hour__gte=this_hour()).first())
    if record is None:
        return None
    return SubmittedTip(tip=record.tip, code=crypto.decrypt_text(record.code_token))


def tip_by_code(code: str, *, client_address: str | None = None) -> Tip:
    """The tip of a follow-up code; NotFound, or RateLimited while this client is
    guessing (too many unknown codes this hour)."""
    if limits.guessing_blocked(client_address):
        raise limits.too_many_guesses()
    digest = crypto.code_digest(code)
    tip = (Tip.objects.select_related("agency", "agency_post").filter(code_digest=digest).first()
           if digest else None)
    if tip is None:
        limits.count_miss(client_address)
        raise NotFound(_("No tip has this code."))
    return tip


def tipster_reply(code: str, body: object, *, client_address: str | None = None) -> TipMessage:
    """The tipster writes back, with the code.

    The same text sent again within the hour (a page refreshed after sending, a button
    pressed twice, a retried request) is not a second message: the first one is returned.
    """
    tip = tip_by_code(code, client_address=client_address)
    text = _clean_body(body)
    hour = this_hour()
    with transaction.atomic():
        # The tip's row is locked so that two identical sends at once are told apart.
        Tip.objects.select_for_update().filter(pk=tip.pk).values_list("pk").first()
        earlier = _same_message_this_hour(tip, text, hour)
        if earlier is not None:
            return earlier
        message = TipMessage.objects.create(tip=tip, sender=TipMessage.Sender.TIPSTER,
                                            body_token=crypto.encrypt_text(text),
                                            created_hour=hour)
        Tip.objects.filter(pk=tip.pk).update(last_activity_hour=hour)
        _index(tip, text)
    return message


def _same_message_this_hour(tip: Tip, text: str, hour: dt.datetime) -> TipMessage | None:
    """The tipster's message of this hour on `tip` with exactly this text, if any (the
    bodies are encrypted with a random nonce: the few of the hour are decrypted)."""
    for message in TipMessage.objects.filter(tip=tip, sender=TipMessage.Sender.TIPSTER,
                                             created_hour=hour).order_by("id"):
        if message.body == text:
            return message
    return None


# --- staff ----------------------------------------------------------------------------------
def staff_reply(user: Any, tip: Tip, body: object) -> TipMessage:
    """An agency message in the tip's thread; the tipster reads it through the code."""
    require_triage(user, tip.agency)
    text = _clean_body(body)
    hour = this_hour()
    with transaction.atomic():
        message = TipMessage.objects.create(tip=tip, sender=TipMessage.Sender.AGENCY,
                                            author=_staff_of(user, tip.agency),
                                            body_token=crypto.encrypt_text(text),
                                            created_hour=hour)
        updates: dict[str, Any] = {"last_activity_hour": hour}
        if tip.first_response_hour is None:
            updates["first_response_hour"] = hour
        Tip.objects.filter(pk=tip.pk).update(**updates)
        for name, value in updates.items():
            setattr(tip, name, value)
        _index(tip, text)
        audit.record(user, "tip.reply", tip, agency=tip.agency, message=message.pk)
    return message


def update_tip(user: Any, tip: Tip, *, status: str | None = None,
               case_number: str | None = None, assignee_email: str | None = None,
               tags: list[str] | None = None) -> Tip:
    """Triage: status, case number, assignee (a tips staff member or admin of the agency,
    by email; "" unassigns), tags."""
    require_triage(user, tip.agency)
    changed: dict[str, Any] = {}
    if status is not None:
        if status not in TipStatus.values:
            raise Invalid(_("Not a status."), {"status": [_("One of: %(values)s.") % {
                "values": ", ".join(TipStatus.values)}]})
        tip.status = status
        changed["status"] = status
    if case_number is not None:
        tip.case_number = clean_text(case_number, field="case_number", max_length=60,
                                     required=False)
        changed["case_number"] = tip.case_number
    if assignee_email is not None:
        tip.assignee = _assignee(tip.agency, assignee_email)
        changed["assignee"] = tip.assignee.user.email if tip.assignee else ""
    old_tags = list(tip.tags)
    if tags is not None:
        tip.tags = _clean_tags(tags)
        changed["tags"] = tip.tags
    if not changed:
        return tip
    with transaction.atomic():
        tip.last_activity_hour = this_hour()
        tip.save(update_fields=["status", "case_number", "assignee", "tags",
                                "last_activity_hour"])
        if tags is not None:
            gone = {crypto.digest("tag", t.casefold())[:16] for t in old_tags}
            TipSearchToken.objects.filter(tip=tip, digest__in=gone).delete()
            _index(tip, "\n".join(tip.tags), purpose="tag")
            _index(tip, " ".join(tip.tags))
        if case_number:
            _index(tip, tip.case_number)
        audit.record(user, "tip.update", tip, agency=tip.agency, **changed)
    return tip


def _assignee(agency: Agency, email: str) -> AgencyStaff | None:
    if not isinstance(email, str):
        raise Invalid(_("The assignee must be an email address."),
                      {"assignee": [_("Must be text.")]})
    if not email.strip():
        return None
    staff = (AgencyStaff.objects.select_related("user")
             .filter(agency=agency, active=True, user__email__iexact=email.strip(),
                     role__in=[policy.ADMIN, policy.TIPS]).first())
    if staff is None:
        raise Invalid(_("The assignee must be one of the agency's tips staff or admins."),
                      {"assignee": [_("Not a tips staff member or admin of this agency.")]})
    return staff


def _clean_tags(tags: object) -> list[str]:
    if not isinstance(tags, list | tuple) or len(tags) > MAX_TAGS:
        raise Invalid(_("Tags must be a list of at most %(count)d.") % {"count": MAX_TAGS},
                      {"tags": [_("At most %(count)d tags.") % {"count": MAX_TAGS}]})
    cleaned: list[str] = []
    for tag in tags:
        text = clean_text(tag, field="tags", max_length=MAX_TAG_LENGTH).casefold()
        if text not in cleaned:
            cleaned.append(text)
    return cleaned


def add_note(user: Any, tip: Tip, body: object) -> TipNote:
    """An internal note: the staff only."""
    require_triage(user, tip.agency)
    text = _clean_body(body)
    with transaction.atomic():
        note = TipNote.objects.create(tip=tip, author=_staff_of(user, tip.agency),
                                      body_token=crypto.encrypt_text(text),
                                      created_hour=this_hour())
        _index(tip, text)
        audit.record(user, "tip.note", tip, agency=tip.agency, note=note.pk)
    return note


def merge_tips(user: Any, duplicate: Tip, into: Tip) -> Tip:
    """Close `duplicate` as merged into `into`: its thread (and its tipster's code) stay as
    they are, and the kept tip's staff view shows its messages beside its own."""
    require_triage(user, duplicate.agency)
    if into.agency_id != duplicate.agency_id:
        raise Invalid(_("Only tips of the same agency can be merged."),
                      {"into": [_("Not a tip of this agency.")]})
    if into.pk == duplicate.pk or into.merged_into_id is not None:
        raise Invalid(_("A tip cannot be merged into itself or into a merged tip."),
                      {"into": [_("Choose the tip that is kept.")]})
    with transaction.atomic():
        # Tips merged into the duplicate before now follow it into the kept tip.
        Tip.objects.filter(merged_into=duplicate).update(merged_into=into)
        duplicate.merged_into = into
        duplicate.status = TipStatus.CLOSED
        duplicate.last_activity_hour = this_hour()
        duplicate.save(update_fields=["merged_into", "status", "last_activity_hour"])
        audit.record(user, "tip.merge", duplicate, agency=duplicate.agency, into=into.pk)
    return into


def hide_tip(user: Any, tip: Tip, reason: str) -> Tip:
    """Hide an abusive tip from the inbox (audited, with the reason)."""
    require_triage(user, tip.agency)
    text = clean_text(reason, field="reason", max_length=500)
    with transaction.atomic():
        tip.hidden = True
        tip.hidden_reason = text
        tip.save(update_fields=["hidden", "hidden_reason"])
        audit.record(user, "tip.hide", tip, agency=tip.agency, reason=text)
    return tip


def unhide_tip(user: Any, tip: Tip) -> Tip:
    require_triage(user, tip.agency)
    with transaction.atomic():
        tip.hidden = False
        tip.hidden_reason = ""
        tip.save(update_fields=["hidden", "hidden_reason"])
        audit.record(user, "tip.unhide", tip, agency=tip.agency)
    return tip


def forward_tip(user: Any, tip: Tip, to_agency: Agency, note: str = "") -> Tip:
    """A copy of the tip for another agency: its text, place and attachments only. Never
    its sender (the copy is anonymous even when the tip is private), its thread, notes,
    tags or case number. Nobody holds a code for the copy."""
    require_triage(user, tip.agency)
    if to_agency is None or not policy.can_forward_tip(user, tip, to_agency):
        raise Invalid(_("Choose another approved agency."),
                      {"agency": [_("Not an agency this tip can be forwarded to.")]})
    text = clean_text(note, field="note", max_length=MAX_BODY, required=False)
    hour = this_hour()
    with transaction.atomic():
        copy = Tip.objects.create(
            agency=to_agency, anonymous=True, sender=None, lat=tip.lat, lon=tip.lon,
            forwarded_from=tip, created_hour=hour, last_activity_hour=hour,
            code_digest=crypto.random_digest(), body_token=crypto.encrypt_text(tip.body))
        _index(copy, tip.body)
        TipAttachment.objects.bulk_create([
            TipAttachment(tip=copy, data_token=a.data_token, content_type=a.content_type,
                          width=a.width, height=a.height, created_hour=hour)
            for a in tip.attachments.all()])
        if text:
            TipNote.objects.create(
                tip=copy, author=None, created_hour=hour,
                body_token=crypto.encrypt_text(
                    _("Forwarded by %(agency)s: %(note)s") % {"agency": tip.agency.name,
                                                              "note": text}))
        audit.record(user, "tip.forward", tip, agency=tip.agency, to_agency=to_agency.slug,
                     copy=copy.pk)
        audit.record(user, "tip.forwarded_in", copy, agency=to_agency,
                     from_agency=tip.agency.slug)
    return copy
