"""Agency posts as residents meet them: the inbox, the post's page (opening it marks it
read), replies and thanks. Who sees what (a reply: the agency and the replier's own
neighborhood) is decided by policy through agencies.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townsquare import policy
from townsquare.agencies import actions, selectors
from townsquare.agencies.models import AgencyPost
from townsquare.core.errors import Forbidden, NotFound
from townsquare.web.errors import form_errors
from townsquare.web.forms import ReplyForm
from townsquare.web.views.agencies_access import agency_page
from townsquare.web.views.agencies_public import alert_context

INBOX_PAGE = 25


def resident_post_url(post: AgencyPost) -> str:
    return reverse("web:agency_post", args=[post.pk])


@agency_page
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    if policy.public_alert_neighborhood(request.user) is not None:
        # Not yet verified: the inbox opens on verification; until then the public alerts
        # for their home's neighborhood (never a targeted post or a request for information).
        return render(request, "web/agencies/public_alerts.html", {
            "resident": policy.resident_of(request.user),
            "alerts": selectors.public_alerts_for(request.user),
        })
    cursor = request.GET.get("cursor") or None
    page = selectors.inbox(request.user, cursor=cursor, limit=INBOX_PAGE)
    staff = policy.agency_staff_of(request.user)
    return render(request, "web/agencies/inbox.html", {
        "items": page.items, "next_cursor": page.next, "is_first_page": cursor is None,
        "staff": staff, "resident": policy.resident_of(request.user),
        "unread": selectors.unread_count(request.user),
    })


def _render_post(request: HttpRequest, post: AgencyPost, *, form: ReplyForm | None = None,
                 status: int = 200) -> HttpResponse:
    user = request.user
    can_reply = policy.can_reply_agency_post(user, post)
    resident = policy.verified_resident_of(user)
    replies = [(r, policy.agency_reply_author_label(r), policy.can_delete_agency_reply(user, r))
               for r in selectors.replies(user, post)]
    return render(request, "web/agencies/post.html", {
        "post": post, "replies": replies,
        **alert_context(post.parent if post.parent_id is not None else post),
        "images": selectors.images_of([post])[post.pk],
        "can_reply": can_reply, "form": (form or ReplyForm()) if can_reply else None,
        "can_thank": policy.can_thank_agency_post(user, post),
        "thanked": selectors.thanked_by(user, post),
        "neighborhood": resident.neighborhood if resident is not None else None,
        "has_errors": bool(form is not None and form.errors),
    }, status=status)


@agency_page
@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_agency_post(request.user, post_id)
    if policy.agency_role(request.user, post.agency_id) is not None:
        # The agency's own staff have the post's staff page (replies, reach, actions).
        return redirect("web:agency_staff_post", slug=post.agency.slug, post_id=post.pk)
    actions.record_opened(request.user, post)
    return _render_post(request, post)


@agency_page
@require_POST
def reply(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_agency_post(request.user, post_id)
    if not policy.can_reply_agency_post(request.user, post):
        raise Forbidden(_("Only residents of the neighborhoods it was sent to reply."))
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _render_post(request, post, form=form, status=400)
    with form_errors(form) as failed:
        created = actions.reply_to_agency_post(request.user, post, body=form.cleaned_data["body"])
    if failed:
        return _render_post(request, post, form=form, status=failed.status)
    messages.success(request, _("Your reply is sent to %(agency)s.") % {"agency": post.agency.name})
    return redirect(f"{resident_post_url(post)}#reply-{created.pk}")


@agency_page
@require_http_methods(["GET", "POST"])
def delete_reply(request: HttpRequest, post_id: int, reply_id: int) -> HttpResponse:
    post = selectors.get_agency_post(request.user, post_id)
    target = selectors.get_agency_reply(request.user, post, reply_id)
    if request.method == "POST":
        actions.delete_agency_reply(request.user, target)  # its author only (NotFound)
        messages.success(request, _("Your reply is deleted."))
        return redirect(resident_post_url(post))
    if not policy.can_delete_agency_reply(request.user, target):
        raise NotFound(_("No such reply."))
    return render(request, "web/agencies/confirm_delete_reply.html",
                  {"post": post, "reply": target})


@agency_page
@require_POST
def thank(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_agency_post(request.user, post_id)
    if request.POST.get("undo"):
        actions.unthank_agency_post(request.user, post)
    else:
        actions.thank_agency_post(request.user, post)
    return redirect(f"{resident_post_url(post)}#thanks")
