"""The questions pages (docs/tips-and-questions.md, "Questions"): residents' list of an
agency's questions with votes and the ask form, a question's page, the public FAQ, and the
staff queue (unanswered questions by votes and age) with the answer form, pinning and
hiding. Reads through questions.selectors, writes through questions.actions; both ask
policy. Staff pages pass the second-factor gate of every agency page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townsquare import policy
from townsquare.agencies import selectors as agencies
from townsquare.questions import actions, selectors
from townsquare.questions.models import Question
from townsquare.web.errors import domain_errors, form_errors, message_errors
from townsquare.web.forms import PageForm
from townsquare.web.views.agencies_access import agency_page
from townsquare.web.views.agencies_dashboard import agency_context


class QuestionForm(PageForm):
    title = forms.CharField(label=_("Your question"), max_length=200)
    body = forms.CharField(label=_("Details"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(PageForm):
    body = forms.CharField(label=_("The agency's answer (public)"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))


def _rows(user: Any, questions: list[Question]) -> list[dict[str, Any]]:
    voted = selectors.voted_ids(user, questions)
    return [{"question": q, "asker": policy.question_asker_label(q), "voted": q.pk in voted,
             "can_vote": policy.can_vote_question(user, q),
             "can_hide": q.hidden_at is None and policy.can_hide_question(user, q)}
            for q in questions]


# --- residents -----------------------------------------------------------------------------
@agency_page
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, slug: str) -> HttpResponse:
    agency = agencies.get_agency(slug)
    user = request.user
    selectors.require_view(user, agency)
    can_ask = policy.can_ask_question(user, agency)
    form = QuestionForm(request.POST or None) if can_ask else None
    status = 200
    if request.method == "POST":
        if form is None:
            actions.ask_question(user, agency, title="", body="")  # raises: not allowed
        assert form is not None
        status = 400
        if form.is_valid():
            with form_errors(form) as failed:
                question = actions.ask_question(user, agency, **form.cleaned_data)
                return redirect("web:question", slug=agency.slug, question_id=question.pk)
            status = failed.status
    return render(request, "web/questions/list.html", {
        "agency": agency, "rows": _rows(user, selectors.for_residents(user, agency)),
        "form": form, "has_errors": bool(form is not None and form.errors)}, status=status)


@agency_page
@require_GET
def question(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    agency = agencies.get_agency(slug)
    found = selectors.get_question(request.user, agency, question_id)
    return render(request, "web/questions/question.html", {
        "agency": agency, "row": _rows(request.user, [found])[0]})


@agency_page
@require_POST
def vote(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    agency = agencies.get_agency(slug)
    found = selectors.get_question(request.user, agency, question_id)
    with message_errors(request):
        if request.POST.get("undo"):
            actions.unvote(request.user, found)
        else:
            actions.vote(request.user, found)
    back = reverse("web:questions", args=[agency.slug])
    if request.POST.get("next") == "question":
        back = reverse("web:question", args=[agency.slug, found.pk])
    return redirect(f"{back}#question-{found.pk}")


@domain_errors
@require_GET
def faq(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the answered questions the agency pinned."""
    agency = agencies.get_agency(slug)
    return render(request, "web/questions/faq.html", {
        "agency": agency, "questions": selectors.faq(agency),
        "can_view_questions": policy.can_view_questions(request.user, agency)})


# --- staff ---------------------------------------------------------------------------------
@agency_page
@require_GET
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    agency = agencies.get_agency(slug)
    agencies.require_internal(request.user, agency)
    user = request.user
    return render(request, "web/questions/queue.html", {
        **agency_context(request, agency, "questions"),
        "queue": _rows(user, selectors.queue(user, agency)),
        "answered": _rows(user, selectors.answered(user, agency)),
        "can_answer": policy.can_answer_questions(user, agency),
        "can_pin": policy.can_pin_questions(user, agency),
        "form": AnswerForm() if policy.can_answer_questions(user, agency) else None})


@agency_page
@require_POST
def act(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """The queue's buttons: answer, pin, unpin, hide."""
    agency = agencies.get_agency(slug)
    agencies.require_internal(request.user, agency)
    found = selectors.get_question(request.user, agency, question_id)
    action = request.POST.get("action")
    with message_errors(request):
        if action == "answer":
            actions.answer(request.user, found, body=request.POST.get("body", ""))
        elif action in ("pin", "unpin"):
            actions.set_pinned(request.user, found, pinned=action == "pin")
        elif action == "hide":
            actions.hide(request.user, found, note=request.POST.get("note", ""))
    return redirect(reverse("web:agency_questions", args=[agency.slug]))


urlpatterns: list[URLPattern] = [
    path("agencies/<slug:slug>/questions/", questions, name="questions"),
    path("agencies/<slug:slug>/questions/<int:question_id>/", question, name="question"),
    path("agencies/<slug:slug>/questions/<int:question_id>/vote/", vote,
         name="question_vote"),
    path("agencies/<slug:slug>/faq/", faq, name="agency_faq"),
    path("agency/<slug:slug>/questions/", queue, name="agency_questions"),
    path("agency/<slug:slug>/questions/<int:question_id>/", act,
         name="agency_question_act"),
]
