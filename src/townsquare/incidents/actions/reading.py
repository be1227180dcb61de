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
import operator
import re
import warnings
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townsquare.core.errors import Invalid

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
class Table:
    """The file's rows of the right width, as normalised text columns, with their keys.

    Normalised: dates and coordinates stripped, the other texts with their runs of spaces
    collapsed. A row's key digests its normalised fields, so a re-export that pads values
    differently is still the same row.
    """

    columns: dict[str, list[str]]  # every field of FIELDS; "" where the file lacks one
    lines: list[int] | None  # where each row starts; None: row i is on line i + 2
    keys: list[str]
    rejected: list[Rejected]  # rows of the wrong width

    def line(self, row: int) -> int:
        return row + 2 if self.lines is None else self.lines[row]


@dataclass
class Rows:
    """The checked rows that passed every check, column by column, and the ones that did
    not."""

    keys: list[str]
    utc_seconds: np.ndarray  # int64
    days: np.ndarray  # datetime64[D], local
    lats: np.ndarray
    lons: np.ndarray
    codes: list[str]
    descriptions: list[str]
    blocks: list[str]  # as published: never finer than the block
    rejected: list[Rejected]


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


def load(path: Path, fmt: Format, explicit: Iterable[str] = ()) -> Table:
    """Read the file into normalised columns and keys; raise Invalid if the file as a whole
    cannot be used. `explicit` names the fields the caller mapped by hand: a missing column
    for one of those is an error even when the field is optional."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header, good, lines, rejected = _records(handle)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise Invalid(_("The file %(path)s cannot be read as a UTF-8 CSV file.")
                      % {"path": path}, {"file": [str(exc)]}) from exc
    at = _column_indexes(header, fmt, set(explicit))
    cells = list(zip(*good, strict=True)) if good else [()] * len(header)
    columns: dict[str, list[str]] = {}
    for name in FIELDS:
        raw = cells[at[name]] if name in at else [""] * len(good)
        strip_only = name in ("occurred_at", "lat", "lon")
        columns[name] = list(map(str.strip, raw)) if strip_only else _collapse(raw)
    keys = _keys([columns[name] for name in FIELDS])
    return Table(columns, lines, keys, rejected)


def check(table: Table, subset: np.ndarray | None, date_format: str | None,
          time_zone: str) -> Rows:
    """Check the rows `subset` (indexes into the table; None: all) and parse them."""
    if subset is None:
        columns, keys = table.columns, table.keys
        at = None
    else:
        at = subset.tolist()
        columns = {name: take(values, at) for name, values in table.columns.items()}
        keys = take(table.keys, at)
    zone = _zone(time_zone)
    problems: dict[int, list[str]] = {}
    utc, days = _dates(columns["occurred_at"], date_format, zone, problems)
    lats, lons = _coordinates(columns["lat"], columns["lon"], problems)
    descriptions = columns["description"]
    _lengths(descriptions, DESCRIPTION_MAX, problems, empty=_("no offense description"),
             long=_("the offense description is longer than %(max)s characters"))
    codes = columns["offense_code"]
    _lengths(codes, CODE_MAX, problems, empty=None,
             long=_("the offense code is longer than %(max)s characters"))
    blocks = publish_blocks(columns["block"])
    _lengths(blocks, BLOCK_MAX, problems, empty=None,
             long=_("the location is longer than %(max)s characters"))

    rejected = [Rejected(table.line(i if at is None else at[i]), "; ".join(problems[i]))
                for i in sorted(problems)]
    if not problems:
        return Rows(keys, utc, days, lats, lons, codes, descriptions, blocks, rejected)
    keep = np.ones(len(keys), dtype=bool)
    keep[list(problems)] = False
    kept = np.flatnonzero(keep).tolist()
    return Rows(take(keys, kept), utc[keep], days[keep], lats[keep], lons[keep],
                take(codes, kept), take(descriptions, kept), take(blocks, kept), rejected)


def take(values: list[str], at: list[int]) -> list[str]:
    """values[i] for each i in `at`, without a Python loop per row."""
    if len(at) == len(values):  # `at` is ascending and distinct: all of them
        return values
    if len(at) == 1:
        return [values[at[0]]]
    return list(operator.itemgetter(*at)(values)) if at else []


def publish_block(address: str) -> str:
    """The location no finer than its block: '3108 OCCIDENTAL DR' -> '3100 block of
    OCCIDENTAL DR'; an intersection ('A ST / B ST') or a street without a number stays."""
    return publish_blocks(_collapse([address]))[0]


def publish_blocks(addresses: list[str]) -> list[str]:
    """`publish_block` for many addresses whose spaces are already collapsed, by two
    regular-expression passes over all of them at once."""
    if not addresses:
        return []
    text = "\n".join(addresses)
    if text.count("\n") != len(addresses) - 1:
        raise ValueError("addresses must be collapsed to one line each")
    text = _HUNDREDS.sub(r"\g<1>00 block of ", text)
    text = _UNDER_100.sub("0 block of ", text)
    return text.split("\n")


