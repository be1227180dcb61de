"""Every write of the questions app: ask, vote, answer, pin to the FAQ, hide.

Who may do what is asked of policy.py ("Questions"); the profiling guard of posts
(posts/profiling.py) applies to a question's text as to a crime & safety post's, with no
person form to fall back on: a question that singles someone out by race is refused.
docs/tips-and-questions.md.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.validation import clean_text
from townsquare.agencies.models import Agency
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Conflict, Forbidden, Invalid, NotFound
from townsquare.notifications import hooks as notifications
from townsquare.posts import profiling
from townsquare.questions.models import Question, Vote

TITLE_MAX, BODY_MAX, ANSWER_MAX = 200, 3000, 5000


def _clean_question(title: object, body: object) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field, value, limit in (("title", title, TITLE_MAX), ("body", body, BODY_MAX)):
        try:
            cleaned[field] = clean_text(value, field=field, max_length=limit)
        except Invalid as exc:
            errors.update(exc.fields or {})
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    for field in ("title", "body"):
        if profiling.mentions_race(cleaned[field]):
            raise Invalid(profiling.WARNING, {field: [
                _("Your question mentions a person's race. Race alone is not a description: "
                  "remove the reference to race.")]})
    return cleaned["title"], cleaned["body"]


def ask_question(user: Any, agency: Agency, *, title: object, body: object) -> Question:
    """A verified resident of a neighborhood the agency serves asks it in public."""
    if not policy.can_ask_question(user, agency):
        raise Forbidden(_("Only verified residents of the neighborhoods this agency serves "
                          "can ask it questions."))
    clean_title, clean_body = _clean_question(title, body)
    ratelimit.hit("post", user.pk, message=_("You are posting too often. Try again later."))
    resident = policy.verified_resident_of(user)
    assert resident is not None
    with transaction.atomic(durable=True):
        return Question.objects.create(
            agency=agency, asker=resident, neighborhood_id=resident.neighborhood_id,
            title=clean_title, body=clean_body, created_at=timezone.now())


def vote(user: Any, question: Question) -> bool:
    """Upvote once; True if this call added the vote."""
    if not policy.can_vote_question(user, question):
        raise Forbidden(_("Only residents the agency serves vote, on open questions."))
    resident = policy.verified_resident_of(user)
    assert resident is not None
    with transaction.atomic(durable=True):
        _vote, created = Vote.objects.get_or_create(question=question, resident=resident)
        if created:
            Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
    question.refresh_from_db(fields=["votes"])
    return created


def unvote(user: Any, question: Question) -> bool:
    """Take the vote back; True if there was one."""
    resident = policy.verified_resident_of(user)
    if resident is None:
        raise Forbidden(_("Only residents the agency serves vote, on open questions."))
    with transaction.atomic(durable=True):
        deleted, _rows = Vote.objects.filter(question=question, resident=resident).delete()
        if deleted:
            Question.objects.filter(pk=question.pk).update(votes=F("votes") - 1)
    question.refresh_from_db(fields=["votes"])
    return bool(deleted)


def answer(user: Any, question: Question, *, body: object) -> Question:
    """The agency's publishers and admins answer in public (a second answer replaces the
    first). The asker and the voters are told after the commit, by their settings."""
    if not policy.can_answer_questions(user, question.agency):
        raise Forbidden(_("Only the agency's publishers and admins answer questions."))
    if question.hidden_at is not None:
        raise Conflict(_("The question is hidden."))
    text = clean_text(body, field="body", max_length=ANSWER_MAX)
    staff = policy.agency_staff_of(user)
    first = question.status == Question.Status.OPEN
    with transaction.atomic(durable=True):
        Question.objects.filter(pk=question.pk).update(
            status=Question.Status.ANSWERED, answer=text, answered_by=staff,
            answered_at=timezone.now())
        audit.record(user, "questions.answered", question, agency=question.agency,
                     first=first)
        if first:
            notifications.question_answered(question)
    question.refresh_from_db()
    return question


def set_pinned(user: Any, question: Question, *, pinned: bool) -> Question:
    """Pin an answered question to the agency's FAQ page, or take it off."""
    if not policy.can_pin_questions(user, question.agency):
        raise Forbidden(_("Only the agency's publishers and admins edit its FAQ."))
    if pinned and (question.status != Question.Status.ANSWERED
                   or question.hidden_at is not None):
        raise Conflict(_("Only answered questions go on the FAQ."))
    with transaction.atomic(durable=True):
        Question.objects.filter(pk=question.pk).update(pinned_to_faq=pinned)
        audit.record(user, "questions.pinned" if pinned else "questions.unpinned", question,
                     agency=question.agency)
    question.refresh_from_db(fields=["pinned_to_faq"])
    return question


def hide(user: Any, question: Question, *, note: str = "") -> Question:
    """The agency's tips desk and admins, the lead of the asker's neighborhood, operators:
    out of the residents' list and the FAQ; its asker still sees it, marked hidden."""
    if not policy.can_hide_question(user, question):
        raise Forbidden(_("You cannot hide this question."))
    with transaction.atomic(durable=True):
        if not Question.objects.filter(pk=question.pk, hidden_at__isnull=True).update(
                hidden_at=timezone.now(), hidden_by=user, pinned_to_faq=False):
            raise Conflict(_("The question is already hidden."))
        audit.record(user, "questions.hidden", question, agency=question.agency,
                     note=note[:500])
    question.refresh_from_db(fields=["hidden_at", "hidden_by", "pinned_to_faq"])
    return question


def unhide(user: Any, question: Question) -> Question:
    if not policy.can_hide_question(user, question) or question.hidden_at is None:
        raise NotFound(_("No such question."))
    with transaction.atomic(durable=True):
        Question.objects.filter(pk=question.pk).update(hidden_at=None, hidden_by=None)
        audit.record(user, "questions.unhidden", question, agency=question.agency)
    question.refresh_from_db(fields=["hidden_at", "hidden_by"])
    return question
