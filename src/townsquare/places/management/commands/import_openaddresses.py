"""`townsquare import_openaddresses PATH --city SLUG`: a city's address points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from townsquare.core.errors import Invalid
from townsquare.places import cli
from townsquare.places.openaddresses import import_openaddresses


class Command(BaseCommand):
    help = (
        "Create or update a city's address points from an OpenAddresses CSV file (LON, LAT, "
        "NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE, ID, HASH). One bad row "
        "and nothing is imported; every bad row is listed by line number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The OpenAddresses CSV file.")
        parser.add_argument("--city", required=True, help='The city slug, e.g. "sacramento".')

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        city = cli.city_and_file(options["city"], path)
        try:
            result = import_openaddresses(city, path)
        except Invalid as exc:
            raise cli.refused(path, exc) from exc
        self.stdout.write(
            f"{city.name}: {result.created} created, {result.updated} updated "
            f"({result.unchanged} unchanged), {result.duplicates} duplicate rows merged, "
            f"{result.outside} outside every neighborhood"
        )
