"""The inbox channel: nothing to send.

The inbox is computed from the agency post's feed rows (agencies/selectors/inbox.py), so a post
is in every targeted inbox the moment it is published, with no row per resident and no
work for a worker. What this channel adds is the live unread badge: `unread_count` for a
page, and `changes` for the server-sent events stream (web/views/notifications.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from townsquare.notifications.channels import DELIVERED, Notice, Outcome, Report


class InboxChannel:
    name = "inbox"

    def scope(self, notice: Notice) -> str:
        return self.name

    def send_batch(self, notices: Sequence[Notice], report: Report) -> None:
        # Already there: the inbox reads the post's feed rows.
        for notice in notices:
            report(notice, Outcome(DELIVERED))
