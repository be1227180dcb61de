"""Publishing agency posts: constant-time in the number of residents reached.

A post reaches its residents through one `feeds.FeedItem` row per targeted neighborhood,
written in the publishing transaction; the audience size is the sum of the targets'
denormalised member counts. So publishing to 10 or to 1,000,000 residents writes the same
rows (tests/agencies/test_publishing.py counts the queries), and every targeted resident's
feed and inbox show the post from the moment the transaction commits (or from its
scheduled time). Practice posts get no feed rows: only the agency's staff see them.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies import targeting, tasks
from townsquare.agencies.actions.content import (
    CONTENT_FIELDS,
    Errors,
    clean_content,
    clean_schedule,
)
from townsquare.agencies.models import Agency, AgencyPost, AgencyPostTarget
from townsquare.core import audit
from townsquare.core.errors import Conflict, Forbidden, Invalid, NotFound
from townsquare.feeds import writes as feed_rows
from townsquare.notifications import hooks as notifications

IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "-_.:")


def publish_agency_post(
    user: Any, agency: Agency, *, kind: object, title: object, body: object,
    neighborhoods: object = None, area: object = None, publish_at: object = None,
    expires_at: object = None, practice: bool = False, case_number: object = "",
    event_starts_at: object = None, event_place: object = "", rfi_area: object = "",
    rfi_from: object = None, rfi_until: object = None, idempotency_key: object = None,
    confirm_audience: object = None, require_confirmation: bool = False,
) -> tuple[AgencyPost, bool]:
    """Publish (or schedule) a post. Returns (post, created): a retried request with the
    same Idempotency-Key within 24 hours gets the first post back, created False.

    Reaching more than one neighborhood is confirmed with the audience in numbers: with
    `require_confirmation` (the compose page) or a `confirm_audience` given, the post goes
    out only when `confirm_audience` equals the verified residents it reaches now, else
    AudienceUnconfirmed carries the numbers to ask about. Callers that pass neither (the
    API) publish as before: the confirmation is a safeguard of the page's flow."""
    if not policy.can_publish(user, agency):
        raise Forbidden(_("Only the agency's publishers and admins publish."))
    key = clean_idempotency_key(idempotency_key)
    if key:
        earlier = _replay(agency, key)
        if earlier is not None:
            return earlier, False

    now = timezone.now()
    errors = Errors()
    content = clean_content({
        "kind": kind, "title": title, "body": body, "case_number": case_number,
        "event_starts_at": event_starts_at, "event_place": event_place,
        "rfi_area": rfi_area, "rfi_from": rfi_from, "rfi_until": rfi_until,
    }, errors)
    start, until = clean_schedule(publish_at=publish_at, expires_at=expires_at, now=now,
                                  errors=errors)
    targets = None
    try:
        targets = targeting.resolve(agency, neighborhoods=neighborhoods, area=area)
    except Invalid as exc:
        errors.merge(exc, "neighborhoods")
    errors.raise_if_any()
    assert targets is not None
    scheduled = start > now
    if not practice and (require_confirmation or confirm_audience is not None):
        check_confirmation(targets.neighborhood_ids, confirm_audience)

    try:
        with transaction.atomic(durable=True):
            post = _write(user, agency, content, targets, start=start, until=until, now=now,
                          practice=bool(practice), key=key, scheduled=scheduled)
    except IntegrityError:
        # Two requests with one Idempotency-Key at the same moment: the other one won.
        earlier = _replay(agency, key) if key else None
        if earlier is None:
            raise
        return earlier, False
    return post, True


class AudienceUnconfirmed(Conflict):
    """A post to several neighborhoods whose audience was not confirmed (or has changed
    since): `audience` residents in `neighborhoods` neighborhoods, to ask about."""

    code = "confirm_audience"

    def __init__(self, audience: int, neighborhoods: int) -> None:
        self.audience, self.neighborhoods = audience, neighborhoods
        super().__init__(_("Confirm the audience: %(audience)s verified residents in "
                           "%(count)s neighborhoods.") % {"audience": f"{audience:,}",
                                                          "count": f"{neighborhoods:,}"})


def check_confirmation(neighborhood_ids: list[int], confirmed: object) -> None:
    """One neighborhood needs no confirmation; several need the exact audience."""
    if len(neighborhood_ids) <= 1:
        return
    total = sum(targeting.audience(neighborhood_ids).values())
    if isinstance(confirmed, bool) or not isinstance(confirmed, int) or confirmed != total:
        raise AudienceUnconfirmed(total, len(neighborhood_ids))


def _write(user: Any, agency: Agency, content: dict[str, Any], targets: targeting.Targets, *,
           start: dt.datetime, until: dt.datetime | None, now: dt.datetime, practice: bool,
           key: str, scheduled: bool) -> AgencyPost:
    counts = {} if practice else targeting.audience(targets.neighborhood_ids)
    post = AgencyPost.objects.create(
        agency=agency, author=user, **content, target_all=targets.target_all,
        target_area=targets.area, audience_size=sum(counts.values()), practice=practice,
        status=AgencyPost.Status.SCHEDULED if scheduled else AgencyPost.Status.PUBLISHED,
        publish_at=start, expires_at=until, created_at=now, idempotency_key=key,
    )
    AgencyPostTarget.objects.bulk_create([
        AgencyPostTarget(post=post, neighborhood_id=nbhd, audience=counts.get(nbhd, 0))
        for nbhd in targets.neighborhood_ids
    ])
    if not practice:
        feed_rows.add_agency_post(agency_post_id=post.pk,
                                  neighborhood_ids=targets.neighborhood_ids,
                                  publish_at=start, expires_at=until)
    audit.record(user, "agencies.post_scheduled" if scheduled else "agencies.post_published",
                 post, agency=agency, kind=post.kind, practice=practice,
                 neighborhoods=len(targets.neighborhood_ids), audience=post.audience_size,
                 publish_at=start.isoformat())
    if scheduled:
        _enqueue_publication(post)
    # Email and push go out from the worker (docs/notifications.md): one job after commit.
    notifications.agency_post_published(post)
    return post


