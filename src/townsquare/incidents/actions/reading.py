"""Reading an incidents CSV into checked columns: the formats, the column map, the dates,
the block-level location and each row's key. Nothing here touches the database.

The work is done per column (numpy) or once per distinct value (dates in a custom format,
offense texts, blocks), so a million rows cost seconds; the one loop that runs per row
builds the keys. See docs/incidents.md, "Importing incidents".
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import warnings
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townsquare.core.errors import Invalid

_Check = Callable[[str], tuple[str, "str | None"]]
FIELDS = ("occurred_at", "lat", "lon", "description", "offense_code", "block")
REQUIRED = ("occurred_at", "lat", "lon", "description")
DESCRIPTION_MAX = 200  # Incident.description
BLOCK_MAX = 200  # Incident.block
CODE_MAX = 32  # Incident.offense_code


@dataclass(frozen=True)
class Format:
    name: str
    columns: dict[str, str]  # field -> CSV header
    date_format: str | None  # strptime format; None means ISO 8601


SACRAMENTO = Format(
    "sacramento",
    {"occurred_at": "cdatetime", "lat": "latitude", "lon": "longitude",
     "description": "crimedescr", "offense_code": "ucr_ncic_code", "block": "address"},
    "%m/%d/%y %H:%M",
)
GENERIC = Format("generic", {name: name for name in FIELDS}, None)
FORMATS = {f.name: f for f in (SACRAMENTO, GENERIC)}


@dataclass(frozen=True)
class Rejected:
    line: int  # the physical line of the CSV file where the row starts; the header is 1
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Rows:
    """The rows that passed every check, column by column, and the ones that did not."""

    keys: list[str] = field(default_factory=list)
    utc_seconds: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    days: np.ndarray = field(default_factory=lambda: np.empty(0, dtype="datetime64[D]"))
    lats: np.ndarray = field(default_factory=lambda: np.empty(0))
    lons: np.ndarray = field(default_factory=lambda: np.empty(0))
    codes: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def column_map(format_name: str, columns: str | None) -> Format:
    """The format with `--columns` applied: 'occurred_at=Date,lat=Y,lon=X,...'."""
    base = FORMATS.get(format_name)
    if base is None:
        raise Invalid(_("Unknown format %(name)r: use one of %(known)s.")
                      % {"name": format_name, "known": ", ".join(FORMATS)},
                      {"format": [_("Unknown format.")]})
    mapping = dict(base.columns)
    problems: list[str] = []
    for part in (columns or "").split(","):
        if not part.strip():
            continue
        name, sep, header = part.partition("=")
        name, header = name.strip(), header.strip()
        if not sep or not header:
            problems.append(_("%(part)r is not FIELD=COLUMN") % {"part": part.strip()})
        elif name not in FIELDS:
            problems.append(_("unknown field %(name)r (the fields are %(fields)s)")
                            % {"name": name, "fields": ", ".join(FIELDS)})
        else:
            mapping[name] = header
    if problems:
        raise Invalid(_("The column map is not valid."), {"columns": problems})
    return Format(base.name, mapping, base.date_format)


def read(path: Path, fmt: Format, date_format: str | None, time_zone: str,
         explicit: Iterable[str] = ()) -> Rows:
    """Read and check every row; raise Invalid if the file as a whole cannot be used.

    `explicit` names the fields the caller mapped by hand: a missing column for one of
    those is an error even when the field is optional.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header, good, lines, rejected = _records(handle)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise Invalid(_("The file %(path)s cannot be read as a UTF-8 CSV file.")
                      % {"path": path}, {"file": [str(exc)]}) from exc
    at = _column_indexes(header, fmt, set(explicit))
    cells = list(zip(*good, strict=True)) if good else [()] * len(header)

    def column(name: str) -> Sequence[str]:
        index = at.get(name)
        return cells[index] if index is not None else [""] * len(good)

    zone = _zone(time_zone)
    problems: dict[int, list[str]] = {}
    utc, days = _dates(column("occurred_at"), date_format or fmt.date_format, zone, problems)
    lats, lons = _coordinates(column("lat"), column("lon"), problems)
    descriptions = _texts(column("description"), _offense_text, problems)
    codes = _texts(column("offense_code"), _code_text, problems)
    blocks = _texts(column("block"), _block_text, problems)

    for index in sorted(problems):
        rejected.append(Rejected(lines[index], "; ".join(problems[index])))
    rejected.sort(key=lambda row: row.line)
    keep = np.ones(len(good), dtype=bool)
    keep[list(problems)] = False
    kept = np.flatnonzero(keep).tolist()
    raw = column("occurred_at")
    rows = Rows(
        utc_seconds=utc[keep], days=days[keep], lats=lats[keep], lons=lons[keep],
        codes=[codes[i] for i in kept], descriptions=[descriptions[i] for i in kept],
        blocks=[blocks[i] for i in kept], rejected=rejected,
    )
    rows.keys = _keys([raw[i].strip() for i in kept], [column("lat")[i].strip() for i in kept],
                      [column("lon")[i].strip() for i in kept], rows.codes,
                      rows.descriptions, rows.blocks)
    return rows


