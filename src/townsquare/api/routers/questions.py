"""The questions endpoints of /api/v1/ (docs/api.md, docs/tips-and-questions.md): residents
ask an agency serving their neighborhood, neighbors upvote, the agency answers in public."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from townsquare import policy
from townsquare.agencies import selectors as agencies
from townsquare.api import pagination
from townsquare.api.auth import caller
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors
from townsquare.api.schemas import Text
from townsquare.questions import actions, selectors
from townsquare.questions.models import Question

router = Router(tags=["questions"], auth=caller)


class QuestionIn(Schema):
    title: Text
    body: Text


class AnswerIn(Schema):
    body: Text


class HideIn(Schema):
    note: str = ""


class Asker(Schema):
    display_name: str
    neighborhood: str


class QuestionOut(Schema):
    id: int
    title: str
    body: str
    status: str
    answer: str | None
    votes: int
    voted: bool
    asker: Asker
    created_at: str
    answered_at: str | None
    pinned_to_faq: bool
    hidden: bool


class QuestionPage(Schema):
    items: list[QuestionOut]
    next: str | None


class CreatedOut(Schema):
    id: int


class VoteOut(Schema):
    voted: bool
    votes: int


def _out(question: Question, voted: set[int]) -> dict:
    return {"id": question.pk, "title": question.title, "body": question.body,
            "status": question.status,
            "answer": question.answer or None,
            "votes": question.votes, "voted": question.pk in voted,
            "asker": policy.question_asker_label(question),
            "created_at": question.created_at.isoformat(),
            "answered_at": question.answered_at.isoformat() if question.answered_at else None,
            "pinned_to_faq": question.pinned_to_faq, "hidden": question.hidden_at is not None}


def _one(request: HttpRequest, agency: str, id: int) -> Question:
    return selectors.get_question(request.auth, agencies.get_agency(agency), id)


@router.post("/agencies/{slug:agency}/questions",
             response={201: CreatedOut, **errors(400, 403, 404, *AUTHED)},
             summary="Ask the agency a question")
def ask_question(request: HttpRequest, agency: str, payload: QuestionIn) -> tuple[int, dict]:
    """Verified residents of a neighborhood the agency serves (403 for everyone else). The
    question is public to the residents of the agency's jurisdiction, who see you as your
    display name and neighborhood; posts' rule against profiling applies to its text."""
    question = actions.ask_question(request.auth, agencies.get_agency(agency),
                                    title=payload.title, body=payload.body)
    return 201, {"id": question.pk}


@router.get("/agencies/{slug:agency}/questions",
            response={200: QuestionPage, **errors(400, 403, 404, *AUTHED)},
            summary="The agency's questions")
def list_questions(request: HttpRequest, agency: str, cursor: pagination.Cursor = None,
                   limit: pagination.Limit = pagination.DEFAULT_LIMIT) -> dict:
    """Newest first. Residents of the agency's jurisdiction (hidden questions left out, but
    for their own) and the agency's staff and operators (every question); 403 for
    everyone else."""
    rows = selectors.newest(request.auth, agencies.get_agency(agency), cursor=cursor,
                            limit=limit)
    items, next_cursor = pagination.newest_first(rows, limit=limit)
    voted = selectors.voted_ids(request.auth, items)
    return pagination.page([_out(q, voted) for q in items], next_cursor)


@router.get("/agencies/{slug:agency}/questions/{int:id}",
            response={200: QuestionOut, **errors(404, *AUTHED)}, summary="A question")
def read_question(request: HttpRequest, agency: str, id: Id) -> dict:
    """Whoever may see the agency's questions; 404 for a question they may not see."""
    question = _one(request, agency, id)
    return _out(question, selectors.voted_ids(request.auth, [question]))


@router.post("/agencies/{slug:agency}/questions/{int:id}/answer",
             response={200: QuestionOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Answer a question")
def answer_question(request: HttpRequest, agency: str, id: Id, payload: AnswerIn) -> dict:
    """The agency's publishers and admins (the tips desk does not speak for the agency in
    public: 403). The answer is public to the residents who may see the question; the asker
    and everyone who upvoted it are notified, by their settings. Answering again replaces
    the answer (without notifying again). 409 for a hidden question."""
    question = actions.answer(request.auth, _one(request, agency, id), body=payload.body)
    return _out(question, set())


@router.post("/agencies/{slug:agency}/questions/{int:id}/vote",
             response={200: VoteOut, **errors(403, 404, *AUTHED)}, summary="Upvote a question")
def vote_question(request: HttpRequest, agency: str, id: Id) -> dict:
    """Residents of the jurisdiction, once per question, while it is open."""
    question = _one(request, agency, id)
    actions.vote(request.auth, question)
    return {"voted": True, "votes": question.votes}


@router.delete("/agencies/{slug:agency}/questions/{int:id}/vote",
               response={200: VoteOut, **errors(403, 404, *AUTHED)},
               summary="Take back your vote")
def unvote_question(request: HttpRequest, agency: str, id: Id) -> dict:
    question = _one(request, agency, id)
    actions.unvote(request.auth, question)
    return {"voted": False, "votes": question.votes}


@router.post("/agencies/{slug:agency}/questions/{int:id}/pin",
             response={200: QuestionOut, **errors(403, 404, 409, *AUTHED)},
             summary="Pin an answered question to the FAQ")
def pin_question(request: HttpRequest, agency: str, id: Id) -> dict:
    """Publishers and admins; only answered questions (409 otherwise)."""
    question = actions.set_pinned(request.auth, _one(request, agency, id), pinned=True)
    return _out(question, set())


@router.delete("/agencies/{slug:agency}/questions/{int:id}/pin",
               response={200: QuestionOut, **errors(403, 404, *AUTHED)},
               summary="Take a question off the FAQ")
def unpin_question(request: HttpRequest, agency: str, id: Id) -> dict:
    question = actions.set_pinned(request.auth, _one(request, agency, id), pinned=False)
    return _out(question, set())


@router.post("/agencies/{slug:agency}/questions/{int:id}/hide",
             response={200: QuestionOut, **errors(400, 403, 404, 409, *AUTHED)},
             summary="Hide a question")
def hide_question(request: HttpRequest, agency: str, id: Id, payload: HideIn | None = None) -> dict:
    """The agency's tips desk and admins, the lead of the asker's neighborhood, operators:
    gone from the residents' list and the FAQ (its asker still sees it, marked hidden)."""
    question = actions.hide(request.auth, _one(request, agency, id),
                            note=payload.note if payload else "")
    return _out(question, set())
