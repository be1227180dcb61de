"""An alert's thread: an update or an all-clear posted to an earlier post, and an alert's
details (severity, public or targeted).

An update is a post of its own (same agency, same kind) with `parent` set. It reaches
exactly the parent's audience: its target rows are the parent's, and the same feed rows and
fan-out as any post are written for them, in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.validation import clean_text
from townsquare.agencies.actions.content import Errors
from townsquare.agencies.models import AgencyPost, AgencyPostTarget
from townsquare.core import audit
from townsquare.core.errors import Conflict, Forbidden, Invalid, NotFound
from townsquare.feeds import writes as feed_rows
from townsquare.notifications import hooks as notifications


def post_alert_update(user: Any, post: AgencyPost, *, body: object, title: object = "",
                      all_clear: object = False) -> AgencyPost:
    """Post an update (or, with `all_clear`, the all-clear) to `post`, published now, to
    the parent's neighborhoods. Publishers and admins of the post's agency only."""
    if not policy.can_view_agency_internal(user, post.agency):
        raise NotFound(_("No such post."))
    if not policy.can_publish(user, post.agency):
        raise Forbidden(_("Only the agency's publishers and admins post updates."))
    if post.parent_id is not None:
        raise Conflict(_("Post the update to the first post of the thread."))
    if post.kind == AgencyPost.Kind.REQUEST_FOR_INFORMATION:
        raise Conflict(_("A request for information has no updates: tell its outcome."))
    now = timezone.now()
    if post.practice or post.current_status(now) != AgencyPost.Status.PUBLISHED:
        raise Conflict(_("Only a published post gets updates."))
    if not isinstance(all_clear, bool):
        raise Invalid(_("all_clear is true or false."), {"all_clear": [_("Must be a boolean.")]})
    errors = Errors()
    cleaned: dict[str, str] = {}
    for field, value, limit, required in (("body", body, 5000, True),
                                          ("title", title, 200, False)):
        try:
            cleaned[field] = clean_text(value, field=field, max_length=limit, required=required)
        except Invalid as exc:
            errors.merge(exc, field)
    errors.raise_if_any()
    title_text = cleaned["title"] or (_("All clear: %(title)s") if all_clear
                                      else _("Update: %(title)s")) % {"title": post.title}
    with transaction.atomic():
        targets = list(AgencyPostTarget.objects.filter(post=post)
                       .values_list("neighborhood_id", "audience"))
        update = AgencyPost.objects.create(
            agency=post.agency, author=user, kind=post.kind, title=title_text[:200],
            body=cleaned["body"], severity=post.severity, targeted_only=post.targeted_only,
            parent=post, target_all=post.target_all, target_area=post.target_area,
            update_kind=(AgencyPost.UpdateKind.ALL_CLEAR if all_clear
                         else AgencyPost.UpdateKind.UPDATE),
            audience_size=post.audience_size, status=AgencyPost.Status.PUBLISHED,
            publish_at=now, expires_at=post.expires_at, created_at=now,
        )
        AgencyPostTarget.objects.bulk_create([
            AgencyPostTarget(post=update, neighborhood_id=nbhd, audience=audience)
            for nbhd, audience in targets])
        feed_rows.add_agency_post(agency_post_id=update.pk,
                                  neighborhood_ids=[nbhd for nbhd, _a in targets],
                                  publish_at=now, expires_at=post.expires_at)
        audit.record(user, "agencies.post_updated_thread", update, agency=post.agency,
                     parent=post.pk, all_clear=all_clear,
                     neighborhoods=len(targets))
        notifications.agency_post_published(update)
    return update


def set_alert_details(user: Any, post: AgencyPost, *, severity: object = None,
                      targeted_only: object = None) -> AgencyPost:
    """Set an alert's severity and whether it is for the targeted residents only."""
    if not policy.can_view_agency_internal(user, post.agency):
        raise NotFound(_("No such post."))
    if not policy.can_publish(user, post.agency):
        raise Forbidden(_("Only the agency's publishers and admins edit posts."))
    errors = Errors()
    fields: dict[str, Any] = {}
    if severity is not None:
        if severity not in ("", *AgencyPost.Severity.values):
            errors.add("severity", _("Choose one of: %(list)s.")
                       % {"list": ", ".join(AgencyPost.Severity.values)})
        fields["severity"] = severity
    if targeted_only is not None:
        if not isinstance(targeted_only, bool):
            errors.add("targeted_only", _("Must be a boolean."))
        fields["targeted_only"] = targeted_only
    errors.raise_if_any()
    if fields:
        AgencyPost.objects.filter(Q(pk=post.pk) | Q(parent_id=post.pk)).update(**fields)
        for name, value in fields.items():
            setattr(post, name, value)
    return post

