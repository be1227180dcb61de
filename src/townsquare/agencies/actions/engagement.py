"""What residents do with agency posts (reply, thank, open) and what staff do with the
replies (hide). Opening a post is one upsert of an InboxRead row, nothing more."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.validation import clean_text
from townsquare.agencies.models import AgencyPost, AgencyReply, AgencyThank, InboxRead
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Conflict, Forbidden, NotFound


def reply_to_agency_post(user: Any, post: AgencyPost, *, body: object) -> AgencyReply:
    """A targeted verified resident replies. The reply is seen by the agency and by the
    residents of the replier's own neighborhood only."""
    if not policy.can_view_agency_post(user, post):
        raise NotFound(_("No such post."))
    if not policy.can_reply_agency_post(user, post):
        raise Forbidden(_("Only residents of the neighborhoods it was sent to reply."))
    text = clean_text(body, field="body", max_length=3000)
    ratelimit.hit("reply", user.pk, message=_("You are replying too often. Try again later."))
    resident = policy.verified_resident_of(user)
    assert resident is not None
    with transaction.atomic(durable=True):
        reply = AgencyReply.objects.create(post=post, author=resident,
                                           neighborhood_id=resident.neighborhood_id, body=text)
        AgencyPost.objects.filter(pk=post.pk).update(reply_count=F("reply_count") + 1)
    return reply


def delete_agency_reply(user: Any, reply: AgencyReply) -> None:
    """Its author takes it back. The agency's copy goes too (exports skip deleted replies)."""
    if not policy.can_delete_agency_reply(user, reply):
        raise NotFound(_("No such reply."))
    with transaction.atomic(durable=True):
        AgencyReply.objects.filter(pk=reply.pk).update(deleted_at=timezone.now())
        AgencyPost.objects.filter(pk=reply.post_id).update(reply_count=F("reply_count") - 1)


def hide_agency_reply(user: Any, reply: AgencyReply, *, note: str = "") -> AgencyReply:
    """The agency's tips desk or admins (or an operator) hide an abusive reply from the
    replier's neighbors; its author still sees it, marked hidden."""
    if not policy.can_view_agency_reply(user, reply):
        raise NotFound(_("No such reply."))
    if not policy.can_handle_replies(user, reply.post.agency):
        raise Forbidden(_("Only the agency's tips desk and admins hide replies."))
    with transaction.atomic(durable=True):
        if not AgencyReply.objects.filter(pk=reply.pk, hidden_at__isnull=True).update(
                hidden_at=timezone.now(), hidden_by=user):
            raise Conflict(_("The reply is already hidden."))
        audit.record(user, "agencies.reply_hidden", reply, agency=reply.post.agency,
                     post=reply.post_id, note=note[:500])
    reply.refresh_from_db(fields=["hidden_at", "hidden_by"])
    return reply


def thank_agency_post(user: Any, post: AgencyPost) -> bool:
    """Thank once. Returns True if this call added the thanks."""
    if not policy.can_view_agency_post(user, post):
        raise NotFound(_("No such post."))
    resident = policy.verified_resident_of(user)
    if resident is None or not policy.can_thank_agency_post(user, post):
        raise Forbidden(_("Only residents of the neighborhoods it was sent to thank it."))
    with transaction.atomic(durable=True):
        _thank, created = AgencyThank.objects.get_or_create(
            post=post, resident=resident,
            defaults={"neighborhood_id": resident.neighborhood_id})
        if created:
            AgencyPost.objects.filter(pk=post.pk).update(thank_count=F("thank_count") + 1)
    return created


def unthank_agency_post(user: Any, post: AgencyPost) -> bool:
    resident = policy.verified_resident_of(user)
    if resident is None or not policy.can_view_agency_post(user, post):
        raise NotFound(_("No such post."))
    with transaction.atomic(durable=True):
        deleted, _by_model = AgencyThank.objects.filter(post=post, resident=resident).delete()
        if deleted:
            AgencyPost.objects.filter(pk=post.pk).update(thank_count=F("thank_count") - 1)
    return bool(deleted)


def mark_read(user: Any, post: AgencyPost) -> None:
    """Record that `user` opened the post: one INSERT ... ON CONFLICT DO NOTHING.

    A resident's row carries their neighborhood: it counts towards the post's "seen" reach.
    The caller must already be allowed to see the post (selectors check it first).
    """
    if not policy.can_view_agency_post(user, post):
        raise NotFound(_("No such post."))
    resident = policy.verified_resident_of(user)
    InboxRead.objects.bulk_create(
        [InboxRead(user=user, agency_post=post, read_at=timezone.now(),
                   neighborhood_id=resident.neighborhood_id if resident else None)],
        ignore_conflicts=True,
    )


def record_opened(user: Any, post: AgencyPost) -> None:
    """A resident fetched the post (feed view or link): it counts as read and seen. Staff
    and operators looking at it are not residents reached, so nothing is recorded."""
    if policy.verified_resident_of(user) is not None:
        mark_read(user, post)