def publish_block(address: str) -> str:
    """The location no finer than its block: '3108 OCCIDENTAL DR' -> '3100 block of
    OCCIDENTAL DR'; an intersection ('A ST / B ST') or a street without a number stays."""
    text = " ".join(address.split())
    if " / " in text:
        return text
    found = _HOUSE_NUMBER.match(text)
    if found is None:
        return text
    number = int(found.group(1))
    return f"{number - number % 100} block of {found.group(2)}"


# "3108 OCCIDENTAL DR", "4800N KOKOMO DR", "2400 1/2 J ST"; not "21ST AVE".
_HOUSE_NUMBER = re.compile(r"^(\d+)[A-Za-z]?(?:\s+\d+/\d+)?\s+(\S.*)$")


# --- the file ------------------------------------------------------------------------------
def _records(handle: io.TextIOBase) -> tuple[list[str], list[list[str]], list[int],
                                             list[Rejected]]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise csv.Error(_("the file is empty, without even a header row"))
    header = [name.strip().lower() for name in header]
    width = len(header)
    good: list[list[str]] = []
    lines: list[int] = []
    rejected: list[Rejected] = []
    previous_end = reader.line_num
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if len(record) == width:
            good.append(record)
            lines.append(start)
        elif record:  # a blank line is not a row
            rejected.append(Rejected(start, ngettext(
                "%(count)s column where the header has %(width)s",
                "%(count)s columns where the header has %(width)s", len(record))
                % {"count": len(record), "width": width}))
    return header, good, lines, rejected


def _column_indexes(header: list[str], fmt: Format, explicit: set[str]) -> dict[str, int]:
    at: dict[str, int] = {}
    missing: list[str] = []
    for name, column in fmt.columns.items():
        wanted = column.strip().lower()
        if wanted in header:
            at[name] = header.index(wanted)
        elif name in REQUIRED or name in explicit:
            missing.append(_('%(field)s: no column "%(column)s"')
                           % {"field": name, "column": column})
    if missing:
        raise Invalid(_("The file lacks columns the import needs (its columns: %(header)s).")
                      % {"header": ", ".join(header)}, {"columns": missing})
    return at


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(_("The city's time zone %(zone)r is unknown.") % {"zone": name},
                      {"time_zone": [str(exc)]}) from exc


