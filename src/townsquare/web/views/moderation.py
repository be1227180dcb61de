"""The moderation queue of leads and operators, and the hide/unhide/dismiss buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from townsquare import policy
from townsquare.posts import actions
from townsquare.posts import selectors as posts_selectors
from townsquare.web.errors import domain_errors
from townsquare.web.navigation import redirect_next


def _note(request: HttpRequest) -> str:
    return request.POST.get("note", "")  # cleaned by the action (moderation_note)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if not policy.can_use_moderation(request.user):
        raise PermissionDenied(_("Only neighborhood leads and operators moderate."))
    return render(request, "web/moderation/queue.html",
                  {"reports": posts_selectors.moderation_queue(request.user)})


@login_required
@require_POST
@domain_errors
def hide_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    actions.hide_post(request.user, post, note=_note(request))
    messages.success(request, _("The post is hidden. Its author still sees it, marked hidden."))
    return redirect_next(request, reverse("web:post", args=[post.pk]))


@login_required
@require_POST
@domain_errors
def unhide_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    actions.unhide_post(request.user, post, note=_note(request))
    messages.success(request, _("The post is visible again."))
    return redirect_next(request, reverse("web:post", args=[post.pk]))


@login_required
@require_POST
@domain_errors
def hide_reply(request: HttpRequest, post_id: int, reply_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    reply = posts_selectors.get_reply(request.user, post, reply_id)
    actions.hide_reply(request.user, reply, note=_note(request))
    messages.success(request, _("The reply is hidden."))
    return redirect_next(request, reverse("web:post", args=[post.pk]))


@login_required
@require_POST
@domain_errors
def dismiss_report(request: HttpRequest, report_id: int) -> HttpResponse:
    # Only a report in the caller's own queue can be found: the queue is scoped by policy.
    report = next((r for r in posts_selectors.moderation_queue(request.user)
                   if r.pk == report_id), None)
    if report is None:
        raise Http404("No such report.")
    actions.dismiss_report(request.user, report, note=_note(request))
    messages.success(request, _("The report is dismissed."))
    return redirect_next(request, reverse("web:moderation"))
