"""Importing household counts: by slug or name, all or nothing, every bad row reported."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from tests.coverage.helpers import import_counts
from townsquare.core.errors import Forbidden, Invalid
from townsquare.core.models import AuditLog
from townsquare.coverage import actions
from townsquare.coverage.actions import BadHouseholdFile
from townsquare.coverage.models import HouseholdCount

pytestmark = pytest.mark.django_db


def counts() -> dict[str, tuple[int, str, dt.date]]:
    return {row.neighborhood.slug: (row.households, row.source, row.as_of)
            for row in HouseholdCount.objects.select_related("neighborhood")}


def test_rows_by_slug_or_name(city):
    result = import_counts(city, "Neighborhood,Households\nalder,120\n  dogWOOD ,0\n\n")

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert counts() == {"alder": (120, "Testville census 2025", dt.date(2025, 4, 1)),
                        "dogwood": (0, "Testville census 2025", dt.date(2025, 4, 1))}
    entry = AuditLog.objects.get(action="coverage.import_households")
    assert entry.actor_label == "system"
    assert entry.data == {"source": "Testville census 2025", "as_of": "2025-04-01",
                          "created": 2, "updated": 0, "unchanged": 0}


def test_a_second_import_updates_and_keeps(city):
    import_counts(city, "neighborhood,households\nalder,120\nbirch,80\n")

    result = import_counts(city, "neighborhood,households\nalder,120\nbirch,81\ncedar,5\n")

    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert {slug: value[0] for slug, value in counts().items()} == {
        "alder": 120, "birch": 81, "cedar": 5}


def test_one_bad_row_refuses_the_whole_file_and_every_problem_is_listed(city):
    import_counts(city, "neighborhood,households\nalder,120\n")
    text = ("neighborhood,households\n"
            "birch,80\n"
            "Atlantis,10\n"
            "birch,81\n"
            "cedar,-3\n"
            "dogwood,1.5\n"
            ",7\n"
            "elm,2000000\n"
            "fir\n")

    with pytest.raises(BadHouseholdFile) as caught:
        import_counts(city, text)

    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (3, "Testville has no neighborhood “Atlantis”."),
        (4, "Birch is already on line 2."),
        (5, "The number of households must be a whole number, 0 or more; got “-3”."),
        (6, "The number of households must be a whole number, 0 or more; got “1.5”."),
        (7, "No neighborhood named."),
        (8, "2000000 households is more than any neighborhood has."),
        (9, "The number of households must be a whole number, 0 or more; got “”."),
    ]
    assert caught.value.fields == {"file": [str(p) for p in caught.value.problems]}
    assert str(caught.value.problems[0]) == "Line 3: Testville has no neighborhood “Atlantis”."
    assert caught.value.detail.startswith("Nothing was imported. Line 3: ")
    assert caught.value.detail.endswith("(and 2 more)")
    # Nothing changed: the earlier import stands, and no audit entry for the refused file.
    assert {slug: value[0] for slug, value in counts().items()} == {"alder": 120}
    assert AuditLog.objects.filter(action="coverage.import_households").count() == 1


@pytest.mark.parametrize(("text", "problem"), [
    ("", (1, "The first line must name the columns neighborhood and households.")),
    ("name,count\nalder,3\n",
     (1, "The first line must name the columns neighborhood and households.")),
    ("neighborhood,households\n", (2, "The file has no rows.")),
])
def test_files_without_the_columns_or_rows(city, text, problem):
    with pytest.raises(BadHouseholdFile) as caught:
        import_counts(city, text)
    assert [(p.line, p.reason) for p in caught.value.problems] == [problem]


def test_a_file_that_is_not_utf8(city):
    with pytest.raises(BadHouseholdFile) as caught:
        actions.import_household_counts(None, city, io.BytesIO(b"neighborhood,households\n"
                                                                b"\xff\xfe,3\n"),
                                        source="x", as_of=dt.date(2025, 1, 1))
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (1, "The file is not UTF-8 text.")]


def test_an_upload_with_a_byte_order_mark(city):
    upload = io.BytesIO("\ufeffneighborhood,households\nHazel,42\n".encode())
    actions.import_household_counts(None, city, upload, source="x", as_of=dt.date(2025, 1, 1))
    assert {slug: value[0] for slug, value in counts().items()} == {"hazel": 42}


def test_the_source_is_required(city):
    with pytest.raises(Invalid) as caught:
        import_counts(city, "neighborhood,households\nalder,1\n", source="  ")
    assert caught.value.fields == {"source": ["Between 1 and 200 characters."]}
    assert counts() == {}


def test_only_operators_import(city):
    resident = factories.make_resident(factories.nbhd(city, "Alder"))
    with pytest.raises(Forbidden):
        actions.import_household_counts(resident, city, io.StringIO(
            "neighborhood,households\nalder,1\n"), source="x", as_of=dt.date(2025, 1, 1))
    operator = factories.make_operator()
    actions.import_household_counts(operator, city, io.StringIO(
        "neighborhood,households\nalder,1\n"), source="x", as_of=dt.date(2025, 1, 1))
    assert AuditLog.objects.get(action="coverage.import_households").actor_id == operator.pk


def test_the_command(city, tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("neighborhood,households\nalder,10\nbirch,20\n")
    out = io.StringIO()

    call_command("import_households", str(path), "--city", "testville", "--source",
                 "Census 2020", "--as-of", "2020-04-01", stdout=out)

    assert out.getvalue() == ("Testville: household counts of 2 neighborhoods "
                              "(2 new, 0 changed, 0 unchanged)\n")
    assert counts()["birch"] == (20, "Census 2020", dt.date(2020, 4, 1))


def test_the_command_lists_every_bad_row(city, tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("neighborhood,households\nalder,x\nnowhere,3\n")

    with pytest.raises(CommandError) as caught:
        call_command("import_households", str(path), "--city", "testville", "--source", "S")

    assert str(caught.value) == (
        f"{path}: nothing imported, 2 bad rows:\n"
        "  Line 2: The number of households must be a whole number, 0 or more; got “x”.\n"
        "  Line 3: Testville has no neighborhood “nowhere”.")
    assert counts() == {}


def test_the_command_refuses_an_unknown_city(db, tmp_path):
    with pytest.raises(CommandError, match="No city with the slug 'nowhere'"):
        call_command("import_households", str(tmp_path / "x.csv"), "--city", "nowhere",
                     "--source", "S")
