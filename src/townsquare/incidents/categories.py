"""Which category an offense belongs to, from the table in incidents/data/categories.csv.

The table is data a city may edit (docs/incidents.md, "Importing incidents"): rows with an
offense code are tried first, in file order, then the rows that only match the offense
text; the first match wins and nothing matching means "other". A city that keeps its own
table points the `TOWNSQUARE_INCIDENT_CATEGORIES` setting (environment variable of the same
name) at it.

An import asks once per distinct (code, text) pair, never once per row: `Categorizer`
caches its answers, and a city's file has a few hundred distinct offenses.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from townsquare.core.errors import Invalid
from townsquare.incidents.models import Category

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "categories.csv"
_CODE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def normalise_offense(text: str) -> str:
    """'459 PC  burglary residence ' -> '459 PC BURGLARY RESIDENCE'."""
    return " ".join(text.split()).upper()


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


@dataclass(frozen=True)
class Rule:
    line: int
    code: str  # "" (text only), one code, or a numeric range "2200-2299"
    low: int | None
    high: int | None
    text: re.Pattern[str] | None
    category: str

    def matches_code(self, code: str, number: int | None) -> bool:
        if not self.code or not code:
            return False
        if self.low is not None and self.high is not None:
            return number is not None and self.low <= number <= self.high
        return code == self.code

    def matches_text(self, text: str) -> bool:
        return self.text is None or self.text.search(text) is not None


class Categorizer:
    """Offense (code, text) -> category, by the table's rules, cached per distinct pair."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.code_rules = tuple(rule for rule in rules if rule.code)
        self.text_rules = tuple(rule for rule in rules if not rule.code)
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, code: str, text: str) -> str:
        key = (code, text)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._decide(normalise_code(code),
                                                    normalise_offense(text))
        return found

    def _decide(self, code: str, text: str) -> str:
        number = int(code) if code.isdigit() else None
        for rule in self.code_rules:
            if rule.matches_code(code, number) and rule.matches_text(text):
                return rule.category
        for rule in self.text_rules:
            if rule.matches_text(text):
                return rule.category
        return Category.OTHER.value


def table_path() -> Path:
    configured = getattr(settings, "TOWNSQUARE_INCIDENT_CATEGORIES", "")
    return Path(configured) if configured else DEFAULT_TABLE


def categorizer(path: Path | None = None) -> Categorizer:
    """A fresh categorizer (its own cache) over the configured table, read once per process."""
    return Categorizer(read_table(path or table_path()))


@lru_cache(maxsize=4)
def read_table(path: Path) -> tuple[Rule, ...]:
    """The table's rules; raises Invalid naming every bad line."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            lines = list(csv.reader(handle))
    except OSError as exc:
        raise Invalid(_("The category table %(path)s cannot be read.") % {"path": path},
                      {"categories": [str(exc)]}) from exc
    known = set(Category.values)
    rules: list[Rule] = []
    problems: list[str] = []
    header = [cell.strip().lower() for cell in lines[0]] if lines else []
    if header[:3] != ["code", "text", "category"]:
        problems.append(_("line 1: the header must start with code,text,category"))
    for number, cells in enumerate(lines[1:], start=2):
        if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        code, text, category = (cells + ["", "", ""])[:3]
        code, text, category = normalise_code(code), text.strip(), category.strip()
        problem, rule = _rule(number, code, text, category, known)
        if problem:
            problems.append(_("line %(line)s: %(problem)s") % {"line": number,
                                                               "problem": problem})
        elif rule is not None:
            rules.append(rule)
    if problems:
        raise Invalid(_("The category table %(path)s has errors.") % {"path": path},
                      {"categories": problems})
    return tuple(rules)


def _rule(number: int, code: str, text: str, category: str,
          known: set[str]) -> tuple[str | None, Rule | None]:
    if category not in known:
        return _("unknown category %(category)r (one of: %(known)s)") % {
            "category": category, "known": ", ".join(sorted(known))}, None
    if not code and not text:
        return _("a rule needs a code, a text or both"), None
    low = high = None
    if "-" in code:
        bounds = _CODE.match(code)
        if bounds is None or bounds.group(2) is None:
            return _("the code range %(code)r is not two numbers") % {"code": code}, None
        low, high = int(bounds.group(1)), int(bounds.group(2))
    elif code.isdigit():
        low = high = int(code)
    try:
        pattern = re.compile(text, re.IGNORECASE) if text else None
    except re.error as exc:
        return _("the text pattern %(text)r is not a valid regular expression: %(error)s") % {
            "text": text, "error": exc}, None
    return None, Rule(number, code, low, high, pattern, category)
