"""A case's tips for the case file: CSV and PDF of every tip with the case number, photos
in the PDF, for the agency's tips staff and admins only, each export audited."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from tests.web.agency_helpers import signed_in
from townsquare.core.errors import Forbidden, Invalid, NotFound
from townsquare.core.models import AuditLog
from townsquare.tips import actions, exports

pytestmark = pytest.mark.django_db

URL = "/agency/testville-police/tips/export"


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 0, 0)).save(out, "PNG")
    out.seek(0)
    return out


@pytest.fixture
def case(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    first = actions.submit_tip(agency=police, body="=cmd|' /C calc'!A0 tags on 5th",
                               photos=[png()], lat=38.5756, lon=-121.4876,
                               client_address="198.51.100.1").tip
    second = actions.submit_tip(agency=police, body="Same tagger on K street",
                                sender_user=users["resident_in"], anonymous=False,
                                client_address="198.51.100.2").tip
    other = actions.submit_tip(agency=police, body="Another case",
                               client_address="198.51.100.3").tip
    for tip in (first, second):
        actions.update_tip(users["tips"], tip, case_number="24-118", tags=["graffiti"])
    actions.update_tip(users["tips"], other, case_number="24-200")
    actions.staff_reply(users["tips"], first, "Thank you, which wall?")
    return {"first": first, "second": second, "users": users, "police": police}


def test_the_csv_has_every_tip_of_the_case_with_its_thread(case):
    response = signed_in(case["users"]["tips"]).get(f"{URL}.csv?case=24-118")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="testville-police-tips-24-118.csv"')
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["tip_id"] for row in rows] == [str(case["first"].pk), str(case["second"].pk)]
    first, second = rows
    # Typed by the public: a spreadsheet must not run it as a formula.
    assert first["body"] == "'=cmd|' /C calc'!A0 tags on 5th"
    assert (first["anonymous"], first["sender_display_name"], first["lat"]) == (
        "yes", "", "38.576")
    assert first["messages"].endswith("agency: Thank you, which wall?")
    assert first["attachments"] == f"tip-{case['first'].pk}-1.png"
    assert (second["anonymous"], second["sender_display_name"],
            second["sender_neighborhood"]) == ("no", "Ina Inside", "Alder")
    entry = AuditLog.objects.get(action="tips.export")
    assert (entry.actor_id, entry.agency_id, entry.data) == (
        case["users"]["tips"].pk, case["police"].pk,
        {"case": "24-118", "format": "csv", "tips": [case["first"].pk, case["second"].pk]})


def test_the_pdf_has_the_case_and_its_photos(case):
    response = signed_in(case["users"]["admin"]).get(f"{URL}.pdf?case=24-118")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="testville-police-tips-24-118.pdf"')
    assert response.content.startswith(b"%PDF-")
    assert response.content.count(b"/Subtype /Image") == 1  # the one photo, embedded
    assert AuditLog.objects.get(action="tips.export").data["format"] == "pdf"


def test_only_the_tips_desk_exports_and_bad_cases_export_nothing(case):
    users, police = case["users"], case["police"]
    with pytest.raises(Forbidden):
        exports.case_csv(users["publisher"], police, "24-118")
    with pytest.raises(NotFound):
        exports.case_csv(users["resident_in"], police, "24-118")
    with pytest.raises(NotFound):
        exports.case_pdf(users["tips"], police, "no-such-case")
    with pytest.raises(Invalid):
        exports.case_csv(users["tips"], police, "  ")
    assert AuditLog.objects.filter(action="tips.export").count() == 0
    assert signed_in(users["tips"]).get(f"{URL}.csv").status_code == 400
