"""The tips pages (docs/tips-and-questions.md, "Tips in the browser"): the public "Send a
tip" page, the tipster's follow-up by code, and the agency's tips inbox, tip page,
attachments, case export and the outcome of a request for information.

The follow-up code never travels in a URL: it is shown once in the answer to the POST that
sent the tip, and typed back in a POST form, so it stays out of browser history, proxy and
server logs. Those answers are never cached. Who may do what is policy's and the tips
actions'; these views parse, call and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townsquare import policy
from townsquare.agencies import selectors as agencies
from townsquare.agencies.models import Agency
from townsquare.core.clientaddr import client_address
from townsquare.core.errors import NotFound
from townsquare.tips import actions, choices, exports, outcomes, selectors
from townsquare.tips.models import Tip, TipStatus
from townsquare.web import tip_forms as forms
from townsquare.web.errors import domain_errors, form_errors, message_errors
from townsquare.web.views.agencies_access import agency_page, agency_time
from townsquare.web.views.agencies_dashboard import agency_context

INBOX_PAGE = 25
# Nothing of a tip's page, its code or its photos is kept by a browser or a cache.
NO_STORE = "private, no-store, max-age=0"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


# --- sending a tip ---------------------------------------------------------------------------
@never_cache
@domain_errors
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, slug: str) -> HttpResponse:
    agency = agencies.get_agency(slug)
    user = request.user
    can_choose = policy.can_send_private_tip(user)
    about = _about(request, agency)
    form = forms.TipForm(request.POST or None, request.FILES or None, signed_in=can_choose,
                         initial={"post": request.GET.get("post") or None})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form, aliases=_TIP_FIELDS) as failed:
                sent = actions.submit_tip(
                    agency=agency, body=form.text(),
                    sender_user=user if user.is_authenticated else None,
                    anonymous=form.anonymous() if can_choose else True,
                    agency_post=data.get("post"), lat=data.get("lat"), lon=data.get("lon"),
                    photos=data.get("photos") or (), idempotency_key=data.get("idempotency_key"),
                    client_address=client_address(request))
                # The code is in this answer only: no redirect (it would need the code in a
                # URL or the session).
                return render(request, "web/tips/sent.html", {
                    "agency": agency, "code": sent.code, "anonymous": sent.tip.anonymous})
            status = failed.status
    return render(request, "web/tips/send.html", {
        "agency": agency, "form": form, "about": about, "signed_in": can_choose,
        "has_errors": bool(form.errors)}, status=status)


# The action's field names, as this form shows them.
_TIP_FIELDS = {"agency_post": None, "agency_post_id": None, "photos": "photos",
               "idempotency_key": None}


def _about(request: HttpRequest, agency: Agency) -> Any:
    """The post a tip is about (`?post=` from the post's page), its title shown when the
    caller may read the post; the action checks that it is one of the agency's."""
    raw = request.POST.get("post") or request.GET.get("post") or ""
    if not raw.isdigit():
        return None
    post = agencies.posts_by_ids([int(raw)]).get(int(raw))
    if post is None or not policy.can_view_agency_post(request.user, post):
        return None
    return post


# --- following up with the code --------------------------------------------------------------
@never_cache
@domain_errors
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "web/tips/follow_up.html", {"form": forms.CodeForm()})
    if request.POST.get("action") == "reply":
        return _tipster_reply(request)
    form = forms.CodeForm(request.POST)
    status = 400
    if form.is_valid():
        code = form.cleaned_data["code"].strip()
        with form_errors(form, aliases={"code": "code"}, up={403}) as failed:
            return _thread_page(request, code)
        status = failed.status
    return render(request, "web/tips/follow_up.html", {"form": form, "has_errors": True},
                  status=status)


def _thread_page(request: HttpRequest, code: str, *,
                 form: forms.TipsterReplyForm | None = None, sent: bool = False,
                 status: int = 200) -> HttpResponse:
    thread = selectors.thread_for_code(code, client_address=client_address(request))
    return render(request, "web/tips/thread.html", {
        "thread": thread, "status_label": TipStatus(thread.status).label,
        "form": form or forms.TipsterReplyForm(initial={"code": code}), "sent": sent,
        "has_errors": bool(form is not None and form.errors)}, status=status)


def _tipster_reply(request: HttpRequest) -> HttpResponse:
    form = forms.TipsterReplyForm(request.POST)
    if not form.is_valid():
        # Without its code the reply cannot go anywhere: back to typing the code.
        return render(request, "web/tips/follow_up.html", {"form": forms.CodeForm()},
                      status=400)
    code = form.cleaned_data["code"].strip()
    with form_errors(form, aliases={"code": None}, up={403, 404}) as failed:
        actions.tipster_reply(code, form.cleaned_data.get("body") or "",
                              client_address=client_address(request))
        return _thread_page(request, code, sent=True)
    return _thread_page(request, code, form=form, status=failed.status)


