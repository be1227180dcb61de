"""Agency posts as their staff handle them: compose (with the audience shown before
publishing), the post's own page (as residents see it, its replies, its reach and its
delivery by inbox, email and push), edit, withdraw, and hiding an abusive reply."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from townsquare import policy
from townsquare.agencies import actions, images, selectors
from townsquare.agencies.models import Agency, AgencyPost
from townsquare.core.errors import DomainError, Invalid, TooLarge
from townsquare.notifications import actions as notification_actions
from townsquare.notifications import reasons as delivery_reasons
from townsquare.notifications import selectors as notifications
from townsquare.places import selectors as places
from townsquare.web import maps
from townsquare.web.agency_forms import AgencyPostForm, Target, WithdrawForm
from townsquare.web.errors import add_domain_error, catch_domain_error, form_errors
from townsquare.web.views.agencies_access import agency_page, agency_time
from townsquare.web.views.agencies_dashboard import agency_context

# The targeting reports problems of a drawn area as `area`, a hidden field: they are shown
# on the "Who should receive it?" choice instead.
_ALIASES = {"area": "target", "idempotency_key": None}
DRAW_MORE = gettext_lazy("Draw the area on the map: click at least three points, or choose "
                         "neighborhoods.")


def _require_publisher(request: HttpRequest, agency: Agency) -> None:
    if not policy.can_publish(request.user, agency):
        raise PermissionDenied(_("Only the agency's publishers and admins write posts."))


def staff_post_url(post: AgencyPost) -> str:
    return reverse("web:agency_staff_post", args=[post.agency.slug, post.pk])


# --- compose -------------------------------------------------------------------------------------
@agency_page
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest, slug: str) -> HttpResponse:
    agency = selectors.get_agency(slug)
    _require_publisher(request, agency)
    jurisdiction = selectors.jurisdiction_neighborhoods(agency)
    if request.method == "POST" and "delete_draft" in request.POST:
        actions.delete_draft(request.user, agency, _number(request.POST["delete_draft"]))
        messages.success(request, _("The draft is deleted."))
        return redirect("web:agency_compose", agency.slug)
    with agency_time(agency):
        form = AgencyPostForm(request.POST or None, request.FILES or None,
                              neighborhoods=jurisdiction,
                              initial={"kind": AgencyPost.Kind.ALERT,
                                       "idempotency_key": secrets.token_urlsafe(16),
                                       **prefill(request, jurisdiction),
                                       **_resumed(request, agency)})
        if request.method == "POST" and "save_draft" in request.POST:
            draft = actions.save_draft(request.user, agency, _draft_fields(request, form),
                                       draft_id=_number(request.POST.get("draft")) or None)
            messages.success(request, _("The draft is saved. Find it under Drafts on this "
                                        "page."))
            return redirect(f"{reverse('web:agency_compose', args=[agency.slug])}"
                            f"?draft={draft.pk}")
        status, preview, confirm = 200, None, None
        if request.method == "POST":
            status = 400
            if form.is_valid():
                if "preview" in request.POST:
                    status, preview = _preview(request, agency, form)
                else:
                    asked: list[actions.AudienceUnconfirmed] = []
                    with form_errors(form, show=lambda exc: _show_error(form, exc, asked)
                                     ) as failed:
                        post = _publish(request, agency, form)
                        if form.cleaned_data.get("draft"):
                            _drop_draft(request, agency, form.cleaned_data["draft"])
                        messages.success(request, _published_message(post))
                        return redirect(staff_post_url(post))
                    status = failed.status
                    if asked:
                        # The confirmation step: the same form, with the question above it.
                        status, confirm = 200, _confirmation(request, asked[0])
        elif form.initial.get("target"):
            with catch_domain_error(up=()):  # a resumed draft's target may no longer work
                preview = _audience(request, agency, form.targets_of(form.initial))
        return render(request, "web/agencies/compose.html", {
            **agency_context(request, agency, "compose"), "form": form, "preview": preview,
            "confirm": confirm, "drafts": actions.drafts(request.user, agency),
            "has_errors": bool(form.errors), "jurisdiction": jurisdiction,
            # The whole city, the jurisdiction shaded: the same (cached) map as the home page.
            "map": maps.city_map(agency.city, list(places.neighborhoods_for_city(agency.city)))
            if jurisdiction else None,
            "served": {n.pk for n in jurisdiction},
        }, status=status)


# --- drafts ----------------------------------------------------------------------------------
_NOT_KEPT = {"image", "idempotency_key", "confirm_audience", "draft"}


def _number(value: object) -> int:
    """A posted id; anything else is 0 (no such draft)."""
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _draft_fields(request: HttpRequest, form: AgencyPostForm) -> dict[str, Any]:
    """The form's values as typed (an image is not kept: choose it again)."""
    return {name: request.POST.getlist(name) if name == "neighborhoods"
            else request.POST.get(name, "") for name in form.fields if name not in _NOT_KEPT}


