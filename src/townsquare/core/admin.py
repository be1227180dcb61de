"""The operators' admin: base classes, and the audit log (read-only).

Operators are staff accounts (policy.is_operator, which the admin site asks: see
web/admin_site.py; core knows no domain app). The admin is for looking things up
and for a few operator actions; every change it makes goes through the apps' actions, so
model admins here are read-only unless a field is plain data with no derived state.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from townsquare.core.errors import DomainError
from townsquare.core.models import AuditLog

admin.site.site_header = _("townsquare operators")
admin.site.site_title = _("townsquare operators")
admin.site.index_title = _("Operations")


class OperatorAdmin(admin.ModelAdmin):
    """Viewable by every operator (whoever the site lets in); no adding, editing or deleting
    through forms."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def run_action(self, request: HttpRequest, queryset: QuerySet[Any], label: Any,
                   call: Any) -> None:
        """Apply an action to each selected object; report successes and refusals. `label`
        names the action in the messages (a translated string: `_("Hide")`)."""
        done, refused = 0, []
        for obj in queryset:
            try:
                call(obj)
            except DomainError as exc:
                refused.append((str(obj), exc.detail))
            else:
                done += 1
        if done:
            self.message_user(request, ngettext(
                "%(action)s: %(count)d done.", "%(action)s: %(count)d done.", done,
            ) % {"action": label, "count": done}, messages.SUCCESS)
        for name, reason in refused:
            self.message_user(request, _("%(action)s refused for %(object)s: %(reason)s") % {
                "action": label, "object": name, "reason": reason}, messages.ERROR)


@admin.register(AuditLog)
class AuditLogAdmin(OperatorAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "actor_label", "action", "target_type",
                       "target_id", "agency_id", "data"]
    list_per_page = 100
