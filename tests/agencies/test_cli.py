"""`townsquare create_agency` and `townsquare add_agency_staff`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command

from tests import factories
from tests.cli.conftest import townsquare
from townsquare.accounts.models import User
from townsquare.agencies.models import Agency, AgencyStaff
from townsquare.core.models import AuditLog


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_agency_for_the_whole_city_prints_its_slug(city):
    output = run("create_agency", "--name", "Testville Police Department", "--city",
                 "testville", "--all-neighborhoods", "--kind", "police")

    assert output == "testville-police-department\n"
    agency = Agency.objects.get()
    assert (agency.status, agency.all_neighborhoods, agency.kind, agency.verified_at is not None
            ) == ("approved", True, "police", True)
    assert AuditLog.objects.get(agency_id=agency.pk).action == "agencies.create"


def test_create_agency_with_chosen_neighborhoods(city):
    output = run("create_agency", "--name", "Parks", "--city", "testville",
                 "--neighborhoods", "alder, elm")

    assert output == "parks\n"
    assert sorted(Agency.objects.get().jurisdiction.values_list("slug", flat=True)) == [
        "alder", "elm"]


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "X", "--city", "nowhere", "--all-neighborhoods"],
     "No city with the slug 'nowhere'."),
    (["--name", "X", "--city", "testville", "--neighborhoods", "alder,atlantis"],
     "No neighborhood 'atlantis' in Testville."),
    (["--name", "X", "--city", "testville", "--neighborhoods", ","],
     "Name at least one neighborhood."),
    (["--name", "???", "--city", "testville", "--all-neighborhoods"],
     "The name needs letters or digits."),
])
def test_create_agency_errors_change_nothing(city, args, message):
    with pytest.raises(CommandError) as raised:
        run("create_agency", *args)

    assert str(raised.value) == message
    assert Agency.objects.count() == 0


def test_add_agency_staff_prints_a_one_time_link(city, settings):
    settings.SITE_URL = "https://townsquare.example.org"
    run("create_agency", "--name", "Testville Police", "--city", "testville",
        "--all-neighborhoods")

    output = run("add_agency_staff", "testville-police", "Chief@Police.example.org",
                 "--role", "admin")

    link = output.strip()
    assert output == link + "\n"
    assert link.startswith("https://townsquare.example.org/accounts/set-password/")
    user = User.objects.get(email="chief@police.example.org")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert default_token_generator.check_token(user, token)
    assert AgencyStaff.objects.get(user=user).role == "admin"


def test_add_agency_staff_errors(city):
    run("create_agency", "--name", "Testville Police", "--city", "testville",
        "--all-neighborhoods")
    resident = factories.make_resident(factories.nbhd(city, "Alder"), email="ann@example.org")

    with pytest.raises(CommandError) as no_agency:
        run("add_agency_staff", "nope", "a@example.org", "--role", "admin")
    with pytest.raises(CommandError) as a_resident:
        run("add_agency_staff", "testville-police", resident.email, "--role", "admin")
    with pytest.raises(CommandError) as bad_email:
        run("add_agency_staff", "testville-police", "not-an-email", "--role", "tips")

    assert str(no_agency.value) == "No agency with the slug 'nope'."
    assert str(a_resident.value) == (
        "This email belongs to a resident's account. Staff use a separate work account "
        "(so the agency never sees a resident's own neighborhood).")
    assert str(bad_email.value) == "Enter a valid email address."
    assert AgencyStaff.objects.count() == 0


def test_the_commands_as_a_process_exit_non_zero_on_errors(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    assert townsquare(var_dir, "migrate", "--noinput", "-v", "0").returncode == 0
    geojson = tmp_path / "testville.geojson"
    geojson.write_text(json.dumps(factories.grid_geojson()))
    assert townsquare(var_dir, "import_neighborhoods", str(geojson), "--city",
                      "Testville").returncode == 0

    created = townsquare(var_dir, "create_agency", "--name", "Testville Police", "--city",
                         "testville", "--neighborhoods", "alder,birch")
    staff = townsquare(var_dir, "add_agency_staff", "testville-police",
                       "officer@police.example.org", "--role", "publisher")
    again = townsquare(var_dir, "add_agency_staff", "testville-police",
                       "officer@police.example.org", "--role", "publisher")
    bad_role = townsquare(var_dir, "add_agency_staff", "testville-police",
                          "x@police.example.org", "--role", "chief")
    neither = townsquare(var_dir, "create_agency", "--name", "X", "--city", "testville")

    assert (created.returncode, created.stdout) == (0, "testville-police\n")
    assert staff.returncode == 0
    assert "/accounts/set-password/" in staff.stdout and staff.stdout.count("\n") == 1
    assert again.returncode == 1
    assert again.stderr == "CommandError: Already on the staff; change the role instead.\n"
    assert bad_role.returncode == 2 and "invalid choice: 'chief'" in bad_role.stderr
    assert neither.returncode == 2
    assert "one of the arguments --all-neighborhoods --neighborhoods is required" in (
        neither.stderr)
