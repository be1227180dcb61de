from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.validation import clean_text
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Conflict, Forbidden, Invalid, NotFound
from townsquare.feeds import writes as feed_rows
from townsquare.posts.models import Post, Reply, Report


def report_content(
    user: Any, post: Post, *, reason: object, note: object = "", reply: Reply | None = None
) -> Report:
    """A resident flags a post (or one of its replies) for the neighborhood's moderators."""
    if not policy.can_view_post(user, post) or (
        reply is not None and (reply.post_id != post.pk or not policy.can_view_reply(user, reply))
    ):
        raise NotFound(_("No such post."))
    if not policy.can_report(user, post):
        raise Forbidden(_("Only verified residents can report posts."))
    if reason not in Report.Reason.values:
        raise Invalid(_("Choose a reason."), {"reason": [
            _("Choose one of: %(reasons)s.") % {"reasons": ", ".join(Report.Reason.values)}]})
    text = clean_text(note, field="note", max_length=1000, required=False)
    ratelimit.hit("report", user.pk)
    try:
        with transaction.atomic(durable=True):
            if Report.objects.filter(post=post, reply=reply, reporter=user).exists():
                raise Conflict(_("You have already reported this."))
            report = Report.objects.create(
                post=post, reply=reply, reporter=user, reason=reason, note=text
            )
    except IntegrityError as exc:
        raise Conflict(_("You have already reported this.")) from exc
    return report


NOTE_MAX_LENGTH = 500


def moderation_note(note: object) -> str:
    """A moderator's note for the audit log: as typed minus dangerous characters, stripped
    (core.text); Invalid (field `note`) if it is not text or is too long. The pages and the
    API pass it as they got it."""
    return clean_text(note, field="note", max_length=NOTE_MAX_LENGTH, required=False)


def hide_post(user: Any, post: Post, *, note: str = "") -> Post:
    """A lead (of the post's neighborhood) or an operator hides a post; its reports close."""
    if not policy.can_moderate_post(user, post):
        raise NotFound(_("No such post."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        Post.objects.filter(pk=post.pk).update(hidden_at=now, hidden_by=user)
        feed_rows.remove_post(post.pk)
        closed = _close_reports(Report.objects.filter(post=post, reply__isnull=True), user,
                                "hidden")
        audit.record(user, "posts.hide_post", post, note=moderation_note(note),
                     reports_closed=closed)
    post.refresh_from_db(fields=["hidden_at", "hidden_by"])
    return post


def unhide_post(user: Any, post: Post, *, note: str = "") -> Post:
    if not policy.can_moderate_post(user, post) or post.hidden_at is None:
        raise NotFound(_("No such post."))
    with transaction.atomic(durable=True):
        Post.objects.filter(pk=post.pk).update(hidden_at=None, hidden_by=None)
        feed_rows.restore_post(post_id=post.pk, neighborhood_id=post.neighborhood_id,
                               created_at=post.created_at, share_nearby=post.share_nearby)
        audit.record(user, "posts.unhide_post", post, note=moderation_note(note))
    post.refresh_from_db(fields=["hidden_at", "hidden_by"])
    return post


def hide_reply(user: Any, reply: Reply, *, note: str = "") -> Reply:
    if not policy.can_moderate_post(user, reply.post):
        raise NotFound(_("No such reply."))
    with transaction.atomic(durable=True):
        Reply.objects.filter(pk=reply.pk).update(hidden_at=timezone.now())
        closed = _close_reports(Report.objects.filter(reply=reply), user, "hidden")
        audit.record(user, "posts.hide_reply", reply, note=moderation_note(note),
                     reports_closed=closed)
    reply.refresh_from_db(fields=["hidden_at"])
    return reply


def dismiss_report(user: Any, report: Report, *, note: str = "") -> Report:
    if not policy.can_moderate_post(user, report.post) or report.resolved_at is not None:
        raise NotFound(_("No such report."))
    with transaction.atomic(durable=True):
        _close_reports(Report.objects.filter(pk=report.pk), user, "dismissed")
        audit.record(user, "posts.dismiss_report", report, note=moderation_note(note))
    report.refresh_from_db()
    return report


def _close_reports(reports: Any, user: Any, resolution: str) -> int:
    return reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user, resolution=resolution
    )
