"""`townsquare import_addresses PATH --city SLUG`: (re)build a city's address gazetteer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from townsquare.core.errors import Invalid
from townsquare.places import cli
from townsquare.places.actions import import_addresses

# A file full of bad rows should not scroll the terminal away; the count is still exact.
SHOW_SKIPPED = 50


class Command(BaseCommand):
    help = (
        "Replace a city's address gazetteer with a CSV file that has the columns "
        "address, latitude and longitude (other columns are ignored)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file.")
        parser.add_argument("--city", required=True, help='The city slug, e.g. "sacramento".')

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        city = cli.city_and_file(options["city"], path)
        try:
            result = import_addresses(city, path)
        except Invalid as exc:
            raise cli.refused(path, exc) from exc

        self.stdout.write(
            f"{city.name}: {result.imported} addresses imported "
            f"({result.duplicates} duplicate rows merged, {result.outside} outside every "
            f"neighborhood, {len(result.skipped)} rows skipped)"
        )
        for row in result.skipped[:SHOW_SKIPPED]:
            self.stdout.write(f"  skipped {row}")
        if len(result.skipped) > SHOW_SKIPPED:
            self.stdout.write(f"  ... and {len(result.skipped) - SHOW_SKIPPED} more")
