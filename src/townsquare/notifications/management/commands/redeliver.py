"""`townsquare redeliver`: send given-up notifications again (docs/notifications.md).

After an outage that outlasted every attempt, or once the cause of a failure is fixed:
the given-up deliveries that match every filter go back to the queue with their attempts
at 0 and the same Message-ID. Prints how many; the run is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from townsquare.core.errors import DomainError
from townsquare.notifications import actions
from townsquare.notifications.models import Delivery


def moment(value: str) -> dt.datetime:
    """An ISO date (midnight, local time) or date and time (local time unless it says)."""
    try:
        when = parse_datetime(value)
        if when is None and (day := parse_date(value)) is not None:
            when = dt.datetime.combine(day, dt.time())
    except ValueError:
        when = None
    if when is None:
        raise CommandError(f"--since: not an ISO date or date and time: {value!r}")
    return timezone.make_aware(when) if timezone.is_naive(when) else when


class Command(BaseCommand):
    help = "Queue given-up notifications again (attempts back to 0, same Message-ID)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency-post", type=int, metavar="ID",
                            help="only the messages of this agency post")
        parser.add_argument("--channel", choices=Delivery.Channel.values,
                            help="only this channel")
        parser.add_argument("--since", type=moment, metavar="WHEN",
                            help="only messages queued at or after this ISO date or time")
        parser.add_argument("--reason", metavar="TEXT",
                            help="only messages whose last error contains this text")
        parser.add_argument("--dry-run", action="store_true",
                            help="only count them; change nothing")

    def handle(self, *args: Any, agency_post: int | None, channel: str | None,
               since: dt.datetime | None, reason: str | None, dry_run: bool,
               **options: Any) -> None:
        try:
            count = actions.redeliver(None, agency_post_id=agency_post, channel=channel,
                                      since=since, reason=reason, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        noun = "message" if count == 1 else "messages"
        if dry_run:
            self.stdout.write(f"{count} given-up {noun} would be queued again (dry run).")
        else:
            self.stdout.write(f"{count} given-up {noun} queued again.")
