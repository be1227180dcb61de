"""The demo agencies' posts written with the actions a publisher and residents use
(`publish_agency_post`, `reply_to_agency_post`, `thank_agency_post`, `mark_read`).

Each post carries a fixed Idempotency-Key, which is how the next load finds it and leaves it
alone. Delivery by email and push is the notifications app's, after commit, like any post's:
with the embedded default, mail is written to files under the var directory, and every demo
address is at a reserved domain that never receives mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from townsquare.agencies import actions
from townsquare.agencies.models import (
    Agency,
    AgencyPost,
    AgencyReply,
    AgencyThank,
    InboxRead,
)
from townsquare.demo.agency_posts import KEYS, Plan
from townsquare.feeds.models import FeedItem


@dataclass(frozen=True)
class Counts:
    posts: int
    replies: int
    thanks: int


def all_there(agencies: list[Agency]) -> bool:
    """Whether every post has been published (on an earlier load)."""
    return AgencyPost.objects.filter(agency__in=agencies,
                                     idempotency_key__in=KEYS).count() == len(KEYS)


def publish(plans: list[Plan]) -> bool:
    """Publish the posts not published yet, with their replies, thanks and reads. True if
    anything was written."""
    added = False
    for plan in plans:
        if AgencyPost.objects.filter(agency=plan.agency, idempotency_key=plan.key).exists():
            continue
        post, _created = actions.publish_agency_post(plan.author, plan.agency,
                                                     idempotency_key=plan.key, **plan.fields)
        for resident, body, _at in plan.replies:
            actions.reply_to_agency_post(resident.user, post, body=body)
        for resident, _at in plan.thanks:
            actions.thank_agency_post(resident.user, post)
        readers = {r.user_id: r.user for r, *_rest in [*plan.replies, *plan.thanks]}
        for user in readers.values():
            actions.mark_read(user, post)  # whoever replied or thanked had opened it
        _put_back_times(post, plan)
        added = True
    return added


def _put_back_times(post: AgencyPost, plan: Plan) -> None:
    """The actions stamped "now": give the post, its feed rows, replies, thanks and reads
    their planned times."""
    at = plan.published_at
    read_at: dict[int, dt.datetime] = {}
    for resident, *rest in [*plan.replies, *plan.thanks]:
        moment = rest[-1]
        read_at[resident.user_id] = min(read_at.get(resident.user_id, moment), moment)
    with transaction.atomic(durable=True):
        AgencyPost.objects.filter(pk=post.pk).update(publish_at=at, created_at=at)
        FeedItem.objects.filter(agency_post=post).update(created_at=at)
        replies = list(AgencyReply.objects.filter(post=post).order_by("pk"))
        for reply, (_resident, _body, moment) in zip(replies, plan.replies, strict=True):
            reply.created_at = moment
        AgencyReply.objects.bulk_update(replies, ["created_at"])
        thanked = dict((r.pk, moment) for r, moment in plan.thanks)
        thanks = list(AgencyThank.objects.filter(post=post))
        for thank in thanks:
            thank.created_at = thanked[thank.resident_id]
        AgencyThank.objects.bulk_update(thanks, ["created_at"])
        reads = list(InboxRead.objects.filter(agency_post=post))
        for read in reads:
            read.read_at = read_at[read.user_id]
        InboxRead.objects.bulk_update(reads, ["read_at"])


def counts(agencies: list[Agency]) -> Counts:
    posts = AgencyPost.objects.filter(agency__in=agencies)
    return Counts(
        posts=posts.count(),
        replies=AgencyReply.objects.filter(post__in=posts, deleted_at__isnull=True).count(),
        thanks=AgencyThank.objects.filter(post__in=posts).count(),
    )