# --- the agency's inbox ----------------------------------------------------------------------
def _triage_agency(request: HttpRequest, slug: str) -> Agency:
    """The agency, for its tips staff and admins (its other staff: 403, anyone else: 404)."""
    agency = agencies.get_agency(slug)
    actions.require_triage(request.user, agency)
    return agency


def _staff_choices(request: HttpRequest, agency: Agency) -> list[tuple[str, str]]:
    return [(member.user.email, member.user.display_name)
            for member in choices.tips_staff(request.user, agency)]


@agency_page
@require_GET
def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _triage_agency(request, slug)
    filters = forms.InboxFilterForm(request.GET, staff=_staff_choices(request, agency))
    filters.is_valid()
    data = {key: value for key, value in filters.cleaned_data.items() if value}
    if data.get("assignee") == "none":
        data["assignee"] = ""  # the unassigned tips
    cursor = request.GET.get("cursor") or None
    tips, next_cursor = selectors.inbox(request.user, agency, cursor=cursor, limit=INBOX_PAGE,
                                        **data)
    query = QueryDict(mutable=True)
    query.update({**data, "cursor": next_cursor or ""})
    with agency_time(agency):
        return _no_store(render(request, "web/tips/inbox.html", {
            **agency_context(request, agency, "tips"), "filters": filters,
            "rows": [_row(tip) for tip in tips], "next_cursor": next_cursor,
            "next_query": query.urlencode(),
            "new_count": choices.new_count(request.user, agency),
        }))


def _row(tip: Tip) -> dict[str, Any]:
    hours = tip.hours_to_first_response
    return {"tip": tip, "status": TipStatus(tip.status).label,
            "first_response": None if hours is None else _hours(hours)}


