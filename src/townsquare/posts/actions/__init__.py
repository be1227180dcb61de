"""Every write about posts goes through these functions (views, API, admin, commands)."""

from townsquare.posts.actions.moderation import (
    dismiss_report,
    hide_post,
    hide_reply,
    report_content,
    unhide_post,
)
from townsquare.posts.actions.posts import create_post, delete_post, update_post
from townsquare.posts.actions.replies import create_reply, delete_reply, update_reply
from townsquare.posts.actions.thanks import thank_post, unthank_post

__all__ = [
    "create_post",
    "create_reply",
    "delete_post",
    "delete_reply",
    "dismiss_report",
    "hide_post",
    "hide_reply",
    "report_content",
    "thank_post",
    "unhide_post",
    "unthank_post",
    "update_post",
    "update_reply",
]
