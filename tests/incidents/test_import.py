"""`townsquare import_incidents` on small files in Testville (a 3 x 3 grid of neighborhoods):
placement, categories, local dates, blocks, keys, bad rows by line, whole-file errors and
the all-or-nothing transaction."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from tests import factories
from townsquare.core.models import AuditLog
from townsquare.incidents.actions import import_incidents, publish_block
from townsquare.incidents.models import DailyCount, Incident
from townsquare.places.models import City

HEADER = "cdatetime,address,district,beat,grid,crimedescr,ucr_ncic_code,latitude,longitude\n"
ALDER = "38.595,-121.495"  # the middle of Alder (north-west square)
BIRCH = "38.595,-121.485"
FAR = "38.700,-121.600"  # outside every neighborhood
UTC = dt.UTC


def run(path: Path, *args: str, city: str = "testville") -> str:
    out = StringIO()
    call_command("import_incidents", str(path), "--city", city, *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str, name: str = "incidents.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> tuple[list[tuple], list[tuple]]:
    return (list(Incident.objects.order_by("id").values_list()),
            list(DailyCount.objects.order_by("id").values_list()))


SACRAMENTO_ROWS = (
    HEADER
    + f"1/1/06 0:00,3108 OCCIDENTAL DR,3,3C        ,1115,10851(A)VC TAKE VEH W/O OWNER,2404,{ALDER}\n"  # noqa: E501
    + f"1/1/06 23:30,2082  EXPEDITION WAY,5,5A,1512,459 PC  BURGLARY RESIDENCE,2204,{BIRCH}\n"
    + f"1/2/06 8:15,FLORIN RD / 24TH ST,5,,1512,594(B)(2)(A) VANDALISM/ -$400,2999,{ALDER}\n"
    + f"1/3/06 9:00,22 BECKFORD CT,6,6C,1443,TOWED/STORED VEHICLE,7000,{FAR}\n"
    + f"13/45/06 9:00,22 BECKFORD CT,6,6C,1443,TOWED/STORED VEHICLE,7000,{ALDER}\n"  # line 6
    + "1/4/06 9:00,22 BECKFORD CT,6,6C,1443,TOWED/STORED VEHICLE,7000,,\n"  # line 7
    + "1/4/06 9:00,22 BECKFORD CT,6,6C,1443,TOWED/STORED VEHICLE,7000,95.1,-121.4\n"
    + f"1/4/06 9:00,22 BECKFORD CT,6,6C,1443,   ,7000,{ALDER}\n"  # line 9
    + "1/4/06 9:00,22 BECKFORD CT,6,6C,1443,TOWED/STORED VEHICLE,7000\n"  # line 10
    + f"1/4/06 9:00,22 BECKFORD CT,6,6C,1443,TOWED/STORED VEHICLE,7000,north,{ALDER[7:]}\n"
)


def test_a_sacramento_file_is_placed_categorised_and_bad_rows_reported(city, tmp_path):
    path = write(tmp_path, SACRAMENTO_ROWS)

    output = run(path)

    assert output.splitlines() == [
        "imported 3, unchanged 0, outside 1, rejected 6",
        "  line 6: the date '13/45/06 9:00' is not %m/%d/%y %H:%M",
        "  line 7: no coordinates",
        "  line 8: impossible coordinates (latitude 95.1, longitude -121.4)",
        "  line 9: no offense description",
        "  line 10: 7 columns where the header has 9",
        "  line 11: the coordinates are not numbers (latitude 'north', longitude "
        "'-121.495')",
    ]
    rows = list(Incident.objects.order_by("occurred_at").values_list(
        "neighborhood__name", "occurred_at", "occurred_on", "offense_code", "description",
        "category", "block", "lat", "lon", "source"))
    assert rows == [
        ("Alder", dt.datetime(2006, 1, 1, 8, 0, tzinfo=UTC), dt.date(2006, 1, 1), "2404",
         "10851(A)VC TAKE VEH W/O OWNER", "vehicle", "3100 block of OCCIDENTAL DR",
         38.595, -121.495, "sacramento"),
        # 23:30 in Sacramento on January 1st is 07:30 UTC on the 2nd: the day stays local.
        ("Birch", dt.datetime(2006, 1, 2, 7, 30, tzinfo=UTC), dt.date(2006, 1, 1), "2204",
         "459 PC BURGLARY RESIDENCE", "burglary", "2000 block of EXPEDITION WAY",
         38.595, -121.485, "sacramento"),
        ("Alder", dt.datetime(2006, 1, 2, 16, 15, tzinfo=UTC), dt.date(2006, 1, 2), "2999",
         "594(B)(2)(A) VANDALISM/ -$400", "vandalism", "FLORIN RD / 24TH ST",
         38.595, -121.495, "sacramento"),
    ]
    assert sorted(DailyCount.objects.values_list("neighborhood__name", "category", "day",
                                                 "count")) == [
        ("Alder", "vandalism", dt.date(2006, 1, 2), 1),
        ("Alder", "vehicle", dt.date(2006, 1, 1), 1),
        ("Birch", "burglary", dt.date(2006, 1, 1), 1),
    ]


def test_importing_the_same_file_again_changes_nothing(city, tmp_path):
    path = write(tmp_path, SACRAMENTO_ROWS)
    run(path)
    before = snapshot()

    output = run(path)

    assert output.splitlines()[0] == "imported 0, unchanged 3, outside 1, rejected 6"
    assert snapshot() == before
    # The audit log records the import that changed something, not the one that did not.
    assert list(AuditLog.objects.filter(action="incidents.import").values_list(
        "data", flat=True)) == [{"file": "incidents.csv", "imported": 3, "unchanged": 0,
                                 "outside": 1, "rejected": 6}]


def test_a_grown_file_adds_only_its_new_rows_and_recounts_their_days(city, tmp_path):
    first = HEADER + f"1/1/06 0:00,3108 OCCIDENTAL DR,3,3C,1115,459 PC BURGLARY RESIDENCE,2204,{ALDER}\n"  # noqa: E501
    run(write(tmp_path, first))
    grown = first + f"1/1/06 5:00,12 ELM ST,3,3C,1115,459 PC BURGLARY RESIDENCE,2204,{ALDER}\n"

    assert run(write(tmp_path, grown)).strip() == "imported 1, unchanged 1, outside 0, rejected 0"
    assert list(DailyCount.objects.values_list("category", "day", "count")) == [
        ("burglary", dt.date(2006, 1, 1), 2)]


def test_identical_rows_are_two_incidents_and_stay_two(city, tmp_path):
    row = f"1/5/06 14:00,1200 J ST,3,3C,1115,TOWED/STORED VEHICLE,7000,{ALDER}\n"
    path = write(tmp_path, HEADER + row + row)

    assert run(path).strip() == "imported 2, unchanged 0, outside 0, rejected 0"
    assert run(path).strip() == "imported 0, unchanged 2, outside 0, rejected 0"
    assert Incident.objects.count() == 2
    assert list(DailyCount.objects.values_list("category", "count")) == [("informational", 2)]


def test_line_numbers_are_physical_lines_of_the_file(city, tmp_path):
    text = (HEADER
            + f'1/5/06 14:00,"1200 J ST\nREAR",3,3C,1115,TOWED/STORED VEHICLE,7000,{ALDER}\n'
            + "\n"
            + f"1/5/06 14:00,1200 J ST,3,3C,1115,,7000,{ALDER}\n")
    output = run(write(tmp_path, text))

    assert output.splitlines() == ["imported 1, unchanged 0, outside 0, rejected 1",
                                   "  line 5: no offense description"]
    assert Incident.objects.get().block == "1200 block of J ST REAR"


def test_a_generic_file_with_a_column_map_and_a_date_format(city, tmp_path):
    text = ("Date,Y,X,Offense,Code,Address,Extra\n"
            f"05.01.2006 14:00,{ALDER.split(',')[0]},{ALDER.split(',')[1]},Graffiti on wall,"
            ",510 K ST,x\n"
            f"06.01.2006 01:00,{BIRCH.split(',')[0]},{BIRCH.split(',')[1]},Carjacking,,,y\n")
    path = write(tmp_path, text)
    args = ("--format", "generic", "--columns",
            "occurred_at=Date,lat=Y,lon=X,description=Offense,offense_code=Code,block=Address",
            "--date-format", "%d.%m.%Y %H:%M")

    assert run(path, *args).strip() == "imported 2, unchanged 0, outside 0, rejected 0"
    assert list(Incident.objects.order_by("occurred_at").values_list(
        "occurred_at", "occurred_on", "category", "block", "source")) == [
        (dt.datetime(2006, 1, 5, 22, 0, tzinfo=UTC), dt.date(2006, 1, 5), "vandalism",
         "500 block of K ST", "generic"),
        (dt.datetime(2006, 1, 6, 9, 0, tzinfo=UTC), dt.date(2006, 1, 6), "violent", "",
         "generic"),
    ]
    assert run(path, *args).strip() == "imported 0, unchanged 2, outside 0, rejected 0"


def test_generic_iso_dates_local_or_with_an_offset(city, tmp_path):
    lat, lon = ALDER.split(",")
    text = ("occurred_at,lat,lon,description\n"
            f"2006-07-04T12:00,{lat},{lon},Hit and run\n"  # summer: UTC-7
            f"2006-07-04T12:00:00+00:00,{lat},{lon},Hit and run\n"
            f"2006-07-04 23:59:59Z,{lat},{lon},Hit and run\n"
            f"July 4th,{lat},{lon},Hit and run\n"
            f"now,{lat},{lon},Hit and run\n")
    output = run(write(tmp_path, text), "--format", "generic")

    assert output.splitlines() == [
        "imported 3, unchanged 0, outside 0, rejected 2",
        "  line 5: the date 'July 4th' is not ISO 8601 (YYYY-MM-DD HH:MM)",
        "  line 6: the date 'now' is not ISO 8601 (YYYY-MM-DD HH:MM)"]
    assert list(Incident.objects.order_by("occurred_at").values_list(
        "occurred_at", "occurred_on", "category")) == [
        (dt.datetime(2006, 7, 4, 12, 0, tzinfo=UTC), dt.date(2006, 7, 4), "traffic"),
        (dt.datetime(2006, 7, 4, 19, 0, tzinfo=UTC), dt.date(2006, 7, 4), "traffic"),
        (dt.datetime(2006, 7, 4, 23, 59, 59, tzinfo=UTC), dt.date(2006, 7, 4), "traffic"),
    ]


@pytest.mark.parametrize("local", [
    "2006-04-02T01:59", "2006-04-02T02:30", "2006-04-02T03:00",  # the skipped hour
    "2006-10-29T00:59", "2006-10-29T01:30", "2006-10-29T02:00",  # the repeated hour
])
def test_local_times_around_the_clock_changes_follow_python(city, tmp_path, local):
    lat, lon = ALDER.split(",")
    run(write(tmp_path, f"occurred_at,lat,lon,description\n{local},{lat},{lon},Theft\n"),
        "--format", "generic")
    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    expected = dt.datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(UTC)

    assert Incident.objects.get().occurred_at == expected


@pytest.mark.parametrize(("address", "block"), [
    ("3108 OCCIDENTAL DR", "3100 block of OCCIDENTAL DR"),
    ("22 BECKFORD CT", "0 block of BECKFORD CT"),
    ("4800N KOKOMO DR", "4800 block of KOKOMO DR"),
    ("2400 1/2 J ST", "2400 block of J ST"),
    ("FLORIN RD / 24TH ST", "FLORIN RD / 24TH ST"),
    ("21ST AVE", "21ST AVE"),
    ("  1000   K  ST ", "1000 block of K ST"),
    ("", ""),
])
def test_the_location_is_never_finer_than_the_block(address, block):
    assert publish_block(address) == block


# --- the whole file refused: an error, nothing changed ----------------------------------
def test_an_unknown_city(city, tmp_path):
    with pytest.raises(CommandError, match="No city with the slug 'atlantis'"):
        run(write(tmp_path, SACRAMENTO_ROWS), city="atlantis")
    assert Incident.objects.count() == 0


def test_a_missing_file(city, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nope.csv")


def test_a_file_that_is_not_utf8_text(city, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(HEADER.encode() + b"\xff\xfe\x00garbage\x81\n")

    with pytest.raises(CommandError, match="cannot be read as a UTF-8 CSV file"):
        run(path)
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(("columns", "problem"), [
    ("occurred_at", "'occurred_at' is not FIELD=COLUMN"),
    ("when=Date", "unknown field 'when'"),
    ("lat=", "'lat=' is not FIELD=COLUMN"),
])
def test_a_bad_column_map(city, tmp_path, columns, problem):
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, SACRAMENTO_ROWS), "--format", "generic", "--columns", columns)
    assert "The column map is not valid." in str(error.value)
    assert problem in str(error.value)
    assert Incident.objects.count() == 0


def test_missing_columns_are_named(city, tmp_path):
    path = write(tmp_path, "Date,Y,X\n2006-01-01,38.595,-121.495\n")

    with pytest.raises(CommandError) as error:
        run(path, "--format", "generic", "--columns", "occurred_at=Date,lat=Y,lon=X,block=Addr")
    message = str(error.value)
    assert "The file lacks columns the import needs (its columns: date, y, x)." in message
    assert message.splitlines()[1:] == ['description: no column "description"',
                                        'block: no column "Addr"']
    assert Incident.objects.count() == 0


def test_an_empty_file(city, tmp_path):
    with pytest.raises(CommandError, match="without even a header row"):
        run(write(tmp_path, ""))


def test_a_database_failure_part_way_leaves_everything_as_it_was(city, tmp_path):
    run(write(tmp_path, HEADER + f"1/1/06 0:00,1 A ST,3,3C,1,459 PC BURGLARY RESIDENCE,2204,{ALDER}\n",  # noqa: E501
              "first.csv"))
    before = snapshot()

    def fail_on_the_counts(execute, sql, params, many, context):
        if "INSERT INTO incidents_dailycount" in sql:
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_the_counts):
        with pytest.raises(CommandError, match="disk full.*Nothing was imported"):
            run(write(tmp_path, SACRAMENTO_ROWS))
    assert snapshot() == before
    assert run(write(tmp_path, SACRAMENTO_ROWS)).splitlines()[0] == (
        "imported 3, unchanged 0, outside 1, rejected 6")


def test_the_action_counts_what_it_did(city, tmp_path):
    result = import_incidents(City.objects.get(slug="testville"),
                              write(tmp_path, SACRAMENTO_ROWS))

    assert (result.imported, result.unchanged, result.outside) == (3, 0, 1)
    assert [row.line for row in result.rejected] == [6, 7, 8, 9, 10, 11]
    alder = factories.nbhd(city, "Alder")
    assert Incident.objects.filter(neighborhood=alder).count() == 2


def test_the_cached_city_totals_show_an_import_once_it_commits(city, tmp_path,
                                                              django_capture_on_commit_callbacks):
    from townsquare.incidents import selectors

    january = selectors.Period(dt.date(2006, 1, 1), dt.date(2006, 2, 1))
    alder = city.neighborhoods.get(slug="alder")
    first = HEADER + f"1/1/06 0:00,3108 OCCIDENTAL DR,3,3C,1115,459 PC BURGLARY RESIDENCE,2204,{ALDER}\n"  # noqa: E501
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, first))
    assert selectors.neighborhood_totals(city, january) == {alder.pk: 1}
    grown = first + f"1/3/06 5:00,12 ELM ST,3,3C,1115,459 PC BURGLARY RESIDENCE,2204,{ALDER}\n"

    with django_capture_on_commit_callbacks(execute=False) as pending:
        run(write(tmp_path, grown))
    assert selectors.neighborhood_totals(city, january) == {alder.pk: 1}  # still cached
    for callback in pending:
        callback()

    assert selectors.neighborhood_totals(city, january) == {alder.pk: 2}