def update_agency_post(user: Any, post: AgencyPost, **changes: Any) -> AgencyPost:
    """Edit a post's content, its expiry and, while it is scheduled, its time.

    Targets do not change after publishing (withdraw and post again). A published post
    edited is marked edited for residents; an edit that changes nothing is not recorded.
    """
    if not policy.can_view_agency_internal(user, post.agency):
        raise NotFound(_("No such post."))
    if not policy.can_publish(user, post.agency):
        raise Forbidden(_("Only the agency's publishers and admins edit posts."))
    allowed = {*CONTENT_FIELDS, "publish_at", "expires_at"}
    unknown = set(changes) - allowed
    if unknown:
        raise Invalid(_("These fields cannot be edited."),
                      {name: [_("This field cannot be edited.")] for name in sorted(unknown)})
    now = timezone.now()
    if post.current_status(now) == AgencyPost.Status.WITHDRAWN:
        raise Conflict(_("A withdrawn post cannot be edited."))
    scheduled = post.current_status(now) == AgencyPost.Status.SCHEDULED
    errors = Errors()
    if "publish_at" in changes and not scheduled:
        errors.add("publish_at", _("The post is already published; its time cannot change."))
    values = {field: changes.get(field, getattr(post, field)) for field in CONTENT_FIELDS}
    content = clean_content(values, errors)
    moving = "publish_at" in changes and scheduled
    start, until = clean_schedule(
        publish_at=changes["publish_at"] if moving else post.publish_at,
        expires_at=changes.get("expires_at", post.expires_at), now=now, errors=errors,
        scheduling=moving, check_expiry="expires_at" in changes)
    errors.raise_if_any()

    new = {**content, "publish_at": start, "expires_at": until}
    changed = sorted(f for f, value in new.items() if getattr(post, f) != value)
    if not changed:
        return post
    with transaction.atomic(durable=True):
        for field in changed:
            setattr(post, field, new[field])
        fields = list(changed)
        if not scheduled:
            post.edited_at = now
            fields.append("edited_at")
        post.save(update_fields=fields)
        if {"publish_at", "expires_at"} & set(changed):
            feed_rows.reschedule_agency_post(post.pk, publish_at=start, expires_at=until)
        audit.record(user, "agencies.post_edited", post, agency=post.agency, fields=changed)
        if "publish_at" in changed:
            _enqueue_publication(post)
            notifications.agency_post_published(post)  # the fan-out follows the new time
    return post


def withdraw_agency_post(user: Any, post: AgencyPost, *, note: str = "") -> AgencyPost:
    """The post leaves every feed and inbox at once; staff still see it, marked withdrawn."""
    if not policy.can_view_agency_internal(user, post.agency):
        raise NotFound(_("No such post."))
    if not policy.can_withdraw(user, post.agency):
        raise Forbidden(_("Only the agency's publishers and admins withdraw posts."))
    with transaction.atomic(durable=True):
        now = timezone.now()
        updated = AgencyPost.objects.filter(pk=post.pk).exclude(
            status=AgencyPost.Status.WITHDRAWN
        ).update(status=AgencyPost.Status.WITHDRAWN, withdrawn_at=now)
        if not updated:
            raise Conflict(_("The post has already been withdrawn."))
        feed_rows.remove_agency_post(post.pk)
        audit.record(user, "agencies.post_withdrawn", post, agency=post.agency,
                     note=note[:500])
    post.status, post.withdrawn_at = AgencyPost.Status.WITHDRAWN, now
    return post


def clean_idempotency_key(value: object) -> str:
    if value in (None, ""):
        return ""
    if (not isinstance(value, str) or len(value) > 100
            or not set(value) <= _KEY_CHARS):
        raise Invalid(_("The Idempotency-Key is not valid."), {"idempotency_key": [
            _("At most 100 characters: letters, digits, '-', '_', '.', ':'.")]})
    return value


def _replay(agency: Agency, key: str) -> AgencyPost | None:
    earlier = AgencyPost.objects.filter(agency=agency, idempotency_key=key).first()
    if earlier is None:
        return None
    if timezone.now() - earlier.created_at > IDEMPOTENCY_WINDOW:
        raise Conflict(_("This Idempotency-Key was used more than 24 hours ago; use a new one."))
    return earlier


def _enqueue_publication(post: AgencyPost) -> None:
    """After commit, a job that flips the stored status at the scheduled time (reads never
    depend on it: see AgencyPost.current_status)."""
    job = tasks.mark_published
    if not job.get_backend().supports_defer:
        return
    transaction.on_commit(
        lambda: job.using(run_after=post.publish_at).enqueue(post_id=post.pk))
