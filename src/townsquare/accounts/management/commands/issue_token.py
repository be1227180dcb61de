"""`townsquare issue_token EMAIL`: print a new API token for that account.

The token is printed once, alone on its line, so scripts can capture it; only its hash is
stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.accounts import actions
from townsquare.accounts.models import User


class Command(BaseCommand):
    help = "Print a new API token for the account with this email."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", metavar="EMAIL")
        parser.add_argument("--label", default="cli", help="A note to recognise the token by.")

    def handle(self, *args: Any, email: str, label: str, **options: Any) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        if not user.is_active:
            raise CommandError(f"The account {email} is deactivated.")
        self.stdout.write(actions.issue_token(user, label=label))