def _resumed(request: HttpRequest, agency: Agency) -> dict[str, Any]:
    """The starting values of a resumed draft (GET ?draft=<id>)."""
    if request.method != "GET" or "draft" not in request.GET:
        return {}
    draft = actions.get_draft(request.user, agency, _number(request.GET["draft"]))
    return {**draft.fields, "draft": draft.pk}


def _drop_draft(request: HttpRequest, agency: Agency, draft_id: int) -> None:
    """A published draft is done with (already deleted by a colleague: nothing to do)."""
    with catch_domain_error(up=(), only=(404,)):
        actions.delete_draft(request.user, agency, draft_id)


# Fields a link may fill in (the series page's "Ask these neighborhoods"): only shown, never
# published without the publisher's click; unknown kinds and neighborhoods are dropped.
PREFILL_TEXT = ("title", "body", "case_number", "rfi_area", "rfi_from", "rfi_until")


def prefill(request: HttpRequest, jurisdiction: list[Any]) -> dict[str, Any]:
    """The compose form's starting values from the query string of a GET."""
    if request.method != "GET":
        return {}
    query, initial = request.GET, {}
    if query.get("kind") in AgencyPost.Kind.values:
        initial["kind"] = query["kind"]
    for name in PREFILL_TEXT:
        if query.get(name):
            initial[name] = query[name]
    served = {n.slug for n in jurisdiction}
    chosen = [slug for slug in query.getlist("neighborhoods") if slug in served]
    if chosen:
        initial.update(target=Target.NEIGHBORHOODS, neighborhoods=chosen)
    return initial


def _audience(request: HttpRequest, agency: Agency, targets: dict[str, Any]) -> dict[str, Any]:
    total, rows = selectors.audience_preview(request.user, agency, **targets)
    return {"audience_size": total, "neighborhoods": [n.name for n, _count in rows],
            "text": audience_text(total, len(rows))}


def audience_text(total: int, neighborhoods: int) -> str:
    residents = ngettext("%(count)s verified resident", "%(count)s verified residents",
                         total) % {"count": f"{total:,}"}
    places = ngettext("%(count)s neighborhood", "%(count)s neighborhoods",
                      neighborhoods) % {"count": neighborhoods}
    return _("This will reach %(residents)s in %(places)s.") % {"residents": residents,
                                                               "places": places}


def _preview(request: HttpRequest, agency: Agency,
             form: AgencyPostForm) -> tuple[int, dict[str, Any] | None]:
    """The "Preview audience" button (pages without JavaScript): nothing is written."""
    with form_errors(form, show=lambda exc: _show_error(form, exc)) as failed:
        return 200, _audience(request, agency, form.targets())
    return failed.status, None


def _confirmation(request: HttpRequest, exc: actions.AudienceUnconfirmed) -> dict[str, Any]:
    residents = ngettext("%(count)s resident", "%(count)s residents",
                         exc.audience) % {"count": f"{exc.audience:,}"}
    places = ngettext("%(count)s neighborhood", "%(count)s neighborhoods",
                      exc.neighborhoods) % {"count": f"{exc.neighborhoods:,}"}
    return {"audience": exc.audience, "neighborhoods": exc.neighborhoods,
            "question": _("Send to %(residents)s in %(places)s?") % {
                "residents": residents, "places": places},
            "changed": request.POST.get("confirm_audience") not in (None, ""),
            "image_again": bool(request.FILES.get("image"))}


def _show_error(form: AgencyPostForm, exc: DomainError,
                asked: list[Any] | None = None) -> None:
    if isinstance(exc, actions.AudienceUnconfirmed) and asked is not None:
        asked.append(exc)
        return
    if exc.fields and "area" in exc.fields and not (form.cleaned_data.get("area") or "").strip():
        exc = Invalid(exc.detail, {**exc.fields, "area": [DRAW_MORE]})
    add_domain_error(form, exc, _ALIASES)


def _publish(request: HttpRequest, agency: Agency, form: AgencyPostForm) -> AgencyPost:
    data = form.cleaned_data
    upload = data.get("image")
    if upload:
        # Checked before anything is published: a bad image must not leave a post behind.
        check_image(upload)
    post, _created = actions.publish_agency_post(
        request.user, agency, **form.content(), **form.targets(),
        publish_at=data.get("publish_at"), expires_at=data.get("expires_at"),
        practice=bool(data.get("practice")), idempotency_key=data.get("idempotency_key"),
        confirm_audience=data.get("confirm_audience"), require_confirmation=True)
    if upload and _created:
        actions.attach_image(request.user, post, upload, upload.size)
    return post


