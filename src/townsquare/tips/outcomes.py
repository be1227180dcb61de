"""Closing the loop on a request for information (docs/tips-and-questions.md): the agency
posts what came of it ("an arrest was made", "the tagging stopped").

The outcome is public text, stored as is (not encrypted). Every tip on the post shows it
in its thread: `selectors.thread_for_code` adds the post's outcomes to what a tipster reads
with their code, so anonymous tipsters learn it without anyone knowing who they are. The
residents who replied to the post receive it through the notification channels (inbox,
email, push, as they chose), by `notifications.hooks.outcome_posted` after the commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import AgencyPost
from townsquare.core import audit
from townsquare.core.errors import Forbidden, Invalid
from townsquare.core.text import clean_text
from townsquare.notifications import hooks
from townsquare.tips.models import Outcome

MAX_OUTCOME_LENGTH = 2000


def post_outcome(user: Any, agency_post: AgencyPost, body: object) -> Outcome:
    """Post the outcome of a request for information: its agency's publishers and admins."""
    agency = agency_post.agency
    if not policy.can_publish(user, agency):
        raise Forbidden(_("Only the agency's publishers and admins post outcomes."))
    if agency_post.kind != AgencyPost.Kind.REQUEST_FOR_INFORMATION:
        raise Invalid(_("Outcomes are posted on requests for information only."))
    if not isinstance(body, str) or not body.strip():
        raise Invalid(_("Write what came of the request."),
                      {"body": [_("This field is required.")]})
    text = clean_text(body, field="body", max_length=MAX_OUTCOME_LENGTH)
    with transaction.atomic(durable=True):
        outcome = Outcome.objects.create(agency_post=agency_post, body=text,
                                         author=_author(user, agency_post))
        audit.record(user, "agency_post.outcome", agency_post, agency=agency,
                     outcome=outcome.pk)
        hooks.outcome_posted(outcome)  # the delivery starts after the commit
    return outcome


def _author(user: Any, agency_post: AgencyPost) -> Any:
    staff = policy.agency_staff_of(user)
    return staff if staff is not None and staff.agency_id == agency_post.agency_id else None
