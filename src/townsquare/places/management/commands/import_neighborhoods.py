"""`townsquare import_neighborhoods PATH --city NAME [--name-field FIELD] [--repair]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.core.errors import Invalid
from townsquare.places.actions import import_neighborhoods


class Command(BaseCommand):
    help = (
        "Create or update a city's neighborhoods from a GeoJSON FeatureCollection of "
        "(Multi)Polygons in WGS84 lon/lat. All or nothing: any problem changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The GeoJSON file.")
        parser.add_argument("--city", required=True, help='The city name, e.g. "Sacramento".')
        parser.add_argument(
            "--name-field", default="name",
            help="The feature property holding the neighborhood name (default: name).",
        )
        parser.add_argument(
            "--repair", action="store_true",
            help="Fix invalid polygons (self-intersecting rings, nested shells, ...) with "
                 "shapely's make_valid, keeping polygons only, and list each one fixed. "
                 "Without it an invalid polygon refuses the whole file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        try:
            result = import_neighborhoods(options["city"], data, name_field=options["name_field"],
                                          repair=options["repair"])
        except Invalid as exc:
            # Every problem, one per line, so the operator can fix the file in one pass.
            problems = [p for values in (exc.fields or {}).values() for p in values]
            raise CommandError("\n".join([f"{path}: nothing was imported.", *problems])) from exc

        for repaired in result.repairs:
            self.stdout.write(str(repaired))  # 'feature 2 ("Name"): <GEOS reason>; repaired ...'
        self.stdout.write(
            f"{result.city.name}: {result.created} created, {result.updated} updated "
            f"({result.unchanged} unchanged), {result.not_in_file} not in file"
        )
        if result.not_in_file_names:
            self.stdout.write(
                "Left in place (in the database, not in the file): "
                + ", ".join(result.not_in_file_names)
            )
        if result.addresses_relocated:
            self.stdout.write(
                f"{result.addresses_relocated} gazetteer addresses moved to another neighborhood."
            )
