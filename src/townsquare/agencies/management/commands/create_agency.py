"""`townsquare create_agency --name NAME --city CITY_SLUG (--all-neighborhoods |
--neighborhoods SLUG,SLUG)`: an operator creates an approved, verified agency.

Prints the agency's slug alone on its line, so scripts can capture it. Bad input changes
nothing and exits non-zero with the reason.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.agencies import actions
from townsquare.agencies.models import Agency
from townsquare.core.errors import DomainError
from townsquare.places.models import City


class Command(BaseCommand):
    help = "Create a verified public agency and its jurisdiction; print its slug."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--city", required=True, metavar="CITY_SLUG")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--all-neighborhoods", action="store_true",
                           help="The jurisdiction is every neighborhood of the city.")
        where.add_argument("--neighborhoods", metavar="SLUG,SLUG",
                           help="The jurisdiction: these neighborhoods (comma-separated).")
        parser.add_argument("--kind", default=Agency.Kind.OTHER, choices=Agency.Kind.values)
        parser.add_argument("--website", default="")
        parser.add_argument("--email-domain", default="",
                            help="Staff accounts must then use this email domain.")

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(slug=options["city"].strip().lower()).first()
        if city is None:
            raise CommandError(f"No city with the slug {options['city']!r}.")
        slugs = None
        if options["neighborhoods"] is not None:
            slugs = [s for s in options["neighborhoods"].split(",") if s.strip()]
        try:
            agency = actions.create_agency(
                name=options["name"], city=city, kind=options["kind"],
                all_neighborhoods=options["all_neighborhoods"], neighborhoods=slugs,
                website=options["website"], email_domain=options["email_domain"],
            )
        except DomainError as exc:
            raise CommandError(_message(exc)) from exc
        self.stdout.write(agency.slug)


def _message(exc: DomainError) -> str:
    details = [m for messages in (exc.fields or {}).values() for m in messages]
    return " ".join(details) if details else exc.detail
