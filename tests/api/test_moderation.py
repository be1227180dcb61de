"""The moderation queue, hiding and dismissing, for leads and operators."""

from __future__ import annotations

from tests import factories
from tests.api.conftest import as_user, error_of
from townsquare.core.models import AuditLog
from townsquare.posts import actions as posts
from townsquare.posts.models import Report


def test_queue_lists_open_reports_of_the_leads_neighborhood(roles):
    alder_post = factories.make_post(roles["neighbor"], body="Alder post")
    birch_post = factories.make_post(roles["nearby"], body="Birch post")
    reply = posts.create_reply(roles["neighbor"], alder_post, body="a reply")
    first = posts.report_content(roles["lead"], alder_post, reason="spam", note="ads")
    second = posts.report_content(roles["lead"], alder_post, reason="harassment", reply=reply)
    posts.report_content(roles["nearby"], birch_post, reason="spam")

    lead = as_user(roles["lead"]).get("/moderation/reports")
    operator = as_user(roles["operator"]).get("/moderation/reports")

    assert lead.status_code == 200
    items = lead.json()["items"]
    assert [r["id"] for r in items] == [first.pk, second.pk]
    assert {k: items[0][k] for k in ("reason", "note", "resolved_at", "resolution", "reply")} \
        == {"reason": "spam", "note": "ads", "resolved_at": None, "resolution": "",
            "reply": None}
    assert items[0]["post"]["id"] == alder_post.pk
    assert items[1]["reply"]["id"] == reply.pk
    assert len(operator.json()["items"]) == 3


def test_queue_pages(roles, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS, "post": "100/3600"}
    reports = [posts.report_content(roles["lead"], factories.make_post(roles["neighbor"]),
                                    reason="spam").pk for _ in range(5)]
    client = as_user(roles["operator"])

    first = client.get("/moderation/reports", limit=3).json()
    second = client.get("/moderation/reports", limit=3, cursor=first["next"]).json()

    assert [r["id"] for r in first["items"] + second["items"]] == reports
    assert second["next"] is None


def test_hide_and_unhide(roles):
    post = factories.make_post(roles["neighbor"])
    report = posts.report_content(roles["lead"], post, reason="spam")
    lead = as_user(roles["lead"])
    neighbor = as_user(roles["neighbor"])

    hidden = lead.post(f"/posts/{post.pk}/hide", {"note": "spam"})

    assert hidden.status_code == 200
    assert hidden.json()["hidden"] is True
    assert neighbor.get("/feed").json()["items"] == []
    assert neighbor.get(f"/posts/{post.pk}").json()["hidden"] is True  # the author still sees it
    assert as_user(roles["nearby"]).get(f"/posts/{post.pk}").status_code == 404
    report.refresh_from_db()
    assert report.resolution == "hidden"
    assert lead.get("/moderation/reports").json()["items"] == []

    shown = lead.post(f"/posts/{post.pk}/unhide")

    assert shown.status_code == 200
    assert shown.json()["hidden"] is False
    assert [p["id"] for p in neighbor.get("/feed").json()["items"]] == [post.pk]
    assert list(AuditLog.objects.filter(action__startswith="posts.")
                .order_by("id").values_list("action", "data__note")) == [
        ("posts.hide_post", "spam"), ("posts.unhide_post", "")]


def test_unhide_a_visible_post_is_404(roles):
    post = factories.make_post(roles["neighbor"])

    assert as_user(roles["lead"]).post(f"/posts/{post.pk}/unhide").status_code == 404


def test_hide_note_too_long_is_400(roles):
    post = factories.make_post(roles["neighbor"])

    response = as_user(roles["lead"]).post(f"/posts/{post.pk}/hide", {"note": "x" * 501})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["note"]


def test_dismiss_a_report(roles):
    post = factories.make_post(roles["neighbor"])
    report = posts.report_content(roles["lead"], post, reason="other")
    lead = as_user(roles["lead"])

    response = lead.post(f"/reports/{report.pk}/dismiss", {"note": "fine"})

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["resolution"]) == (report.pk, "dismissed")
    assert body["resolved_at"].endswith("+00:00")
    assert Report.objects.get().resolved_by_id == roles["lead"].pk
    assert lead.get(f"/posts/{post.pk}").json()["hidden"] is False
    assert lead.post(f"/reports/{report.pk}/dismiss").status_code == 404  # already closed


def test_dismiss_unknown_report_is_404(roles):
    response = as_user(roles["operator"]).post("/reports/999/dismiss")

    assert response.status_code == 404
    assert error_of(response) == {"error": "not_found", "detail": "No such report."}


def test_lead_cannot_moderate_another_neighborhood(roles):
    post = factories.make_post(roles["nearby"], share_nearby=True)
    report = posts.report_content(roles["neighbor"], post, reason="spam")
    lead = as_user(roles["lead"])

    assert lead.get(f"/posts/{post.pk}").status_code == 200  # shared with Alder: visible
    assert lead.post(f"/posts/{post.pk}/hide").status_code == 404
    assert lead.post(f"/reports/{report.pk}/dismiss").status_code == 404
    assert lead.get("/moderation/reports").json()["items"] == []


def test_control_characters_in_a_note_are_dropped(roles):
    post = factories.make_post(roles["neighbor"])

    response = as_user(roles["lead"]).post(f"/posts/{post.pk}/hide", {"note": "spam\x1b\x07!"})

    assert response.status_code == 200
    assert AuditLog.objects.get(action="posts.hide_post").data["note"] == "spam!"
