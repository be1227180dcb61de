"""Public-records exports: every post and the replies to it, CSV and JSON; repliers as
display name and neighborhood only; each export in the audit log."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import as_user
from townsquare.agencies import actions
from townsquare.core.models import AuditLog


@pytest.fixture
def records(city, police, water, agency_roles):
    first = publish(agency_roles["publisher"], police, title="Grey van", case_number="24-17",
                    neighborhoods=["alder", "elm"])
    second = publish(agency_roles["publisher"], police, kind="alert", title="=HYPERLINK()",
                     body="Storm", practice=True)
    elm = factories.make_resident(factories.nbhd(city, "Elm"), name="Em Elm")
    kept = actions.reply_to_agency_post(agency_roles["resident_in"], first,
                                        body="+1 I saw it")
    gone = actions.reply_to_agency_post(elm, first, body="Deleted later")
    actions.delete_agency_reply(elm, gone)
    other = publish(agency_roles["other_staff"], water, title="Water outage")
    return {"first": first, "second": second, "kept": kept, "other": other}


def test_json_export(records, agency_roles):
    response = as_user(agency_roles["admin"]).get("/agencies/testville-police/export.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="testville-police-records.json"')
    document = json.loads(response.content)
    assert document["agency"] == {"slug": "testville-police", "name": "Testville Police",
                                  "kind": "police"}
    posts = document["posts"]
    assert [(p["id"], p["title"], p["practice"]) for p in posts] == [
        (records["first"].pk, "Grey van", False), (records["second"].pk, "=HYPERLINK()", True)]
    assert posts[0]["neighborhoods"] == ["alder", "elm"]
    assert posts[0]["case_number"] == "24-17" and posts[0]["author"] == "Pat Publisher"
    assert posts[0]["replies"] == [{
        "id": records["kept"].pk, "created_at": records["kept"].created_at.isoformat(),
        "body": "+1 I saw it", "replier": {"display_name": "Ina Inside",
                                           "neighborhood": "Alder"}, "hidden": False}]
    assert posts[1]["replies"] == []
    text = response.content.decode()
    resident = agency_roles["resident_in"].resident
    for private in (agency_roles["resident_in"].email, "Deleted later", "Water outage",
                    repr(resident.home_lat), repr(resident.home_lon)):
        assert private not in text


def test_csv_export(records, agency_roles):
    response = as_user(agency_roles["admin"]).get("/agencies/testville-police/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["record"], r["post_id"], r["reply_id"]) for r in rows] == [
        ("post", str(records["first"].pk), ""),
        ("reply", str(records["first"].pk), str(records["kept"].pk)),
        ("post", str(records["second"].pk), ""),
    ]
    assert rows[0]["neighborhoods"] == "alder; elm" and rows[0]["status"] == "published"
    assert (rows[1]["body"], rows[1]["replier_display_name"], rows[1]["replier_neighborhood"]
            ) == ("'+1 I saw it", "Ina Inside", "Alder")
    # A formula is defused for spreadsheets.
    assert rows[2]["title"] == "'=HYPERLINK()" and rows[2]["practice"] == "yes"


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("operator", 200), ("publisher", 403), ("tips", 403),
    ("other_staff", 403), ("resident_in", 403), ("unverified", 403)])
def test_who_may_export(records, agency_roles, role, status):
    client = as_user(agency_roles[role])
    before = AuditLog.objects.filter(action="agencies.export").count()

    for fmt in ("csv", "json"):
        assert client.get(f"/agencies/testville-police/export.{fmt}").status_code == status

    entries = AuditLog.objects.filter(action="agencies.export").order_by("pk")
    assert entries.count() == before + (2 if status == 200 else 0)
    if status == 200:
        assert [e.data["format"] for e in entries] == ["csv", "json"]
        assert entries.last().data == {"format": "json", "posts": 2, "replies": 1}