def check_image(upload: Any) -> None:
    """Decode the upload as the attaching action will, without keeping anything; its
    problems (too large included) are shown on the image field."""
    try:
        images.clean(upload, upload.size)
    except TooLarge as exc:
        raise TooLarge(exc.detail, exc.fields or {"image": [exc.detail]}) from exc
    upload.seek(0)


def _published_message(post: AgencyPost) -> str:
    if post.practice:
        return _("Your practice post is out: only your agency's staff see it.")
    if post.current_status() == AgencyPost.Status.SCHEDULED:
        return _("Your post is scheduled.")
    return _("Your post is published. It reached %(count)s verified residents.") % {
        "count": f"{post.audience_size:,}"}


@agency_page
@require_POST
def audience(request: HttpRequest, slug: str) -> JsonResponse:
    """The live audience preview of the compose page (agency.js): the same answer as the
    "Preview audience" button, as JSON."""
    agency = selectors.get_agency(slug)
    _require_publisher(request, agency)
    form = AgencyPostForm(request.POST, neighborhoods=selectors.jurisdiction_neighborhoods(
        agency))
    form.is_valid()
    data = form.cleaned_data
    # Like the API's audience: no choice posted is the whole jurisdiction (a preview only;
    # publishing from the page needs an explicit choice).
    chosen = data.get("target") or (Target.NEIGHBORHOODS if data.get("neighborhoods")
                                    else Target.ALL)
    with catch_domain_error() as failed:
        return JsonResponse(_audience(request, agency, form.targets_of({**data,
                                                                         "target": chosen})))
    exc = failed.error
    assert exc is not None  # noqa: S101  (the block returns unless it failed)
    fields = dict(exc.fields or {})
    if "area" in fields and not (form.cleaned_data.get("area") or "").strip():
        fields["area"] = [DRAW_MORE]
    return JsonResponse({"error": exc.code, "detail": exc.detail, "fields": fields},
                        status=exc.status)


# --- the post's page ---------------------------------------------------------------------------
def _render_staff_post(request: HttpRequest, agency: Agency, post: AgencyPost) -> HttpResponse:
    user = request.user
    replies = selectors.replies(user, post)
    if replies:
        # Every listing of residents' replies by staff (or an operator) is in the audit
        # log; a page that lists none has read nothing.
        actions.record_replies_read(user, post, count=len(replies))
    if policy.agency_role(user, agency) is not None:
        actions.mark_read(user, post)  # the staff inbox's read state
    totals, per_neighborhood = selectors.reach(user, post)
    report = notifications.delivery_report(user, post, totals)
    return render(request, "web/agencies/staff_post.html", {
        **agency_context(request, agency, "post"), "post": post,
        "status": post.current_status(), "live": post.is_live(),
        "images": selectors.images_of([post])[post.pk],
        "targets": per_neighborhood, "totals": totals,
        "replies": [(r, policy.agency_reply_author_label(r)) for r in replies],
        "can_withdraw": policy.can_withdraw_agency_post(user, post),
        "can_edit": policy.can_edit_agency_post(user, post),
        "can_hide": policy.can_handle_replies(user, agency),
        "delivery": report, "delivery_rows": [_delivery_row(c) for c in report.channels],
        "delivery_given_up": sum(c.given_up or 0 for c in report.channels
                                 if c.channel != "inbox"),
        "can_redeliver": policy.can_redeliver_agency_post(user, agency),
        "delivery_errors": [(_channel_label(c.channel), delivery_reasons.label(reason), count)
                            for c in report.channels for reason, count in c.errors],
    })


# The delivery section: what each column shows (the inbox has nothing to send or retry).
_DELIVERY_COLUMNS = [
    (gettext_lazy("Messages"), "total"), (gettext_lazy("Waiting"), "waiting"),
    (gettext_lazy("Retrying"), "retrying"), (gettext_lazy("Sent"), "sent"),
    (gettext_lazy("Delivered"), "delivered"), (gettext_lazy("Failed"), "failed"),
    (gettext_lazy("Given up"), "given_up"), (gettext_lazy("Skipped"), "skipped"),
    (gettext_lazy("Opened"), "opened")]
_NOT_FOR_INBOX = {"waiting", "retrying", "sent", "failed", "given_up", "skipped"}


def _delivery_row(report: Any) -> dict[str, Any]:
    inbox = report.channel == "inbox"
    values = {**vars(report), "waiting": report.queued + report.sending}
    cells = [(label, "—" if inbox and name in _NOT_FOR_INBOX else f"{values[name] or 0:,}")
             for label, name in _DELIVERY_COLUMNS]
    first, last = report.first_delivery_seconds, report.last_delivery_seconds
    if inbox:
        first = last = _("At once") if report.delivered else "—"
    return {"label": _channel_label(report.channel), "cells": cells,
            "first": first if inbox else duration(first),
            "last": last if inbox else duration(last)}


