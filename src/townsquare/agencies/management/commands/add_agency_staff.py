"""`townsquare add_agency_staff AGENCY_SLUG EMAIL --role {admin,publisher,tips}`.

Creates the staff account (or attaches an existing account that is not a resident's or an
operator's) and prints a one-time password-set link, alone on its line. The link is not
mailed: the operator hands it over. Recorded in the agency's audit log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.agencies import actions
from townsquare.agencies.models import Agency, AgencyStaff
from townsquare.core.errors import DomainError


class Command(BaseCommand):
    help = "Add a staff member to an agency; print their one-time password-set link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency", metavar="AGENCY_SLUG")
        parser.add_argument("email", metavar="EMAIL")
        parser.add_argument("--role", required=True, choices=AgencyStaff.Role.values)
        parser.add_argument("--name", default="", help="The display name of a new account.")

    def handle(self, *args: Any, agency: str, email: str, role: str, name: str,
               **options: Any) -> None:
        found = Agency.objects.filter(slug=agency.strip().lower()).first()
        if found is None:
            raise CommandError(f"No agency with the slug {agency!r}.")
        try:
            _staff, link = actions.add_agency_staff(found, email, role, display_name=name,
                                                    send_email=False)
        except DomainError as exc:
            details = [m for messages in (exc.fields or {}).values() for m in messages]
            raise CommandError(" ".join(details) if details else exc.detail) from exc
        self.stdout.write(link)
