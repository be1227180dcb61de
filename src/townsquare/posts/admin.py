"""Posts for operators. Moderation goes through the posts actions (hide, unhide, dismiss),
which keep the feed and the reports in step; fields are never edited here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from townsquare.core.admin import OperatorAdmin
from townsquare.posts import actions
from townsquare.posts.models import Post, Reply, Report, Thank


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("live", _("Live")), ("hidden", _("Hidden")), ("deleted", _("Deleted by author"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "live":
            return queryset.filter(hidden_at__isnull=True, deleted_at__isnull=True)
        if value == "hidden":
            return queryset.filter(hidden_at__isnull=False)
        if value == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


@admin.register(Post)
class PostAdmin(OperatorAdmin):
    list_display = ["__str__", "category", "neighborhood", "author", "created_at",
                    "share_nearby", "reply_count", "thank_count", "hidden_at", "deleted_at"]
    list_filter = [StateFilter, "category", "share_nearby", "neighborhood__city"]
    search_fields = ["title", "body", "author__user__email", "neighborhood__name"]
    list_select_related = ["author__user", "neighborhood"]
    date_hierarchy = "created_at"
    readonly_fields = ["author", "neighborhood", "category", "title", "body", "person",
                       "share_nearby", "created_at", "edited_at", "deleted_at", "hidden_at",
                       "hidden_by", "reply_count", "thank_count"]
    actions = ["hide_selected", "unhide_selected"]

    @admin.action(description=_("Hide selected posts"))
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self.run_action(request, queryset.filter(hidden_at__isnull=True), _("Hide"),
                        lambda post: actions.hide_post(request.user, post, note="admin"))

    @admin.action(description=_("Unhide selected posts"))
    def unhide_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        self.run_action(request, queryset.filter(hidden_at__isnull=False), _("Unhide"),
                        lambda post: actions.unhide_post(request.user, post, note="admin"))


@admin.register(Reply)
class ReplyAdmin(OperatorAdmin):
    list_display = ["__str__", "post", "author", "created_at", "hidden_at", "deleted_at"]
    list_filter = [StateFilter]
    search_fields = ["body", "author__user__email"]
    list_select_related = ["author__user", "post"]
    readonly_fields = ["post", "author", "body", "created_at", "edited_at", "deleted_at",
                       "hidden_at"]
    actions = ["hide_selected"]

    @admin.action(description=_("Hide selected replies"))
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Reply]) -> None:
        self.run_action(request, queryset.filter(hidden_at__isnull=True), _("Hide"),
                        lambda reply: actions.hide_reply(request.user, reply, note="admin"))


class OpenFilter(admin.SimpleListFilter):
    title = _("open")
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", _("Open")), ("no", _("Resolved"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(resolved_at__isnull=self.value() == "yes")
        return queryset


@admin.register(Report)
class ReportAdmin(OperatorAdmin):
    list_display = ["__str__", "reason", "post", "reply", "reporter", "created_at",
                    "resolution", "resolved_at"]
    list_filter = [OpenFilter, "reason", "resolution"]
    search_fields = ["note", "post__title", "reporter__email"]
    list_select_related = ["post", "reply", "reporter"]
    readonly_fields = ["post", "reply", "reporter", "reason", "note", "created_at",
                       "resolved_at", "resolved_by", "resolution"]
    actions = ["hide_reported", "dismiss_selected"]

    @admin.action(description=_("Hide the reported posts or replies"))
    def hide_reported(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        def hide(report: Report) -> None:
            if report.reply_id is not None:
                actions.hide_reply(request.user, report.reply, note=f"report {report.pk}")
            else:
                actions.hide_post(request.user, report.post, note=f"report {report.pk}")

        self.run_action(request, queryset.filter(resolved_at__isnull=True), _("Hide"), hide)

    @admin.action(description=_("Dismiss selected reports"))
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self.run_action(request, queryset.filter(resolved_at__isnull=True), _("Dismiss"),
                        lambda report: actions.dismiss_report(request.user, report,
                                                              note="admin"))


@admin.register(Thank)
class ThankAdmin(OperatorAdmin):
    list_display = ["post", "resident", "created_at"]
    list_select_related = ["post", "resident__user"]
    readonly_fields = ["post", "resident", "created_at"]
