from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.validation import clean_text
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Forbidden, NotFound
from townsquare.notifications import hooks as notifications
from townsquare.posts.models import Post, Reply


def create_reply(user: Any, post: Post, *, body: object) -> Reply:
    if not policy.can_view_post(user, post):
        raise NotFound(_("No such post."))
    if not policy.can_reply(user, post):
        raise Forbidden(_("You cannot reply to this post."))
    text = clean_text(body, field="body", max_length=3000)
    ratelimit.hit("reply", user.pk, message=_("You are replying too often. Try again later."))
    resident = policy.verified_resident_of(user)
    with transaction.atomic(durable=True):
        reply = Reply.objects.create(post=post, author=resident, body=text)
        Post.objects.filter(pk=post.pk).update(reply_count=F("reply_count") + 1)
        notifications.reply_created(reply)  # the author hears of it, by their settings
    return reply


def update_reply(user: Any, reply: Reply, *, body: object) -> Reply:
    if not policy.can_edit_reply(user, reply):
        raise NotFound(_("No such reply."))
    reply.body = clean_text(body, field="body", max_length=3000)
    reply.edited_at = timezone.now()
    reply.save(update_fields=["body", "edited_at"])
    return reply


def delete_reply(user: Any, reply: Reply) -> None:
    if not policy.can_edit_reply(user, reply):
        raise NotFound(_("No such reply."))
    with transaction.atomic(durable=True):
        Reply.objects.filter(pk=reply.pk).update(deleted_at=timezone.now())
        Post.objects.filter(pk=reply.post_id).update(reply_count=F("reply_count") - 1)
        audit.record(user, "posts.delete_reply", reply)
