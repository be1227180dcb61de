"""`townsquare load_demo`: the Sacramento demo (used by `make demo`). Safe to run again."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.core.errors import DomainError
from townsquare.demo import agencies, loader, people


class Command(BaseCommand):
    help = ("Load the Sacramento demo: neighborhoods, gazetteer, demo residents and posts, "
            "public agencies and their staff.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data", type=Path, default=Path(settings.BASE_DIR) / "data" / "sacramento",
            help="Folder with neighborhoods.geojson and crime-2006-01.csv "
                 "(default: data/sacramento in the working tree).",
        )

    def handle(self, *args: Any, data: Path, **options: Any) -> None:
        for name in (loader.NEIGHBORHOODS_FILE, loader.INCIDENTS_FILE):
            if not (data / name).is_file():
                raise CommandError(f"{data / name} is missing; pass --data FOLDER.")
        started = time.monotonic()
        try:
            summary = loader.load(data)
        except DomainError as exc:
            raise CommandError(f"The demo data was not loaded: {exc.detail}") from exc
        done = "Generated" if summary.generated else "Already loaded, left as it was:"
        public = summary.public
        self.stdout.write(
            f"{summary.city.name}: {summary.neighborhoods} neighborhoods, "
            f"{summary.launched} launched ({summary.coverage:.0%} coverage), "
            f"{summary.addresses} gazetteer addresses.\n"
            f"{done} {summary.residents} demo residents ({summary.verified} verified), "
            f"{summary.posts} posts, {summary.replies} replies, {summary.thanks} thanks; "
            f"{public.agencies} public agencies ({public.staff} staff), {public.posts} agency "
            f"posts, {public.replies} replies, {public.thanks} thanks "
            f"in {time.monotonic() - started:.1f} s."
        )
        self.stdout.write(f"\nDemo accounts (password: {people.PASSWORD}):")
        for account in (*people.NAMED, *(member.account for member in agencies.STAFF)):
            self.stdout.write(f"  {account.email:<36} {account.who}")
        self.stdout.write("Agency staff also type a code after the password: "
                          "`townsquare demo_code EMAIL` prints it.")
