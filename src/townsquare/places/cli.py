"""What the import commands share: the city and the file they name, and a refused file
turned into one message an operator can act on (every problem on its own line)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from townsquare.core.errors import Invalid
from townsquare.places.models import City


def city_and_file(slug: str, path: Path) -> City:
    """The city with `slug`, once `path` is known to be a readable file; CommandError else."""
    city = City.objects.filter(slug=slug).first()
    if city is None:
        raise CommandError(f"No city with the slug {slug!r}; import its neighborhoods first.")
    if not path.is_file():
        raise CommandError(f"Cannot read {path}: no such file.")
    return city


def refused(path: Path, exc: Invalid, summary: str = "") -> CommandError:
    """The error of an import that changed nothing: its reason, then each problem."""
    problems = [p for values in (exc.fields or {}).values() for p in values]
    first = f"{path}: {exc.detail}" + (f" {summary}" if summary else "")
    return CommandError("\n".join([first, *problems]))