# --- the columns ---------------------------------------------------------------------------
def _dates(raw: Sequence[str], date_format: str | None, zone: zoneinfo.ZoneInfo,
           problems: dict[int, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """UTC seconds since the epoch, and the local date, per row."""
    local = _iso_fast(raw) if date_format is None else None
    if local is not None:
        utc = _local_to_utc(local, zone)
        days = local.astype("datetime64[D]")
        bad = np.isnat(local)
    else:
        utc, days, bad = _dates_by_value(raw, date_format, zone)
    shown = date_format or "ISO 8601 (YYYY-MM-DD HH:MM)"
    for index in np.flatnonzero(bad).tolist():
        text = raw[index].strip()
        problems.setdefault(index, []).append(
            _("no date") if not text else
            _("the date %(text)r is not %(format)s") % {"text": text, "format": shown})
    return utc.astype("datetime64[s]").astype(np.int64), days


def _iso_fast(raw: Sequence[str]) -> np.ndarray | None:
    """Naive ISO 8601 date-times parsed by numpy in one call, or None to go value by value
    (an offset or 'Z' in the text, or a value numpy cannot read)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return np.array([text.strip() for text in raw], dtype="datetime64[s]")
    except (ValueError, UserWarning, DeprecationWarning):
        return None


def _local_to_utc(local: np.ndarray, zone: zoneinfo.ZoneInfo) -> np.ndarray:
    """Local wall-clock times -> UTC, with the zone asked once per distinct hour.

    An hour whose offset is not the same at its start and at its last minute holds a
    change of offset; its times are converted one by one. Ambiguous and skipped wall
    times take the offset from before the change (fold=0), as Python does.
    """
    result = np.full(len(local), np.datetime64("NaT"), dtype="datetime64[s]")
    valid = ~np.isnat(local)
    if not valid.any():
        return result
    hours, inverse = np.unique(local[valid].astype("datetime64[h]"), return_inverse=True)
    offsets = np.empty(len(hours), dtype="timedelta64[s]")
    changing = np.zeros(len(hours), dtype=bool)
    for i, hour in enumerate(hours.tolist()):
        first = zone.utcoffset(hour)
        last = zone.utcoffset(hour + dt.timedelta(minutes=59, seconds=59))
        offsets[i] = np.timedelta64(int(first.total_seconds()), "s")
        changing[i] = first != last
    converted = local[valid] - offsets[inverse]
    for j in np.flatnonzero(changing[inverse]).tolist():
        wall = local[valid][j].item()
        converted[j] = np.datetime64(wall.replace(tzinfo=zone).astimezone(dt.UTC)
                                     .replace(tzinfo=None), "s")
    result[valid] = converted
    return result


def _dates_by_value(raw: Sequence[str], date_format: str | None, zone: zoneinfo.ZoneInfo,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    parsed: dict[str, tuple[int, int] | None] = {}
    epoch_day = dt.date(1970, 1, 1)
    for text in set(raw):
        try:
            value = text.strip()
            # Naive on purpose: a time without an offset is the city's, applied below.
            moment = (dt.datetime.strptime(value, date_format)  # noqa: DTZ007
                      if date_format
                      else dt.datetime.fromisoformat(value))
        except ValueError:
            parsed[text] = None
            continue
        aware = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
        parsed[text] = (int(aware.timestamp()),
                        (aware.astimezone(zone).date() - epoch_day).days)
    values = [parsed[text] for text in raw]
    bad = np.array([value is None for value in values], dtype=bool)
    seconds = np.array([value[0] if value else 0 for value in values], dtype=np.int64)
    days = np.array([value[1] if value else 0 for value in values], dtype="datetime64[D]")
    return seconds.astype("datetime64[s]"), days, bad


def _coordinates(lat_raw: Sequence[str], lon_raw: Sequence[str],
                 problems: dict[int, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    lats, bad_lat = _floats(lat_raw)
    lons, bad_lon = _floats(lon_raw)
    with np.errstate(invalid="ignore"):
        impossible = ~(np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90)
                       & (np.abs(lons) <= 180))
    for index in np.flatnonzero(bad_lat | bad_lon | impossible).tolist():
        lat, lon = lat_raw[index].strip(), lon_raw[index].strip()
        if not lat or not lon:
            reason = _("no coordinates")
        elif bad_lat[index] or bad_lon[index]:
            reason = _("the coordinates are not numbers (latitude %(lat)r, longitude %(lon)r)")
        else:
            reason = _("impossible coordinates (latitude %(lat)s, longitude %(lon)s)")
        problems.setdefault(index, []).append(reason % {"lat": lat, "lon": lon})
    return lats, lons


def _floats(raw: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Numbers and a mask of the texts that are not plain decimal numbers."""
    try:
        values = np.array(raw, dtype=np.str_).astype(np.float64)
        if not any("_" in text for text in set(raw)):  # float() accepts "1_0"; the DB not
            return values, np.zeros(len(raw), dtype=bool)
    except ValueError:
        pass
    values = np.full(len(raw), np.nan)
    bad = np.zeros(len(raw), dtype=bool)
    for index, text in enumerate(raw):
        try:
            if "_" in text:
                raise ValueError(text)
            values[index] = float(text)
        except ValueError:
            bad[index] = True
    return values, bad


def _texts(raw: Sequence[str], check: _Check, problems: dict[int, list[str]]) -> list[str]:
    """Each distinct text checked and normalised once."""
    done: dict[str, tuple[str, str | None]] = {text: check(text) for text in set(raw)}
    result = []
    for index, text in enumerate(raw):
        value, problem = done[text]
        if problem is not None:
            problems.setdefault(index, []).append(problem)
        result.append(value)
    return result


def _offense_text(text: str) -> tuple[str, str | None]:
    value = " ".join(text.split())
    if not value:
        return value, _("no offense description")
    if len(value) > DESCRIPTION_MAX:
        return value, _("the offense description is longer than %(max)s characters") % {
            "max": DESCRIPTION_MAX}
    return value, None


def _code_text(text: str) -> tuple[str, str | None]:
    value = " ".join(text.split())
    if len(value) > CODE_MAX:
        return value, _("the offense code is longer than %(max)s characters") % {
            "max": CODE_MAX}
    return value, None


def _block_text(text: str) -> tuple[str, str | None]:
    value = publish_block(text)
    if len(value) > BLOCK_MAX:
        return value, _("the location is longer than %(max)s characters") % {
            "max": BLOCK_MAX}
    return value, None


def _keys(*columns: list[str]) -> list[str]:
    """A digest of each normalised row. The n-th copy of a row that appears several times
    in a file gets n in its digest: both incidents are kept, and importing the file again
    finds each of them."""
    seen: dict[str, int] = {}
    keys = []
    blake2b = hashlib.blake2b
    for cells in zip(*columns, strict=True):
        text = "\x1f".join(cells)
        copies = seen.get(text, 0)
        seen[text] = copies + 1
        if copies:
            text = f"{text}\x1f{copies}"
        keys.append(blake2b(text.encode(), digest_size=20).hexdigest())
    return keys
