"""The agency's audit log: each staff action leaves exactly one entry, with the expected
action name, scoped to the agency; its admins (and operators) read and export it; it stays
append-only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import as_user
from townsquare.core.models import AuditLog

AGENCY = "/agencies/testville-police"


def _new_entries(before: int) -> list[tuple[str, str]]:
    return [(e.action, e.actor_label) for e in
            AuditLog.objects.filter(pk__gt=before).order_by("pk")]


def _last() -> int:
    last = AuditLog.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_each_staff_action_leaves_exactly_one_entry(media, city, police, agency_roles):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.agencies.test_images import jpeg_with_gps

    admin = as_user(agency_roles["admin"])
    publisher = as_user(agency_roles["publisher"])
    tips = as_user(agency_roles["tips"])
    pub, adm, tip = (agency_roles[r].email for r in ("publisher", "admin", "tips"))
    soon = (timezone.now() + dt.timedelta(hours=2)).isoformat()

    def step(label, call, action, actor):
        before = _last()
        response = call()
        assert response.status_code < 300, (label, response.content)
        assert _new_entries(before) == [(action, actor)], label
        return response

    post_id = step("publish", lambda: publisher.post(f"{AGENCY}/posts", {
        "kind": "alert", "title": "T", "body": "B", "neighborhoods": ["alder"]}),
        "agencies.post_published", pub).json()["id"]
    step("schedule", lambda: publisher.post(f"{AGENCY}/posts", {
        "kind": "news", "title": "T", "body": "B", "publish_at": soon}),
        "agencies.post_scheduled", pub)
    step("edit", lambda: publisher.patch(f"{AGENCY}/posts/{post_id}", {"title": "T2"}),
         "agencies.post_edited", pub)
    step("image", lambda: publisher.client.post(
        f"/api/v1{AGENCY}/posts/{post_id}/images",
        data={"image": SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg")},
        headers=publisher.headers), "agencies.image_attached", pub)
    reply = as_user(agency_roles["resident_in"]).post(f"/agency-posts/{post_id}/replies",
                                                      {"body": "hello"}).json()
    step("read replies", lambda: tips.get(f"/agency-posts/{post_id}/replies"),
         "agencies.replies_read", tip)
    step("hide reply", lambda: tips.post(f"/agency-posts/{post_id}/replies/{reply['id']}/hide"),
         "agencies.reply_hidden", tip)
    step("withdraw", lambda: publisher.post(f"{AGENCY}/posts/{post_id}/withdraw"),
         "agencies.post_withdrawn", pub)
    staff_id = step("add staff", lambda: admin.post(f"{AGENCY}/staff", {
        "email": "new.officer@police.testville.gov", "role": "tips"}),
        "agencies.staff_added", adm).json()["id"]
    step("change role", lambda: admin.patch(f"{AGENCY}/staff/{staff_id}", {"role": "publisher"}),
         "agencies.staff_role_changed", adm)
    step("remove staff", lambda: admin.delete(f"{AGENCY}/staff/{staff_id}"),
         "agencies.staff_removed", adm)
    step("export csv", lambda: admin.get(f"{AGENCY}/export.csv"), "agencies.export", adm)
    step("export json", lambda: admin.get(f"{AGENCY}/export.json"), "agencies.export", adm)
    step("export audit", lambda: admin.get(f"{AGENCY}/audit.csv"),
         "agencies.audit_exported", adm)
    # Reading is not acting: these leave no entry.
    for path in (f"{AGENCY}/posts", f"{AGENCY}/posts/{post_id}", f"{AGENCY}/audit",
                 f"{AGENCY}/posts/{post_id}/reach", f"/agency-posts/{post_id}", "/inbox",
                 "/feed", f"{AGENCY}/staff"):
        before = _last()
        assert admin.get(path).status_code == 200, path
        assert _new_entries(before) == [], path


def test_the_agency_admin_reads_its_own_log_only(police, water, agency_roles):
    publish(agency_roles["publisher"], police)
    publish(agency_roles["other_staff"], water)

    items = as_user(agency_roles["admin"]).get(f"{AGENCY}/audit").json()["items"]

    assert [i["action"] for i in items] == [
        "agencies.post_published", "agencies.staff_added", "agencies.staff_added",
        "agencies.staff_added", "agencies.create"]
    assert items[0]["actor"] == agency_roles["publisher"].email
    assert items[0]["data"]["neighborhoods"] == 9
    assert items[-1]["actor"] == "system"


def test_the_audit_log_pages_newest_first(police, agency_roles):
    for _ in range(4):
        publish(agency_roles["publisher"], police)
    client = as_user(agency_roles["admin"])

    first = client.get(f"{AGENCY}/audit", limit=3).json()
    second = client.get(f"{AGENCY}/audit", limit=3, cursor=first["next"]).json()
    third = client.get(f"{AGENCY}/audit", limit=3, cursor=second["next"]).json()

    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 8 and third["next"] is None


def test_the_csv_of_the_audit_log_includes_its_own_download(police, agency_roles):
    publish(agency_roles["publisher"], police)

    response = as_user(agency_roles["operator"]).get(f"{AGENCY}/audit.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["action"] for r in rows][:2] == ["agencies.audit_exported",
                                               "agencies.post_published"]
    assert len(rows) == 6
    assert rows[0]["actor"] == agency_roles["operator"].email


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("operator", 200), ("publisher", 403), ("tips", 403),
    ("other_staff", 403), ("resident_in", 403)])
def test_who_reads_the_audit_log(police, agency_roles, role, status):
    assert as_user(agency_roles[role]).get(f"{AGENCY}/audit").status_code == status


def test_the_log_stays_append_only(police, agency_roles):
    publish(agency_roles["publisher"], police)
    entry = AuditLog.objects.filter(agency_id=police.pk).first()

    with pytest.raises(TypeError):
        AuditLog.objects.filter(agency_id=police.pk).update(agency_id=None)
    with pytest.raises(TypeError):
        AuditLog.objects.filter(agency_id=police.pk).delete()
    with pytest.raises(TypeError):
        entry.save()


def test_resident_actions_are_not_in_the_agency_log(city, police, agency_roles):
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder"])
    before = AuditLog.objects.filter(agency_id=police.pk).count()

    client = as_user(agency_roles["resident_in"])
    client.get(f"/agency-posts/{post.pk}")
    client.post(f"/agency-posts/{post.pk}/replies", {"body": "hi"})
    client.post(f"/agency-posts/{post.pk}/thanks")
    factories.make_post(agency_roles["resident_in"], body="my own post")

    assert AuditLog.objects.filter(agency_id=police.pk).count() == before
