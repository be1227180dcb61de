"""`townsquare verify_resident EMAIL [EMAIL ...]`: an operator verifies residents by hand.

All or nothing: every email is checked before anyone is verified, so a typo in the list
changes nothing. Each verification is recorded in the audit log by the action.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from townsquare.accounts import actions
from townsquare.accounts.models import Resident


class Command(BaseCommand):
    help = "Mark residents verified (method: operator), recorded in the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="+", metavar="EMAIL")

    def handle(self, *args: Any, emails: list[str], **options: Any) -> None:
        wanted = list(dict.fromkeys(email.strip().lower() for email in emails))
        found = {
            r.user.email: r
            for r in Resident.objects.select_related("user", "neighborhood")
            .filter(user__email__in=wanted)
        }
        missing = [email for email in wanted if email not in found]
        if missing:
            raise CommandError(
                f"No resident with the email {', '.join(missing)}. Nobody was verified."
            )
        with transaction.atomic():
            for email in wanted:
                resident = found[email]
                done = actions.verify_resident(resident, method=Resident.Method.OPERATOR)
                state = "verified" if done else "was already verified"
                self.stdout.write(f"{email} {state} ({resident.neighborhood.name}).")
