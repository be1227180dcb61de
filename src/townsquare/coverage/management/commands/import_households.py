"""`townsquare import_households PATH --city SLUG --source TEXT [--as-of DATE]`: set the
household count of each neighborhood from a CSV (docs/coverage.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from townsquare.core.errors import Invalid
from townsquare.coverage.actions import BadHouseholdFile, import_household_counts
from townsquare.places import cli


class Command(BaseCommand):
    help = (
        "Set the household count of a city's neighborhoods from a CSV file with the columns "
        "neighborhood (slug or name) and households. All or nothing: one bad row refuses "
        "the file, and every bad row is listed with its line number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file.")
        parser.add_argument("--city", required=True, help='The city slug, e.g. "sacramento".')
        parser.add_argument("--source", required=True,
                            help='Where the counts come from, e.g. "2020 Census, table H1".')
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                            help="The date the counts describe (YYYY-MM-DD; default today).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        city = cli.city_and_file(options["city"], path)
        as_of = options["as_of"] or timezone.localdate()
        try:
            result = import_household_counts(None, city, path, source=options["source"],
                                             as_of=as_of)
        except BadHouseholdFile as exc:
            lines = [f"{path}: nothing imported, {len(exc.problems)} bad rows:",
                     *(f"  {problem}" for problem in exc.problems)]
            raise CommandError("\n".join(lines)) from exc
        except Invalid as exc:
            raise CommandError(f"{path}: {exc.detail}") from exc
        self.stdout.write(f"{city.name}: household counts of {result.rows} neighborhoods "
                          f"({result.created} new, {result.updated} changed, "
                          f"{result.unchanged} unchanged)")
