"""Tips through the action layer: sending, the two-way thread by code, triage, search,
merging, hiding and forwarding; encryption at rest."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from townsquare.core.errors import Forbidden, Invalid, NotFound, RateLimited, TooLarge
from townsquare.core.models import AuditLog
from townsquare.tips import actions, crypto, selectors
from townsquare.tips.models import Tip, TipAttachment, TipMessage, TipNote, TipSearchToken

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (Tip.objects.count(), TipMessage.objects.count(), TipNote.objects.count(),
            TipAttachment.objects.count(), TipSearchToken.objects.count())


def jpeg(size=(40, 30)) -> io.BytesIO:
    image = Image.new("RGB", size, (200, 10, 10))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    image.save(out, "JPEG", exif=exif)
    data = io.BytesIO(out.getvalue())
    data.size = len(out.getvalue())
    return data


def test_an_anonymous_tip_is_stored_encrypted_and_read_back_by_its_code(tips_world):
    police = tips_world["police"]
    sent = actions.submit_tip(agency=police, body="Tagging behind the school every Friday",
                              lat=38.575678, lon=-121.48765)
    tip = Tip.objects.get()
    assert sent.tip.pk == tip.pk
    assert tip.anonymous is True and tip.sender is None
    assert (tip.lat, tip.lon) == (38.576, -121.488)
    assert tip.created_hour.minute == 0 and tip.created_hour.second == 0
    assert "Tagging" not in tip.body_token
    assert tip.body == "Tagging behind the school every Friday"
    assert len(sent.code) == 34 and sent.code.count("-") == 6
    assert sent.code.replace("-", "") not in tip.code_digest
    assert tip.code_digest == crypto.code_digest(sent.code)

    thread = selectors.thread_for_code(sent.code.lower().replace("-", " "))
    assert thread.tip.pk == tip.pk
    assert (thread.status, thread.messages) == ("new", [])


def test_the_two_way_thread_and_time_to_first_response(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    sent = actions.submit_tip(agency=police, body="A grey van circles at night")
    tip = Tip.objects.get()
    actions.staff_reply(users["tips"], tip, "Thank you. Which street?")
    actions.tipster_reply(sent.code, "Birch Street, near the park")
    thread = selectors.thread_for_code(sent.code)
    assert [(m.sender, m.body) for m in thread.messages] == [
        ("agency", "Thank you. Which street?"), ("tipster", "Birch Street, near the park")]
    tip.refresh_from_db()
    assert tip.hours_to_first_response == 0
    assert [m.body for m in selectors.messages(users["admin"], tip)] == [
        "Thank you. Which street?", "Birch Street, near the park"]


def test_a_signed_in_resident_sends_private_by_default_and_anonymous_by_choice(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    private = actions.submit_tip(agency=police, body="I saw it", sender_user=users["resident_in"])
    anonymous = actions.submit_tip(agency=police, body="I saw it too",
                                   sender_user=users["resident_in"], anonymous=True)
    assert private.tip.anonymous is False
    assert private.tip.sender.user_id == users["resident_in"].pk
    assert selectors.sender_label(private.tip) == {"display_name": "Ina Inside",
                                                   "neighborhood": "Alder"}
    assert anonymous.tip.anonymous is True and anonymous.tip.sender is None
    assert selectors.sender_label(anonymous.tip) is None
    with pytest.raises(Invalid) as error:
        actions.submit_tip(agency=police, body="x", anonymous=False)
    assert list(error.value.fields) == ["anonymous"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"body": ""}, "body"),
    ({"body": "   \x00 "}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"body": "ok", "lat": 91, "lon": 0}, "lat"),
    ({"body": "ok", "lat": 10, "lon": "east"}, "lon"),
    ({"body": "ok", "lat": 10}, "lon"),
    ({"body": "ok", "lat": float("nan"), "lon": 1}, "lat"),
    ({"body": "ok", "agency_post": 999999}, "agency_post_id"),
])
def test_bad_input_stores_nothing(tips_world, kwargs, field):
    before = counts()
    with pytest.raises(Invalid) as error:
        actions.submit_tip(agency=tips_world["police"], **kwargs)
    assert field in error.value.fields
    assert counts() == before


def test_another_agencys_post_is_refused(tips_world, agency_roles):
    from tests.agencies.factories import make_staff, publish

    water_post = publish(make_staff(tips_world["water"], "publisher", "Wes"),
                         tips_world["water"], neighborhoods=["alder"])
    with pytest.raises(Invalid) as error:
        actions.submit_tip(agency=tips_world["police"], body="ok", agency_post=water_post)
    assert list(error.value.fields) == ["agency_post_id"]
    sent = actions.submit_tip(agency=tips_world["police"], body="ok",
                              agency_post=tips_world["post"])
    assert sent.tip.agency_post_id == tips_world["post"].pk


def test_hostile_uploads_store_nothing(tips_world):
    before = counts()
    fake = io.BytesIO(b"MZ not an image at all")
    fake.size = 22
    with pytest.raises(Invalid):
        actions.submit_tip(agency=tips_world["police"], body="photo", photos=[fake])
    bomb = io.BytesIO()
    Image.new("L", (9000, 9000)).save(bomb, "PNG")
    bomb.seek(0)
    bomb.size = len(bomb.getvalue())
    with pytest.raises((Invalid, TooLarge)):
        actions.submit_tip(agency=tips_world["police"], body="photo", photos=[bomb])
    assert counts() == before


def test_photos_lose_their_metadata_and_are_encrypted(tips_world):
    sent = actions.submit_tip(agency=tips_world["police"], body="photo", photos=[jpeg()])
    attachment = TipAttachment.objects.get(tip=sent.tip)
    assert attachment.content_type == "image/jpeg"
    assert b"SecretCam" not in attachment.data
    assert Image.open(io.BytesIO(attachment.data)).size == (40, 30)
    assert "SecretCam" not in attachment.data_token


def test_an_unknown_agency_or_code_is_not_found(tips_world):
    with pytest.raises(NotFound):
        actions.submit_tip(agency=None, body="x")
    with pytest.raises(NotFound):
        selectors.thread_for_code("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    with pytest.raises(NotFound):
        actions.tipster_reply("not a code", "hello")
    assert TipMessage.objects.count() == 0


def test_guessing_codes_is_limited_per_client(tips_world, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "tip_code_miss": "3/3600"}
    sent = actions.submit_tip(agency=tips_world["police"], body="x")
    for _attempt in range(3):
        with pytest.raises(NotFound):
            selectors.thread_for_code("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAB",
                                      client_address="203.0.113.9")
    with pytest.raises(RateLimited):
        selectors.thread_for_code(sent.code, client_address="203.0.113.9")
    assert selectors.thread_for_code(sent.code, client_address="203.0.113.10").tip == sent.tip


def test_flooding_an_agency_is_limited_per_client(tips_world, settings):
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "tip_submit": "2/3600"}
    police = tips_world["police"]
    for _n in range(2):
        actions.submit_tip(agency=police, body="spam", client_address="198.51.100.7")
    with pytest.raises(RateLimited):
        actions.submit_tip(agency=police, body="spam", client_address="198.51.100.7")
    actions.submit_tip(agency=police, body="real", client_address="198.51.100.8")
    assert Tip.objects.count() == 3


def test_a_retried_submission_creates_one_tip_with_the_same_code(tips_world):
    police = tips_world["police"]
    first = actions.submit_tip(agency=police, body="once", idempotency_key="k-1")
    again = actions.submit_tip(agency=police, body="once", idempotency_key="k-1")
    other = actions.submit_tip(agency=police, body="twice", idempotency_key="k-2")
    assert (again.tip.pk, again.code) == (first.tip.pk, first.code)
    assert other.tip.pk != first.tip.pk
    assert Tip.objects.count() == 2


def test_triage_by_tips_staff_and_admins_only(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    tip = actions.submit_tip(agency=police, body="Stolen bikes in a garage").tip
    tip = actions.update_tip(users["tips"], tip, status="reviewing", case_number="C-42",
                             assignee_email="alma.admin@police.testville.gov",
                             tags=["Bikes", "garage"])
    tip.refresh_from_db()
    assert (tip.status, tip.case_number, tip.assignee.user, tip.tags) == (
        "reviewing", "C-42", users["admin"], ["bikes", "garage"])
    with pytest.raises(Invalid) as error:
        actions.update_tip(users["tips"], tip, assignee_email="pat.publisher@police.testville.gov")
    assert list(error.value.fields) == ["assignee"]
    with pytest.raises(Invalid):
        actions.update_tip(users["tips"], tip, status="solved")
    with pytest.raises(Forbidden):
        actions.update_tip(users["publisher"], tip, status="closed")
    for outsider in ("other_staff", "operator", "resident_in", "anonymous"):
        with pytest.raises(NotFound):
            actions.update_tip(users[outsider], tip, status="closed")
        with pytest.raises(NotFound):
            selectors.tip_for_staff(users[outsider], police, tip.pk)
    with pytest.raises(Forbidden):
        selectors.inbox(users["publisher"], police)
    assert AuditLog.objects.filter(action="tip.update", target_id=str(tip.pk)).count() == 1


def test_every_staff_view_is_audited(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    tip = actions.submit_tip(agency=police, body="x").tip
    selectors.tip_for_staff(users["tips"], police, tip.pk)
    selectors.tip_for_staff(users["admin"], police, tip.pk)
    assert list(AuditLog.objects.filter(action="tip.view").order_by("id")
                .values_list("actor__email", "target_id", "agency_id")) == [
        ("tia.tips@police.testville.gov", str(tip.pk), police.pk),
        ("alma.admin@police.testville.gov", str(tip.pk), police.pk)]


def test_inbox_filters_search_and_pages(tips_world):
    users, police = tips_world["users"], tips_world["police"]
    tips = [actions.submit_tip(agency=police, body=f"tip number {n} about graffiti"
                               if n % 2 else f"tip number {n} about bikes").tip
            for n in range(7)]
    actions.update_tip(users["tips"], tips[1], status="actionable", tags=["series"])
    actions.add_note(users["tips"], tips[2], "Looks like the Friday tagger")
    page, cursor = selectors.inbox(users["tips"], police, limit=3)
    assert [t.pk for t in page] == [tips[6].pk, tips[5].pk, tips[4].pk]
    page2, cursor2 = selectors.inbox(users["tips"], police, limit=3, cursor=cursor)
    assert [t.pk for t in page2] == [tips[3].pk, tips[2].pk, tips[1].pk]
    page3, cursor3 = selectors.inbox(users["tips"], police, limit=3, cursor=cursor2)
    assert ([t.pk for t in page3], cursor3) == ([tips[0].pk], None)
    graffiti, _c = selectors.inbox(users["tips"], police, q="GRAFFITI")
    assert [t.pk for t in graffiti] == [tips[5].pk, tips[3].pk, tips[1].pk]
    assert [t.pk for t in selectors.inbox(users["tips"], police, q="friday tagger")[0]] == [
        tips[2].pk]
    assert [t.pk for t in selectors.inbox(users["tips"], police, status="actionable")[0]] == [
        tips[1].pk]
    assert [t.pk for t in selectors.inbox(users["tips"], police, tag="Series")[0]] == [
        tips[1].pk]
    assert selectors.inbox(users["tips"], police, q="nowhere")[0] == []


def test_merge_hide_and_forward(tips_world):
    users, police, water = tips_world["users"], tips_world["police"], tips_world["water"]
    kept_sent = actions.submit_tip(agency=police, body="Leak on Oak Street", photos=[jpeg()])
    dup_sent = actions.submit_tip(agency=police, body="Water leak on Oak",
                                  sender_user=users["resident_in"])
    actions.tipster_reply(dup_sent.code, "It is getting worse")
    kept, dup = kept_sent.tip, dup_sent.tip
    actions.merge_tips(users["tips"], dup, kept)
    dup.refresh_from_db()
    assert (dup.merged_into_id, dup.status) == (kept.pk, "closed")
    assert [m.body for m in selectors.messages(users["tips"], kept)] == ["It is getting worse"]
    assert [t.pk for t in selectors.inbox(users["tips"], police)[0]] == [kept.pk]

    actions.hide_tip(users["admin"], kept, "abusive")
    assert selectors.inbox(users["tips"], police)[0] == []
    assert AuditLog.objects.filter(action="tip.hide", data__reason="abusive").count() == 1
    actions.unhide_tip(users["admin"], kept)

    copy = actions.forward_tip(users["tips"], dup, water, note="Your pipes, we think")
    assert copy.agency == water and copy.forwarded_from_id == dup.pk
    assert (copy.anonymous, copy.sender) == (True, None)
    assert copy.body == "Water leak on Oak"
    assert TipMessage.objects.filter(tip=copy).count() == 0
    with pytest.raises(Invalid):
        actions.forward_tip(users["tips"], dup, police)
    copy2 = actions.forward_tip(users["tips"], kept, water)
    assert TipAttachment.objects.get(tip=copy2).data == TipAttachment.objects.get(tip=kept).data
