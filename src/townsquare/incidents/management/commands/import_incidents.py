"""`townsquare import_incidents PATH --city SLUG [--format sacramento | generic] [--columns MAP]`.

See docs/incidents.md, "Importing incidents"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from townsquare.core.errors import Invalid
from townsquare.incidents.actions import FIELDS, FORMATS, import_incidents
from townsquare.places import cli


class Command(BaseCommand):
    help = (
        "Import police incidents from a CSV file into a city: each incident gets its "
        "neighborhood and a category (incidents/data/categories.csv). Importing the same "
        "file again changes nothing. Prints 'imported N, unchanged M, outside K, rejected R' "
        "and then each rejected row's line number and reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file (UTF-8, a header row).")
        parser.add_argument("--city", required=True, help='The city slug, e.g. "sacramento".')
        parser.add_argument(
            "--format", choices=sorted(FORMATS), default="sacramento",
            help="sacramento: the Sacramento Police export (cdatetime as M/D/YY H:MM local "
                 "time, address, crimedescr, ucr_ncic_code, latitude, longitude). generic: "
                 "columns named after the fields, or mapped with --columns; dates in ISO 8601 "
                 "unless --date-format says otherwise.")
        parser.add_argument(
            "--columns", metavar="MAP",
            help="Which CSV column holds each field, as FIELD=COLUMN pairs separated by "
                 f"commas; the fields are {', '.join(FIELDS)} (offense_code and block are "
                 "optional). Example: occurred_at=Date,lat=Y,lon=X,description=Offense,"
                 "offense_code=Code,block=Address")
        parser.add_argument(
            "--date-format", metavar="FORMAT",
            help='A strptime format for occurred_at, e.g. "%%d.%%m.%%Y %%H:%%M". Times '
                 "without an offset are the city's local time.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        city = cli.city_and_file(options["city"], path)
        try:
            result = import_incidents(city, path, format=options["format"],
                                      columns=options["columns"],
                                      date_format=options["date_format"])
        except Invalid as exc:
            raise cli.refused(path, exc, "Nothing was imported.") from exc
        except DatabaseError as exc:
            raise CommandError(f"{path}: the database refused the import ({exc}). "
                               "Nothing was imported.") from exc
        self.stdout.write(str(result))
        for row in result.rejected:
            self.stdout.write(f"  {row}")
