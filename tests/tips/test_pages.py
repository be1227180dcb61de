"""The tips pages as a browser uses them: sending a tip (anonymous or private), the code
shown once and never in a URL, following up by code, and the agency's side (inbox, tip
page, its forms, attachments)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from PIL import Image

from tests.web.agency_helpers import signed_in, text
from townsquare.core.models import AuditLog
from townsquare.tips import actions, selectors
from townsquare.tips.models import Tip, TipAttachment, TipMessage, TipNote

pytestmark = pytest.mark.django_db

SEND = "/agencies/testville-police/tip/"
INBOX = "/agency/testville-police/tips/"


def code_in(response) -> str:
    match = re.search(r'data-tip-code>([^<]+)<', text(response))
    assert match is not None
    return match.group(1).strip()


def png(name: str = "photo.png") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 200, 10)).save(out, "PNG")
    out.seek(0)
    out.name = name
    return out


def test_an_anonymous_visitor_sends_a_tip_and_sees_the_code_once(tips_world):
    client = Client()
    page = client.get(SEND)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    body = text(page)
    assert "Who sees what" in body
    assert 'name="mode"' not in body  # no choice without an account: anonymous
    response = client.post(SEND, {"body": "Tagging behind the school", "where": "5th and K",
                                   "idempotency_key": "k-1"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = code_in(response)
    tip = Tip.objects.get()
    assert (tip.anonymous, tip.sender_id, tip.body) == (
        True, None, "Tagging behind the school\n\nWhere: 5th and K")
    assert selectors.thread_for_code(code).tip.pk == tip.pk
    assert "cannot be shown again" in text(response)
    # The same form sent again (a retry) is the same tip.
    again = client.post(SEND, {"body": "Tagging behind the school", "where": "5th and K",
                               "idempotency_key": "k-1"})
    assert (code_in(again), Tip.objects.count()) == (code, 1)


def test_a_resident_chooses_private_and_the_staff_see_name_and_neighborhood(tips_world):
    users = tips_world["users"]
    client = signed_in(users["resident_in"])
    page = text(client.get(f"{SEND}?post={tips_world['post'].pk}"))
    assert 'name="mode"' in page
    assert "Did you see a grey van?" in page  # the post the tip is about
    response = client.post(SEND, {"mode": "private", "body": "The van was grey, plate 7ABC",
                                  "post": str(tips_world["post"].pk),
                                  "photos": [png("a.png"), png("b.png")]})
    assert response.status_code == 200
    tip = Tip.objects.get()
    assert (tip.anonymous, tip.sender.user_id, tip.agency_post_id) == (
        False, users["resident_in"].pk, tips_world["post"].pk)
    assert TipAttachment.objects.filter(tip=tip).count() == 2
    staff_page = text(signed_in(users["tips"]).get(f"{INBOX}{tip.pk}/"))
    assert "Ina Inside, Alder" in staff_page
    assert "The van was grey, plate 7ABC" in staff_page


def test_a_signed_in_resident_may_stay_anonymous(tips_world):
    client = signed_in(tips_world["users"]["resident_in"])
    client.post(SEND, {"mode": "anonymous", "body": "Someone circles at night"})
    assert Tip.objects.values_list("anonymous", "sender") .get() == (True, None)


def test_an_empty_tip_is_shown_again_with_the_error_and_nothing_is_stored(tips_world):
    response = Client().post(SEND, {"body": "  "})
    assert response.status_code == 400
    body = text(response)
    assert "There is a problem" in body
    assert "<title>Error:" in body
    assert Tip.objects.count() == 0


def test_a_post_of_another_agency_is_refused(tips_world):
    users = tips_world["users"]
    from tests.agencies.factories import publish
    water_post = publish(users["other_staff"], tips_world["water"], kind="advisory",
                         title="Boil water", neighborhoods=["ironwood"])
    response = signed_in(users["resident_in"]).post(
        SEND, {"body": "About the water", "post": str(water_post.pk)})
    assert response.status_code == 400
    assert Tip.objects.count() == 0


def test_an_unknown_agency_has_no_tip_page():
    assert Client().get("/agencies/no-such-agency/tip/").status_code == 404


def test_the_tipster_reads_the_answer_and_writes_back_by_code(tips_world):
    users = tips_world["users"]
    sent = actions.submit_tip(agency=tips_world["police"], body="A car circles at night")
    actions.staff_reply(users["tips"], sent.tip, "Thank you. What color was the car?")
    client = Client()
    page = client.get("/tips/")
    assert page.status_code == 200
    thread = client.post("/tips/", {"code": sent.code})
    assert thread.status_code == 200
    assert "no-store" in thread["Cache-Control"]
    body = text(thread)
    assert "What color was the car?" in body
    assert "A car circles" not in body  # the thread shows the messages, not the tip again
    assert f'type="hidden" name="code" value="{sent.code}"' in body
    reply = client.post("/tips/", {"action": "reply", "code": sent.code, "body": "Dark blue"})
    assert reply.status_code == 200
    assert "Dark blue" in text(reply)
    assert list(TipMessage.objects.values_list("sender", flat=True)) == ["agency", "tipster"]


def test_a_wrong_code_is_an_error_on_the_form():
    response = Client().post("/tips/", {"code": "not-a-real-code"})
    assert response.status_code == 404
    assert "No tip has this code." in text(response)


# --- the agency's side -------------------------------------------------------------------------
def test_the_inbox_lists_filters_and_counts_new_tips(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    first = actions.submit_tip(agency=police, body="Graffiti on the bridge").tip
    actions.submit_tip(agency=police, body="Loud party on Elm")
    actions.update_tip(users["tips"], first, status="reviewing", tags=["graffiti"])
    client = signed_in(users["tips"])
    page = client.get(INBOX)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    body = text(page)
    assert "1 new tip" in body
    assert len(re.findall(r'href="/agency/testville-police/tips/\d+/"', body)) == 2
    filtered = text(client.get(f"{INBOX}?status=reviewing"))
    assert (f"/tips/{first.pk}/" in filtered, filtered.count("Loud party")) == (True, 0)
    assert "Loud party" not in text(client.get(f"{INBOX}?tag=graffiti"))
    assert "Graffiti on the bridge" in text(client.get(f"{INBOX}?q=bridge"))
    assert 'aria-current="page">Tips' in body


def test_the_inbox_pages_with_a_cursor(tips_world):
    police = tips_world["police"]
    for n in range(27):
        # From many places: one client may send only so many tips an hour.
        actions.submit_tip(agency=police, body=f"Tip number {n}",
                           client_address=f"198.51.100.{n}")
    client = signed_in(tips_world["users"]["admin"])
    first = text(client.get(INBOX))
    assert first.count("<tr>") == 26  # a header row and 25 tips
    cursor = re.search(r'href="\?([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = text(client.get(f"{INBOX}?{cursor}"))
    assert second.count("<tr>") == 3


def test_the_staff_answer_triage_note_and_hide_a_tip(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    tip = actions.submit_tip(agency=police, body="Tagging every Friday").tip
    client = signed_in(users["tips"])
    url = f"{INBOX}{tip.pk}/"
    assert client.post(url, {"action": "reply", "body": "Thanks, we are on it"}).status_code == 302
    assert client.post(url, {"action": "triage", "status": "actionable", "case_number": "24-118",
                             "assignee": users["tips"].email,
                             "tags": "graffiti, friday"}).status_code == 302
    assert client.post(url, {"action": "note", "body": "Matches case 24-118"}).status_code == 302
    tip.refresh_from_db()
    assert (tip.status, tip.case_number, tip.assignee.user_id, tip.tags) == (
        "actionable", "24-118", users["tips"].pk, ["graffiti", "friday"])
    assert TipNote.objects.get().body == "Matches case 24-118"
    assert tip.first_response_hour is not None
    page = text(client.get(url))
    assert ("Thanks, we are on it" in page, "Matches case 24-118" in page) == (True, True)
    assert client.post(url, {"action": "hide", "reason": "abuse"}).status_code == 302
    tip.refresh_from_db()
    assert (tip.hidden, tip.hidden_reason) == (True, "abuse")
    assert client.post(url, {"action": "unhide"}).status_code == 302
    tip.refresh_from_db()
    assert tip.hidden is False
    views = AuditLog.objects.filter(action="tip.view", target_id=str(tip.pk)).count()
    assert views == 6  # five POSTs and one GET: every view of the tip is in the audit log


def test_an_empty_reply_is_an_error_on_its_form(tips_world):
    tip = actions.submit_tip(agency=tips_world["police"], body="Tagging").tip
    response = signed_in(tips_world["users"]["tips"]).post(
        f"{INBOX}{tip.pk}/", {"action": "reply", "body": ""})
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert TipMessage.objects.count() == 0


def test_merge_and_forward_from_the_tip_page(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    keep = actions.submit_tip(agency=police, body="Blue car on Elm").tip
    duplicate = actions.submit_tip(agency=police, body="Blue car on Elm again").tip
    client = signed_in(users["admin"])
    assert client.post(f"{INBOX}{duplicate.pk}/",
                       {"action": "merge", "into": str(keep.pk)}).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk
    assert client.post(f"{INBOX}{keep.pk}/", {"action": "forward",
                                              "to_agency": "testville-water"}).status_code == 302
    copy = Tip.objects.get(agency=tips_world["water"])
    assert (copy.forwarded_from_id, copy.body, copy.sender_id) == (keep.pk, keep.body, None)


def test_an_attachment_opens_for_the_tips_staff_only_and_is_never_cached(tips_world):
    users = tips_world["users"]
    tip = actions.submit_tip(agency=tips_world["police"], body="Photo of the tag",
                             photos=[png()]).tip
    url = f"{INBOX}{tip.pk}/attachments/1"
    response = signed_in(users["tips"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="tip-{tip.pk}-1.png"'
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).size == (30, 20)
    assert signed_in(users["tips"]).get(f"{INBOX}{tip.pk}/attachments/2").status_code == 404
    assert signed_in(users["publisher"]).get(url).status_code == 403
    assert signed_in(users["resident_in"]).get(url).status_code == 404


def test_the_agency_post_page_offers_a_private_tip(tips_world):
    post = tips_world["post"]
    page = text(signed_in(tips_world["users"]["resident_in"]).get(f"/agency-posts/{post.pk}/"))
    assert f'href="/agencies/testville-police/tip/?post={post.pk}"' in page
