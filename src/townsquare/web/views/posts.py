"""The feed, writing and reading posts, replies, thanks, reports, and search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townsquare import policy
from townsquare.core.errors import DomainError
from townsquare.feeds import selectors as feeds_selectors
from townsquare.posts import actions, profiling
from townsquare.posts import selectors as posts_selectors
from townsquare.posts.models import Category, Post, Reply
from townsquare.web.errors import add_domain_error, domain_errors, form_errors
from townsquare.web.forms import PostForm, ReplyForm, ReportForm, SearchForm

FEED_PAGE_SIZE = 20
FEED_SEEN_KEY = "feed_seen_at"
FEED_SEEN_MAX_AGE = 60 * 60 * 24 * 365


@login_required
@require_GET
@domain_errors
def feed(request: HttpRequest) -> HttpResponse:
    resident = policy.resident_of(request.user)
    if policy.verified_resident_of(request.user) is None:
        return render(request, "web/posts/feed_locked.html", {"resident": resident})
    page = feeds_selectors.feed(request.user, cursor=request.GET.get("cursor") or None,
                                limit=FEED_PAGE_SIZE)
    is_first_page = not request.GET.get("cursor")
    resident_posts = [item for item in page.items if isinstance(item, Post)]
    new_ids: set[int] = set()
    if is_first_page:
        # "N new posts since your last visit": the last visit is kept in a signed cookie
        # (no write to the database on each visit).
        seen = request.get_signed_cookie(FEED_SEEN_KEY, default=None, salt=FEED_SEEN_KEY)
        try:
            seen_at = dt.datetime.fromisoformat(seen) if seen else None
        except ValueError:
            seen_at = None
        if seen_at is not None:
            new_ids = {p.pk for p in resident_posts if p.created_at > seen_at}
    response = render(request, "web/posts/feed.html", {
        "posts": page.items, "next_cursor": page.next, "resident": resident,
        "is_first_page": is_first_page, "new_ids": new_ids, "new_count": len(new_ids),
        "thanked_ids": posts_selectors.thanked_ids(request.user,
                                                   [p.pk for p in resident_posts]),
    })
    if is_first_page:
        response.set_signed_cookie(FEED_SEEN_KEY, timezone.now().isoformat(), salt=FEED_SEEN_KEY,
                                   max_age=FEED_SEEN_MAX_AGE, secure=request.is_secure(),
                                   httponly=True, samesite="Lax")
    return response


def _post_form_context(form: PostForm) -> dict[str, Any]:
    return {"form": form, "warning": profiling.WARNING, "crime_safety": Category.CRIME_SAFETY,
            "has_errors": bool(form.errors)}


def _save_post(request: HttpRequest, form: PostForm, post: Post | None) -> Post:
    data = form.cleaned_data
    fields = {"title": data["title"], "body": data["body"], "category": data["category"],
              "share_nearby": data["share_nearby"], "person": form.person()}
    if post is None:
        return actions.create_post(request.user, **fields)
    return actions.update_post(request.user, post, **fields)


def _post_error(form: PostForm, exc: DomainError) -> None:
    fields = dict(exc.fields or {})
    person = fields.pop("person", None)
    if person is not None:
        # The guard's messages belong to the person description, shown in its fieldset,
        # with the warning itself at the top of the form.
        form.person_errors = list(person)
        form.add_error(None, exc.detail)
    if fields or person is None:
        add_domain_error(form, DomainError(exc.detail, fields or None))


def _edit_post(request: HttpRequest, post: Post | None) -> HttpResponse:
    initial = PostForm.initial_for(post) if post is not None else None
    form = PostForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with form_errors(form, show=lambda exc: _post_error(form, exc)) as failed:
                saved = _save_post(request, form, post)
                messages.success(request, _("Your post is published.") if post is None
                                 else _("Your post is updated."))
                return redirect("web:post", post_id=saved.pk)
            status = failed.status
    context = _post_form_context(form)
    context["post"] = post
    return render(request, "web/posts/post_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def new_post(request: HttpRequest) -> HttpResponse:
    if not policy.can_post(request.user):
        raise PermissionDenied(_("Only verified residents can post. Verify your address first."))
    return _edit_post(request, None)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    if not policy.can_edit_post(request.user, post):
        raise Http404("No such post.")
    return _edit_post(request, post)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    if not policy.can_edit_post(request.user, post):
        raise Http404("No such post.")
    if request.method == "POST":
        actions.delete_post(request.user, post)
        messages.success(request, _("Your post is deleted."))
        return redirect("web:feed")
    return render(request, "web/posts/confirm_delete.html", {"post": post})


@dataclass(frozen=True)
class ReplyView:
    reply: Reply
    can_delete: bool
    can_hide: bool


def render_post(request: HttpRequest, post: Post, *, reply_form: ReplyForm | None = None,
                report_form: ReportForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    can_moderate = policy.can_moderate_post(user, post)
    replies = [ReplyView(r, policy.can_edit_reply(user, r), can_moderate and r.is_live)
               for r in posts_selectors.replies(user, post)]
    is_member = policy.verified_resident_of(user) is not None
    can_reply = policy.can_reply(user, post)
    has_errors = bool((reply_form and reply_form.errors) or (report_form and report_form.errors))
    return render(request, "web/posts/detail.html", {
        "post": post,
        "replies": replies,
        "can_edit": policy.can_edit_post(user, post),
        "can_moderate": can_moderate,
        "can_thank": policy.can_thank(user, post),
        "thanked": is_member and posts_selectors.thanked_by(user, post),
        "reply_form": (reply_form or ReplyForm()) if can_reply else None,
        "report_form": (report_form or ReportForm()) if policy.can_report(user, post) else None,
        "has_errors": has_errors,
    }, status=status)


@login_required
@require_GET
@domain_errors
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    return render_post(request, posts_selectors.get_post(request.user, post_id))


@login_required
@require_POST
@domain_errors
def reply(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        with form_errors(form) as failed:
            created = actions.create_reply(request.user, post, body=form.cleaned_data["body"])
            return redirect(f"{post_url(post)}#reply-{created.pk}")
        return render_post(request, post, reply_form=form, status=failed.status)
    return render_post(request, post, reply_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def delete_reply(request: HttpRequest, post_id: int, reply_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    target = posts_selectors.get_reply(request.user, post, reply_id)
    if not policy.can_edit_reply(request.user, target):
        raise Http404("No such reply.")
    if request.method == "POST":
        actions.delete_reply(request.user, target)
        messages.success(request, _("Your reply is deleted."))
        return redirect("web:post", post_id=post.pk)
    return render(request, "web/posts/confirm_delete_reply.html",
                  {"post": post, "reply": target})


@login_required
@require_POST
@domain_errors
def thank(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    if request.POST.get("undo"):
        actions.unthank_post(request.user, post)
    else:
        actions.thank_post(request.user, post)
    if request.POST.get("back") == "feed":
        return redirect(f"{reverse('web:feed')}#post-{post.pk}")
    return redirect(f"{post_url(post)}#thanks")


@login_required
@require_POST
@domain_errors
def report(request: HttpRequest, post_id: int) -> HttpResponse:
    post = posts_selectors.get_post(request.user, post_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render_post(request, post, report_form=form, status=400)
    reply_id = form.cleaned_data.get("reply")
    target = posts_selectors.get_reply(request.user, post, reply_id) if reply_id else None
    with form_errors(form) as failed:
        actions.report_content(request.user, post, reason=form.cleaned_data["reason"],
                               note=form.cleaned_data["note"], reply=target)
    if failed:
        return render_post(request, post, report_form=form, status=failed.status)
    messages.success(request, _("Thank you. The neighborhood's moderators will look at it."))
    return redirect("web:post", post_id=post.pk)


class FeedSearchForm(SearchForm):
    """Search with its filters: a category (or agency posts only) and a range of days."""

    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    since = forms.DateField(label=gettext_lazy("From (day)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("To (day, included)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All posts")),
                                           *feeds_selectors.search_categories()]


@login_required
@require_GET
@domain_errors
def search(request: HttpRequest) -> HttpResponse:
    form = FeedSearchForm(request.GET or None)
    query, results, next_cursor = "", [], None
    if form.is_valid():
        query = posts_selectors.search_terms(form.cleaned_data["q"])
        with form_errors(form, {"to": "until", "cursor": None}):
            page = feeds_selectors.search(
                request.user, query, category=form.cleaned_data["category"],
                since=form.cleaned_data["since"], until=form.cleaned_data["until"],
                cursor=request.GET.get("cursor") or None)
            results, next_cursor = page.items, page.next
    filters = request.GET.copy()
    filters.pop("cursor", None)
    return render(request, "web/posts/search.html", {
        "form": form, "query": query, "results": results, "next_cursor": next_cursor,
        "filters": filters.urlencode(),
        "is_member": policy.verified_resident_of(request.user) is not None
        or policy.is_operator(request.user),
    }, status=400 if form.errors else 200)


def post_url(post: Post) -> str:
    return reverse("web:post", args=[post.pk])
