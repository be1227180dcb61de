"""Every write about notifications goes through these functions (API, pages, admin, the
delivery engine, commands)."""

from townsquare.notifications.actions.inbox import mark_all_read
from townsquare.notifications.actions.opens import record_open
from townsquare.notifications.actions.preferences import (
    retire_email_address,
    unsubscribe,
    update_preferences,
)
from townsquare.notifications.actions.push import (
    retire_subscription,
    subscribe_push,
    unsubscribe_push,
)
from townsquare.notifications.actions.redeliver import redeliver, redeliver_agency_post

__all__ = [
    "mark_all_read",
    "record_open",
    "redeliver",
    "redeliver_agency_post",
    "retire_email_address",
    "retire_subscription",
    "subscribe_push",
    "unsubscribe",
    "unsubscribe_push",
    "update_preferences",
]
