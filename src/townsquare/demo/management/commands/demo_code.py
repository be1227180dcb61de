"""`townsquare demo_code EMAIL`: the sign-in code of a demo agency staff account.

Agency staff type a code from an authenticator app after their password. The demo's staff
accounts have no phone behind them, so this prints the code their device accepts now. It
refuses every account that is not a demo account: real staff use their own app.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from townsquare.accounts.models import User
from townsquare.demo import codes


class Command(BaseCommand):
    help = "Print the current sign-in code (TOTP) of a demo agency staff account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="A demo staff account, e.g. "
                                          "officer@demo.townsquare.invalid.")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account {email}.")
        if not user.is_demo:
            raise CommandError(
                f"{user.email} is not a demo account: demo_code prints codes for the demo's "
                "accounts only (townsquare load_demo). Real staff use their authenticator app.")
        device = (TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first())
        if device is None:
            raise CommandError(
                f"{user.email} has no authenticator: only agency staff sign in with a code "
                "(the demo's are listed by townsquare load_demo).")
        try:
            code = codes.code_for(device)
        except codes.NotReady as exc:
            raise CommandError(f"The latest codes of {user.email} were just used; run this "
                               f"again in {exc.seconds} s.") from exc
        self.stdout.write(code)