def _channel_label(channel: str) -> str:
    return {"inbox": _("Inbox"), "email": _("Email"), "push": _("Web Push")}.get(channel,
                                                                                 channel)


def duration(seconds: float | None) -> str:
    """Seconds from publishing, as people read them: "under 1 s", "42 s", "3 min 5 s"."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return _("under 1 s")
    whole = round(seconds)
    if whole < 60:
        return _("%(seconds)s s") % {"seconds": whole}
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}


@agency_page
@require_http_methods(["GET"])
def staff_post(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    agency = selectors.get_agency(slug)
    post = selectors.get_agency_post_internal(request.user, agency, post_id)
    with agency_time(agency):
        return _render_staff_post(request, agency, post)


@agency_page
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    agency = selectors.get_agency(slug)
    post = selectors.get_agency_post_internal(request.user, agency, post_id)
    _require_publisher(request, agency)
    scheduled = post.current_status() == AgencyPost.Status.SCHEDULED
    with agency_time(agency):
        initial = {name: getattr(post, name) for name in (
            *AgencyPostForm.CONTENT, *AgencyPostForm.EVENT, *AgencyPostForm.RFI,
            "publish_at", "expires_at")}
        form = AgencyPostForm(request.POST or None, request.FILES or None, targeting=False,
                              scheduled=scheduled, initial=initial)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                with form_errors(form, _ALIASES) as failed:
                    _save_edit(request, post, form, scheduled)
                    messages.success(request, _("The post is updated.") if not scheduled
                                     else _("The scheduled post is updated."))
                    return redirect(staff_post_url(post))
                status = failed.status
        return render(request, "web/agencies/edit.html", {
            **agency_context(request, agency, "post"), "form": form, "post": post,
            "has_errors": bool(form.errors),
        }, status=status)


def _save_edit(request: HttpRequest, post: AgencyPost, form: AgencyPostForm,
               scheduled: bool) -> None:
    data = form.cleaned_data
    changes = form.content()
    # The form shows times to the minute: a time that is the same minute is unchanged.
    for name in ("event_starts_at", "rfi_from", "rfi_until"):
        if _same_minute(changes[name], getattr(post, name)):
            changes[name] = getattr(post, name)
    for name in ("publish_at", "expires_at"):
        if name in form.fields and not _same_minute(data.get(name), getattr(post, name)):
            changes[name] = data.get(name)
    if scheduled and "publish_at" in changes and changes["publish_at"] is None:
        del changes["publish_at"]  # an emptied field keeps the scheduled time
    upload = data.get("image")
    if upload:
        check_image(upload)
    actions.update_agency_post(request.user, post, **changes)
    if upload:
        actions.attach_image(request.user, post, upload, upload.size)


def _same_minute(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


@agency_page
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    agency = selectors.get_agency(slug)
    post = selectors.get_agency_post_internal(request.user, agency, post_id)
    if not policy.can_withdraw(request.user, agency):
        raise PermissionDenied(_("Only the agency's publishers and admins withdraw posts."))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.withdraw_agency_post(request.user, post, note=form.cleaned_data["note"])
        messages.success(request,
                         _("The post is withdrawn: it has left every feed and inbox."))
        return redirect(staff_post_url(post))
    with agency_time(agency):
        return render(request, "web/agencies/withdraw.html", {
            **agency_context(request, agency, "post"), "form": form, "post": post})


@agency_page
@require_POST
def redeliver(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """The Delivery section's "Send again": the post's given-up messages back to the queue
    (agency admins; the action checks and audits it)."""
    agency = selectors.get_agency(slug)
    post = selectors.get_agency_post_internal(request.user, agency, post_id)
    count = notification_actions.redeliver_agency_post(request.user, post)
    if count:
        messages.success(request, ngettext(
            "%(count)d given-up message is queued again.",
            "%(count)d given-up messages are queued again.", count) % {"count": count})
    else:
        messages.info(request, _("No given-up messages to send again."))
    return redirect(f"{staff_post_url(post)}#delivery")


@agency_page
@require_POST
def hide_reply(request: HttpRequest, slug: str, post_id: int, reply_id: int) -> HttpResponse:
    agency = selectors.get_agency(slug)
    post = selectors.get_agency_post_internal(request.user, agency, post_id)
    reply = selectors.get_agency_reply(request.user, post, reply_id)
    actions.hide_agency_reply(request.user, reply, note=request.POST.get("note", "")[:500])
    messages.success(request, _("The reply is hidden from the replier's neighbors."))
    return redirect(f"{staff_post_url(post)}#replies")
