from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.validation import clean_text
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Forbidden, Invalid, NotFound
from townsquare.feeds import writes as feed_rows
from townsquare.notifications import hooks as notifications
from townsquare.posts import profiling
from townsquare.posts.models import Category, Post


def _clean(title: object, body: object, category: object, person: object) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, check in (
        ("title", lambda: clean_text(title, field="title", max_length=200, required=False)),
        ("body", lambda: clean_text(body, field="body", max_length=5000)),
    ):
        try:
            cleaned[field] = check()
        except Invalid as exc:
            errors.update(exc.fields or {})
    category = category or Category.GENERAL
    if category not in Category.values:
        errors["category"] = [
            _("Choose one of: %(categories)s.") % {"categories": ", ".join(Category.values)}]
    cleaned["category"] = category
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    if category == Category.CRIME_SAFETY:
        cleaned["person"] = profiling.clean_person(
            person, text=f"{cleaned['title']}\n{cleaned['body']}"
        )
    else:
        cleaned["person"] = {}
    return cleaned


def create_post(
    user: Any,
    *,
    body: object,
    title: object = "",
    category: object = Category.GENERAL,
    share_nearby: bool = False,
    person: object = None,
) -> Post:
    """A verified resident posts to their own neighborhood (and, if chosen, nearby ones)."""
    resident = policy.verified_resident_of(user)
    if resident is None:
        raise Forbidden(_("Only verified residents can post. Verify your address first."))
    cleaned = _clean(title, body, category, person)
    ratelimit.hit("post", user.pk, message=_("You are posting too often. Try again later."))
    with transaction.atomic(durable=True):
        post = Post.objects.create(
            author=resident, neighborhood_id=resident.neighborhood_id,
            share_nearby=bool(share_nearby), created_at=timezone.now(), **cleaned,
        )
        feed_rows.add_post(post_id=post.pk, neighborhood_id=post.neighborhood_id,
                           created_at=post.created_at, share_nearby=post.share_nearby)
        notifications.neighborhood_post_created(post)  # neighbors who asked to hear of it
    return post


def update_post(
    user: Any, post: Post, *, body: object, title: object = "", category: object = None,
    share_nearby: bool | None = None, person: object = None,
) -> Post:
    if not policy.can_edit_post(user, post):
        raise NotFound(_("No such post."))
    cleaned = _clean(title, body, category or post.category, person)
    with transaction.atomic(durable=True):
        for key, value in cleaned.items():
            setattr(post, key, value)
        if share_nearby is not None:
            post.share_nearby = bool(share_nearby)
        post.edited_at = timezone.now()
        post.save()
        feed_rows.share_post(post.pk, share_nearby=post.share_nearby)
    return post


def delete_post(user: Any, post: Post) -> None:
    if not policy.can_edit_post(user, post):
        raise NotFound(_("No such post."))
    with transaction.atomic(durable=True):
        Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())
        feed_rows.remove_post(post.pk)
        audit.record(user, "posts.delete_post", post)
    post.refresh_from_db(fields=["deleted_at"])
