from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.core.errors import Forbidden, NotFound
from townsquare.posts.models import Post, Thank


def thank_post(user: Any, post: Post) -> bool:
    """Thank a post once. Returns True if this call added the thanks."""
    if not policy.can_view_post(user, post):
        raise NotFound(_("No such post."))
    resident = policy.verified_resident_of(user)
    if resident is None or not policy.can_thank(user, post):
        raise Forbidden(_("Only verified residents can thank posts."))
    with transaction.atomic(durable=True):
        _thank, created = Thank.objects.get_or_create(post=post, resident=resident)
        if created:
            Post.objects.filter(pk=post.pk).update(thank_count=F("thank_count") + 1)
    return created


def unthank_post(user: Any, post: Post) -> bool:
    resident = policy.verified_resident_of(user)
    if resident is None or not policy.can_view_post(user, post):
        raise NotFound(_("No such post."))
    with transaction.atomic(durable=True):
        deleted, _by_model = Thank.objects.filter(post=post, resident=resident).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(thank_count=F("thank_count") - 1)
    return bool(deleted)
