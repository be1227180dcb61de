"""Agencies for operators: review applications, look up staff and posts, take down a post
or hide a reply. Every change goes through the agencies actions (audited, agency-scoped).

Agency staff are not operators (is_staff is never set for them; actions/staff.py refuses
operator accounts), so none of this is open to them: the privacy wall holds in the admin.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from townsquare.agencies import actions
from townsquare.agencies.models import Agency, AgencyPost, AgencyReply, AgencyStaff
from townsquare.core.admin import OperatorAdmin


@admin.register(Agency)
class AgencyAdmin(OperatorAdmin):
    list_display = ["name", "slug", "kind", "city", "status", "verified_at", "contact_email",
                    "all_neighborhoods", "created_at"]
    list_filter = ["status", "kind", "city"]
    search_fields = ["name", "slug", "contact_email", "email_domain"]
    readonly_fields = ["name", "slug", "kind", "website", "email_domain", "city",
                       "contact_name", "contact_email", "status", "verified_at", "reviewed_by",
                       "review_note", "all_neighborhoods", "jurisdiction", "created_at"]
    actions = ["approve_selected", "reject_selected"]

    @admin.action(description=_("Approve selected applications"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        self.run_action(request, queryset, _("Approve"),
                        lambda agency: actions.approve_agency(request.user, agency,
                                                              note="admin"))

    @admin.action(description=_("Reject selected applications"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        self.run_action(request, queryset, _("Reject"),
                        lambda agency: actions.reject_agency(request.user, agency,
                                                             note="admin"))


@admin.register(AgencyStaff)
class AgencyStaffAdmin(OperatorAdmin):
    list_display = ["user", "agency", "role", "active", "created_at"]
    list_filter = ["role", "active", "agency"]
    search_fields = ["user__email", "agency__name"]
    list_select_related = ["user", "agency"]
    fields = readonly_fields = ["agency", "user", "role", "active", "created_at"]


@admin.register(AgencyPost)
class AgencyPostAdmin(OperatorAdmin):
    list_display = ["title", "agency", "kind", "status", "practice", "publish_at",
                    "expires_at", "audience_size", "reply_count", "thank_count"]
    list_filter = ["status", "kind", "practice", "agency"]
    search_fields = ["title", "body", "case_number", "agency__name"]
    list_select_related = ["agency"]
    date_hierarchy = "publish_at"
    exclude = ["targets"]
    readonly_fields = ["agency", "author", "kind", "title", "body", "case_number",
                       "event_starts_at", "event_place", "rfi_area", "rfi_from", "rfi_until",
                       "target_all", "target_area", "audience_size", "practice", "status",
                       "publish_at", "expires_at", "edited_at", "withdrawn_at", "created_at",
                       "reply_count", "thank_count", "idempotency_key"]
    actions = ["withdraw_selected"]

    @admin.action(description=_("Withdraw selected posts"))
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[AgencyPost]) -> None:
        self.run_action(request, queryset.select_related("agency"), _("Withdraw"),
                        lambda post: actions.withdraw_agency_post(request.user, post,
                                                                  note="admin"))


@admin.register(AgencyReply)
class AgencyReplyAdmin(OperatorAdmin):
    list_display = ["__str__", "post", "neighborhood", "created_at", "hidden_at", "deleted_at"]
    list_filter = ["neighborhood__city"]
    search_fields = ["body"]
    list_select_related = ["post", "neighborhood"]
    readonly_fields = ["post", "author", "neighborhood", "body", "created_at", "hidden_at",
                       "hidden_by", "deleted_at"]
    actions = ["hide_selected"]

    @admin.action(description=_("Hide selected replies"))
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[AgencyReply]) -> None:
        self.run_action(request, queryset.select_related("post__agency"), _("Hide"),
                        lambda reply: actions.hide_agency_reply(request.user, reply,
                                                                note="admin"))
