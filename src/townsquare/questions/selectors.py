"""Who reads which questions: the residents' list, the staff queue, the FAQ, one question.
Every read is scoped by policy.visible_questions_q; query counts do not grow with the
number of questions (one query per list, asker and neighborhood joined)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency
from townsquare.core import cursors
from townsquare.core.errors import Forbidden, NotFound
from townsquare.questions.models import Question, Vote


def _base() -> QuerySet[Question]:
    return Question.objects.select_related("asker__user", "neighborhood")


def _of(agency: Agency, qs: QuerySet[Question]) -> list[Question]:
    """The rows, each holding the caller's `agency` object: what policy caches on it (the
    jurisdiction) is looked up once per request, not once per question."""
    rows = list(qs)
    for question in rows:
        question.agency = agency
    return rows


def require_view(user: Any, agency: Agency) -> None:
    """The agency is public: 403 (not 404) for a caller who may not read its questions."""
    if not policy.can_view_questions(user, agency):
        raise Forbidden(_("Only residents of the neighborhoods this agency serves and its "
                          "staff see its questions."))


def for_residents(user: Any, agency: Agency) -> list[Question]:
    """The agency's questions `user` may read, most votes first, then newest."""
    require_view(user, agency)
    return _of(agency, _base().filter(policy.visible_questions_q(user, agency))
               .order_by("-votes", "-created_at", "-pk"))


def newest(user: Any, agency: Agency, *, cursor: str | None = None,
           limit: int = 25) -> list[Question]:
    """The same questions newest first, a keyset page: `limit + 1` rows, for
    `api.pagination.newest_first` (votes change, so they make no stable page order)."""
    require_view(user, agency)
    qs = _base().filter(policy.visible_questions_q(user, agency))
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    return _of(agency, qs.order_by("-created_at", "-pk")[:limit + 1])


def queue(user: Any, agency: Agency) -> list[Question]:
    """The staff queue: open questions not hidden, by votes then age (oldest first)."""
    require_view(user, agency)
    return _of(agency, _base().filter(policy.visible_questions_q(user, agency),
                                      status=Question.Status.OPEN, hidden_at__isnull=True)
               .order_by("-votes", "created_at", "pk"))


def answered(user: Any, agency: Agency, *, limit: int = 50) -> list[Question]:
    """The latest answered questions (the staff page's FAQ candidates), newest answer first."""
    require_view(user, agency)
    return _of(agency, _base().filter(policy.visible_questions_q(user, agency),
                                      status=Question.Status.ANSWERED)
               .order_by("-answered_at", "-pk")[:limit])


def faq(agency: Agency) -> list[Question]:
    """The FAQ, public: answered questions pinned by the agency, not hidden."""
    return _of(agency, _base().filter(agency=agency, pinned_to_faq=True,
                                      hidden_at__isnull=True, status=Question.Status.ANSWERED)
               .order_by("-answered_at", "-pk"))


def get_question(user: Any, agency: Agency, question_id: int) -> Question:
    """One question of `agency` that `user` may read; NotFound otherwise."""
    found = _of(agency, _base().filter(policy.visible_questions_q(user, agency),
                                       pk=question_id)[:1])
    if not found:
        raise NotFound(_("No such question."))
    return found[0]


def voted_ids(user: Any, questions: list[Question]) -> set[int]:
    """Which of `questions` the caller upvoted (one query)."""
    resident = policy.verified_resident_of(user)
    if resident is None or not questions:
        return set()
    return set(Vote.objects.filter(resident=resident, question__in=[q.pk for q in questions])
               .values_list("question_id", flat=True))