def _hours(hours: int) -> str:
    if hours < 1:
        return _("within the hour")
    if hours < 48:
        return _("%(count)s h") % {"count": hours}
    return _("%(count)s days") % {"count": hours // 24}


# --- one tip ---------------------------------------------------------------------------------
@agency_page
@require_http_methods(["GET", "POST"])
def tip_page(request: HttpRequest, slug: str, tip_id: int) -> HttpResponse:
    agency = _triage_agency(request, slug)
    tip = selectors.tip_for_staff(request.user, agency, tip_id)  # written to the audit log
    if request.method == "POST":
        return _tip_action(request, agency, tip)
    return _render_tip(request, agency, tip)


def _reply(user: Any, agency: Agency, tip: Tip, data: dict[str, Any]) -> None:
    actions.staff_reply(user, tip, data.get("body") or "")


def _triage(user: Any, agency: Agency, tip: Tip, data: dict[str, Any]) -> None:
    raw = data.get("tags") or ""
    actions.update_tip(user, tip, status=data["status"], case_number=data.get("case_number") or "",
                       assignee_email=data.get("assignee") or "",
                       tags=[t.strip() for t in raw.split(",") if t.strip()])


def _note(user: Any, agency: Agency, tip: Tip, data: dict[str, Any]) -> None:
    actions.add_note(user, tip, data.get("body") or "")


def _merge(user: Any, agency: Agency, tip: Tip, data: dict[str, Any]) -> None:
    actions.merge_tips(user, tip, selectors.tip_for_staff(user, agency, data["into"]))


def _hide(user: Any, agency: Agency, tip: Tip, data: dict[str, Any]) -> None:
    actions.hide_tip(user, tip, data["reason"])


def _unhide(user: Any, agency: Agency, tip: Tip, data: dict[str, Any]) -> None:
    actions.unhide_tip(user, tip)


def _forward(user: Any, agency: Agency, tip: Tip, data: dict[str, Any]) -> None:
    actions.forward_tip(user, tip, agencies.get_agency(data["to_agency"]),
                        note=data.get("note") or "")


# action: (its form, what it does, what the flash message says after).
_ACTIONS: dict[str, tuple[type[forms.PageForm], Callable[..., None], Promise]] = {
    "reply": (forms.StaffReplyForm, _reply,
              gettext_lazy("Your reply is in the tipster's conversation.")),
    "triage": (forms.TriageForm, _triage, gettext_lazy("The tip is saved.")),
    "note": (forms.NoteForm, _note, gettext_lazy("The note is added.")),
    "merge": (forms.MergeForm, _merge, gettext_lazy("The tip is merged.")),
    "hide": (forms.HideForm, _hide, gettext_lazy("The tip is hidden.")),
    "unhide": (forms.UnhideForm, _unhide, gettext_lazy("The tip is shown again.")),
    "forward": (forms.ForwardForm, _forward, gettext_lazy("The tip is forwarded.")),
}


def _form(action: str, request: HttpRequest, agency: Agency, data: Any = None,
          **kwargs: Any) -> forms.PageForm:
    form_class = _ACTIONS[action][0]
    if form_class is forms.TriageForm:
        kwargs["staff"] = _staff_choices(request, agency)
    elif form_class is forms.ForwardForm:
        kwargs["agencies"] = _other_agencies(request, agency)
    return form_class(data, **kwargs)


def _tip_action(request: HttpRequest, agency: Agency, tip: Tip) -> HttpResponse:
    action = request.POST.get("action") or ""
    if action not in _ACTIONS:
        raise NotFound(_("No such action."))
    form = _form(action, request, agency, request.POST)
    status = 400
    if form.is_valid():
        with form_errors(form, aliases={"assignee_email": "assignee"}) as failed:
            _ACTIONS[action][1](request.user, agency, tip, form.cleaned_data)
            messages.success(request, str(_ACTIONS[action][2]))
            return redirect("web:agency_tip", slug=agency.slug, tip_id=tip.pk)
        status = failed.status
    return _render_tip(request, agency, tip, failed=(action, form), status=status)


def _other_agencies(request: HttpRequest, agency: Agency) -> list[tuple[str, str]]:
    return [(a.slug, a.name) for a in choices.forward_targets(request.user, agency)]


def _render_tip(request: HttpRequest, agency: Agency, tip: Tip, *,
                failed: tuple[str, Any] | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    triage_initial = {"status": tip.status, "case_number": tip.case_number,
                      "tags": ", ".join(tip.tags or []),
                      "assignee": tip.assignee.user.email if tip.assignee else ""}
    page_forms = {action: _form(action, request, agency) for action in _ACTIONS
                  if action != "triage"}
    page_forms["triage"] = _form("triage", request, agency, initial=triage_initial)
    if failed is not None and failed[0] in page_forms:
        page_forms[failed[0]] = failed[1]
    with agency_time(agency):
        return _no_store(render(request, "web/tips/tip.html", {
            **agency_context(request, agency, "tips"), "tip": tip,
            "status_label": TipStatus(tip.status).label,
            "sender": policy.tip_sender_label(tip),
            "messages_": selectors.messages(user, tip), "notes": selectors.notes(user, tip),
            # What the tipster also reads in their thread: the outcomes of the post.
            "outcomes": selectors.outcomes(tip.agency_post_id) if tip.agency_post_id else [],
            "attachments": list(enumerate(selectors.attachments(user, tip), start=1)),
            **{f"{name}_form": f for name, f in page_forms.items()},
            "failed_form": failed[1] if failed is not None else None,
            "has_errors": failed is not None,
        }, status=status))


@agency_page
@require_GET
def attachment(request: HttpRequest, slug: str, tip_id: int, number: int) -> HttpResponse:
    """A tip's photo, for its agency's tips staff only: never cached, never from a public
    URL (the page links here; the audit log has the view)."""
    agency = _triage_agency(request, slug)
    tip = selectors.tip_for_staff(request.user, agency, tip_id)
    files = selectors.attachments(request.user, tip)
    if not 1 <= number <= len(files):
        raise NotFound(_("No such attachment."))
    item = files[number - 1]
    extension = item.content_type.rsplit("/", 1)[-1]
    response = HttpResponse(item.data, content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="tip-{tip.pk}-{number}.{extension}"'
    return _no_store(response)


# --- export ----------------------------------------------------------------------------------
def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


@agency_page
@require_GET
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _triage_agency(request, slug)
    case = request.GET.get("case", "")
    data = exports.case_csv(request.user, agency, case)
    return _download(data, exports.filename(agency, case, "csv"), "text/csv; charset=utf-8")


@agency_page
@require_GET
def export_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _triage_agency(request, slug)
    case = request.GET.get("case", "")
    data = exports.case_pdf(request.user, agency, case)
    return _download(data, exports.filename(agency, case, "pdf"), "application/pdf")


# --- closing the loop ------------------------------------------------------------------------
@agency_page
@require_POST
def outcome(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    agency = agencies.get_agency(slug)
    post = agencies.get_agency_post_internal(request.user, agency, post_id)
    form = forms.OutcomeForm(request.POST)
    form.is_valid()
    with message_errors(request):
        outcomes.post_outcome(request.user, post, form.cleaned_data.get("body") or "")
        messages.success(request, _("The outcome is posted: it reaches everyone who replied "
                                    "and every tipster on this request."))
    return redirect(reverse("web:agency_staff_post", args=[agency.slug, post.pk]) + "#outcome")


# This module's routes; web/urls.py adds them to the site's.
urlpatterns: list[URLPattern] = [
    path("agencies/<slug:slug>/tip/", send, name="tip_send"),
    path("tips/", follow_up, name="tip_follow_up"),
    path("agency/<slug:slug>/tips/", inbox, name="agency_tips"),
    path("agency/<slug:slug>/tips/export.csv", export_csv, name="agency_tips_export_csv"),
    path("agency/<slug:slug>/tips/export.pdf", export_pdf, name="agency_tips_export_pdf"),
    path("agency/<slug:slug>/tips/<int:tip_id>/", tip_page, name="agency_tip"),
    path("agency/<slug:slug>/tips/<int:tip_id>/attachments/<int:number>", attachment,
         name="agency_tip_attachment"),
    path("agency/<slug:slug>/posts/<int:post_id>/outcome/", outcome,
         name="agency_post_outcome"),
]
