"""The feed rows for operators: derived from posts and agency posts, shown to check them,
never edited."""

from __future__ import annotations

from django.contrib import admin

from townsquare.core.admin import OperatorAdmin
from townsquare.feeds.models import FeedItem


@admin.register(FeedItem)
class FeedItemAdmin(OperatorAdmin):
    """The feed index, derived from posts; shown to check it, never edited."""

    list_display = ["post", "neighborhood", "created_at", "share_nearby"]
    list_filter = ["share_nearby"]
    list_select_related = ["post", "neighborhood"]
    readonly_fields = ["post", "neighborhood", "created_at", "share_nearby"]
