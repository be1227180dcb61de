"""Operators look at deliveries and subscriptions here; they change nothing by hand (the
engine and the actions are the only writers), so every model is read-only
(core.admin.OperatorAdmin)."""

from __future__ import annotations

from django.contrib import admin

from townsquare.core.admin import OperatorAdmin
from townsquare.notifications.models import Delivery, NotificationPreference, PushSubscription


@admin.register(Delivery)
class DeliveryAdmin(OperatorAdmin):
    list_display = ("id", "kind", "channel", "state", "attempts", "agency_post",
                    "queued_at", "delivered_at", "last_error")
    list_filter = ("state", "channel", "kind")
    search_fields = ("=id", "=agency_post__id", "message_id")
    raw_id_fields = ("agency_post", "reply", "post", "recipient", "subscription")


@admin.register(PushSubscription)
class PushSubscriptionAdmin(OperatorAdmin):
    list_display = ("id", "user", "created_at", "last_success_at", "retired_at",
                    "retire_reason")
    list_filter = ("retired_at",)
    raw_id_fields = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(OperatorAdmin):
    list_display = ("user", "email_enabled", "push_enabled", "email_off_reason", "updated_at")
    list_filter = ("email_enabled", "push_enabled")
    raw_id_fields = ("user",)