# A house number, with an optional letter ("4800N") or half ("2400 1/2"), then the street;
# not an intersection ("1200 J ST / 5TH ST" names no house) nor "21ST AVE". Coarsening to
# the block replaces the last two digits by 00; a number under 100 is the 0 block.
_NOT_CROSSING = r"(?=\S)(?![^\n]* / )"
_HUNDREDS = re.compile(r"(?m)^0*([1-9]\d*)\d\d[A-Za-z]?(?: \d+/\d+)? " + _NOT_CROSSING)
_UNDER_100 = re.compile(r"(?m)^0*\d{1,2}[A-Za-z]?(?: \d+/\d+)? " + _NOT_CROSSING)
_SPACES = re.compile(r"[^\S\n]+")
_EDGES = re.compile(r"(?m)^ | $")


def _collapse(values: Sequence[str]) -> list[str]:
    """' 459 PC  BURGLARY ' -> '459 PC BURGLARY', for each value."""
    distinct = set(values)
    text = "\n".join(values)
    if len(distinct) * 4 < len(values) or text.count("\n") != max(len(values) - 1, 0):
        done = {value: " ".join(value.split()) for value in distinct}
        return list(map(done.__getitem__, values))
    return _EDGES.sub("", _SPACES.sub(" ", text)).split("\n") if values else []


# --- the file ------------------------------------------------------------------------------
def _records(handle: io.TextIOBase) -> tuple[list[str], list[list[str]], list[int] | None,
                                             list[Rejected]]:
    """The header, the rows of its width, where each starts (None when row i is simply on
    line i + 2) and the rows of another width."""
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise csv.Error(_("the file is empty, without even a header row"))
    header = [name.strip().lower() for name in header]
    width = len(header)
    records = list(reader)
    lines: list[int] | None = None
    if reader.line_num != len(records) + 1:  # a quoted value spans lines: count them
        handle.seek(0)
        reader = csv.reader(handle)
        next(reader)
        lines, records = [], []
        previous_end = reader.line_num
        for record in reader:
            lines.append(previous_end + 1)
            records.append(record)
            previous_end = reader.line_num
    widths = list(map(len, records))
    if widths.count(width) == len(records):
        return header, records, lines, []
    rejected: list[Rejected] = []
    good: list[list[str]] = []
    good_lines: list[int] = []
    for index, record in enumerate(records):
        line = index + 2 if lines is None else lines[index]
        if len(record) == width:
            good.append(record)
            good_lines.append(line)
        elif record:  # a blank line is not a row
            rejected.append(Rejected(line, ngettext(
                "%(count)s column where the header has %(width)s",
                "%(count)s columns where the header has %(width)s", len(record))
                % {"count": len(record), "width": width}))
    return header, good, good_lines, rejected


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
        text = raw[index]
        problems.setdefault(index, []).append(
            _("no date") if not text else
            _("the date %(text)r is not %(format)s") % {"text": text, "format": shown})
    return utc.astype("datetime64[s]").astype(np.int64), days


def _iso_fast(raw: Sequence[str]) -> np.ndarray | None:
    """Naive ISO 8601 date-times parsed by numpy in one call, or None to go value by value
    (an offset or 'Z' in the text, or a value numpy cannot read)."""
    if "now" in raw or "today" in raw:  # numpy reads these as the present moment
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return np.array(raw, dtype="datetime64[s]")
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
            value = text
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
        lat, lon = lat_raw[index], lon_raw[index]
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
        if "_" not in "".join(raw):  # float() reads "1_0"; the database would not
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


def _lengths(values: list[str], most: int, problems: dict[int, list[str]], *,
             empty: str | None, long: str) -> None:
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if empty is not None:
        for index in np.flatnonzero(lengths == 0).tolist():
            problems.setdefault(index, []).append(empty)
    for index in np.flatnonzero(lengths > most).tolist():
        problems.setdefault(index, []).append(long % {"max": most})


def _keys(columns: list[list[str]]) -> list[str]:
    """A digest of each normalised row. The n-th copy of a row that appears several times
    in a file gets n in its digest: both incidents are kept, and importing the file again
    finds each of them."""
    texts = list(map("\x1f".join, zip(*columns, strict=True)))
    if len(set(texts)) != len(texts):
        seen: dict[str, int] = {}
        for index, text in enumerate(texts):
            copies = seen.get(text, 0)
            seen[text] = copies + 1
            if copies:
                texts[index] = f"{text}\x1f{copies}"
    blake2b = hashlib.blake2b
    return [blake2b(text.encode(), digest_size=20).hexdigest() for text in texts]
