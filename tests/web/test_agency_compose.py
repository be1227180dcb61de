"""Writing agency posts on the page: targets, the audience shown before publishing, errors
on their fields with nothing published, practice mode, images, editing and withdrawing."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests import factories
from tests.agencies.factories import make_agency, make_staff, publish
from tests.web.agency_helpers import signed_in, text
from tests.web.helpers import field_error
from townsquare.agencies import actions
from townsquare.agencies.models import AgencyDraft, AgencyPost
from townsquare.core.models import AuditLog

P = "/agency/testville-police"
# A square inside Alder and Birch (their shared edge is at longitude -121.49), and one far
# outside Testville.
ALDER_BIRCH = [[-121.495, 38.592], [-121.485, 38.592], [-121.485, 38.598],
               [-121.495, 38.598], [-121.495, 38.592]]
FAR_AWAY = [[-100.0, 30.0], [-99.9, 30.0], [-99.9, 30.1], [-100.0, 30.0]]


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def polygon(ring: list[list[float]]) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form(**changes) -> dict:
    data = {"kind": "request_for_information", "title": "Did you see a grey van?",
            "body": "A break-in on Alder Lane on Monday night.", "target": "all",
            "case_number": "", "event_place": "", "rfi_area": "", "publish_at": "",
            "expires_at": "", "confirm_audience": "5"}
    # The whole jurisdiction: 5 verified residents (see `people`), confirmed.
    data.update(changes)
    return data


@pytest.fixture
def people(city, police, agency_roles):
    """Alder has resident_in and one more verified resident; Birch has two; the rest none."""
    factories.make_resident(factories.nbhd(city, "Alder"), name="Al Two")
    for name in ("Bea One", "Bea Two"):
        factories.make_resident(factories.nbhd(city, "Birch"), name=name)
    return agency_roles


def test_the_page_chooses_no_audience_for_the_publisher(people):
    page = text(signed_in(people["publisher"]).get(f"{P}/posts/new/"))

    # Neither the whole jurisdiction nor any neighborhood is chosen at first.
    assert re.findall(r'<input type="radio" name="target"[^>]*>', page) == [
        '<input type="radio" name="target" value="all" id="id_target">',
        '<input type="radio" name="target" value="neighborhoods" id="id_target_neighborhoods">',
        '<input type="radio" name="target" value="area" id="id_target_area">']
    assert "This will reach" not in page
    assert 'data-audience-url="/agency/testville-police/audience/"' in page
    assert page.count('name="neighborhoods"') == 9
    assert " checked" not in page


def test_publishing_without_choosing_an_audience_is_refused(people):
    response = signed_in(people["publisher"]).post(f"{P}/posts/new/", form(target=""))

    assert response.status_code == 400
    assert field_error(text(response), "target") == (
        "Choose who should receive it: neighborhoods, an area, or the whole jurisdiction.")
    assert AgencyPost.objects.count() == 0


def test_the_whole_jurisdiction_is_confirmed_with_the_audience_in_numbers(people):
    client = signed_in(people["publisher"])
    asked = client.post(f"{P}/posts/new/", form(confirm_audience=""))

    # Alder 2, Birch 2, Ironwood 1 (resident_out): 5 verified residents in 9 neighborhoods.
    page = text(asked)
    assert (asked.status_code, AgencyPost.objects.count()) == (200, 0)
    assert '<h2 id="confirm-heading">Send to 5 residents in 9 neighborhoods?</h2>' in page
    assert ('<button type="submit" name="confirm_audience" value="5" class="button">'
            "Yes, send it</button>") in page
    assert "The audience has changed" not in page
    assert 'value="Did you see a grey van?"' in page  # the form keeps what was typed

    sent = client.post(f"{P}/posts/new/", form(confirm_audience="5"))
    post = AgencyPost.objects.get()
    assert (sent.status_code, post.audience_size, post.target_rows.count()) == (302, 5, 9)


def test_a_changed_audience_is_asked_again(people, city):
    factories.make_resident(factories.nbhd(city, "Birch"), name="Bea Three")
    response = signed_in(people["publisher"]).post(f"{P}/posts/new/", form())

    assert (response.status_code, AgencyPost.objects.count()) == (200, 0)
    assert "Send to 6 residents in 9 neighborhoods?" in text(response)
    assert "The audience has changed since you confirmed it" in text(response)


def test_one_neighborhood_and_practice_posts_need_no_confirmation(people):
    client = signed_in(people["publisher"])
    one = client.post(f"{P}/posts/new/", form(target="neighborhoods", neighborhoods=["birch"],
                                              confirm_audience=""))
    practice = client.post(f"{P}/posts/new/", form(confirm_audience="", practice="on"))

    assert (one.status_code, practice.status_code) == (302, 302)
    assert sorted(AgencyPost.objects.values_list("audience_size", "practice")) == [
        (0, True), (2, False)]


def test_the_api_publishes_to_several_neighborhoods_without_a_confirmation(people, police):
    """The contract's POST /api/v1/agencies/{agency}/posts is unchanged: the confirmation
    is the page's safeguard, the action asks for it only when its caller does."""
    post, created = actions.publish_agency_post(
        people["publisher"], police, kind="alert", title="Water main", body="Closed.",
        neighborhoods=["alder", "birch"])

    assert (created, post.audience_size) == (True, 4)
    with pytest.raises(actions.AudienceUnconfirmed) as asked:
        actions.publish_agency_post(people["publisher"], police, kind="alert", title="Again",
                                    body="Closed.", neighborhoods=["alder", "birch"],
                                    confirm_audience=3)
    assert (asked.value.audience, asked.value.neighborhoods, asked.value.status) == (4, 2, 409)


def test_publishing_to_one_neighborhood(people, police):
    client = signed_in(people["publisher"])
    response = client.post(f"{P}/posts/new/", form(
        target="neighborhoods", neighborhoods=["alder"], case_number="24-0117",
        rfi_area="Alder Lane, 100 block", rfi_from="2025-03-03T20:00",
        rfi_until="2025-03-04T02:00"))

    post = AgencyPost.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"{P}/posts/{post.pk}/")
    assert (post.kind, post.audience_size, post.practice, post.case_number) == (
        "request_for_information", 2, False, "24-0117")
    assert list(post.target_rows.values_list("neighborhood__slug", flat=True)) == ["alder"]
    assert timezone.localtime(post.rfi_from).strftime("%Y-%m-%d %H:%M") == "2025-03-03 20:00"
    assert AuditLog.objects.filter(action="agencies.post_published").count() == 1
    page = client.get(response["Location"])
    assert "Your post is published. It reached 2 verified residents." in text(page)


def test_an_area_drawn_on_the_map_reaches_the_neighborhoods_it_overlaps(people):
    client = signed_in(people["publisher"])
    client.post(f"{P}/posts/new/", form(target="area", area=polygon(ALDER_BIRCH),
                                        confirm_audience="4"))

    post = AgencyPost.objects.get()
    assert sorted(post.target_rows.values_list("neighborhood__slug", flat=True)) == [
        "alder", "birch"]
    assert (post.audience_size, post.target_area["type"]) == (4, "Polygon")


def test_preview_audience_without_javascript_publishes_nothing(people):
    response = signed_in(people["publisher"]).post(f"{P}/posts/new/", form(
        target="neighborhoods", neighborhoods=["alder", "birch"], preview="1"))

    assert response.status_code == 200
    assert "This will reach 4 verified residents in 2 neighborhoods." in text(response)
    assert "Alder, Birch" in text(response)
    assert AgencyPost.objects.count() == 0
    # The form keeps what was typed and chosen.
    assert 'value="Did you see a grey van?"' in text(response)
    assert 'value="neighborhoods" id="id_target_neighborhoods" checked' in text(response)


def test_the_live_audience_endpoint(people):
    client = signed_in(people["publisher"])

    area = client.post(f"{P}/audience/", {"target": "area", "area": polygon(ALDER_BIRCH)})
    empty = client.post(f"{P}/audience/", {"target": "neighborhoods"})
    far = client.post(f"{P}/audience/", {"target": "area", "area": polygon(FAR_AWAY)})

    assert (area.status_code, area.json()) == (200, {
        "audience_size": 4, "neighborhoods": ["Alder", "Birch"],
        "text": "This will reach 4 verified residents in 2 neighborhoods."})
    assert empty.status_code == 400
    assert empty.json()["fields"] == {"neighborhoods": [
        "Choose at least one neighborhood, or leave the field out to reach your whole "
        "jurisdiction."]}
    assert far.status_code == 400
    assert far.json()["fields"] == {"area": [
        "The area drawn does not overlap any neighborhood of Testville."]}
    assert AgencyPost.objects.count() == 0


def _refused(response, *fields: str) -> dict[str, str]:
    assert response.status_code == 400
    assert AgencyPost.objects.count() == 0
    return {name: field_error(text(response), name) for name in fields}


def test_every_problem_is_shown_on_its_field_and_nothing_is_published(people):
    past = local(timezone.now() - dt.timedelta(hours=2))
    response = signed_in(people["publisher"]).post(f"{P}/posts/new/", form(
        kind="event", title="", body="", event_place="", publish_at=past))

    errors = _refused(response, "title", "body", "event_starts_at", "event_place",
                      "publish_at")
    assert errors == {
        "title": "This field is required.",
        "body": "This field is required.",
        "event_starts_at": "An event needs its start time.",
        "event_place": "An event needs its place.",
        "publish_at": "Schedule a time in the future, or leave it out to publish now.",
    }
    assert "There is a problem" in text(response)


def test_a_neighborhood_outside_the_jurisdiction(city, agency_roles):
    ward = make_agency(city, "Alder Ward Office", domain="ward.testville.gov",
                       neighborhoods=["alder"], kind="city")
    clerk = make_staff(ward, "publisher", "Cleo Clerk")
    client = signed_in(clerk)

    page = text(client.get("/agency/alder-ward-office/posts/new/"))
    forged = client.post("/agency/alder-ward-office/posts/new/", form(
        target="neighborhoods", neighborhoods=["alder", "birch"]))

    assert page.count('name="neighborhoods"') == 1  # only its jurisdiction is offered
    assert forged.status_code == 400
    assert "Select a valid choice. birch is not one of the available choices." in (
        field_error(text(forged), "neighborhoods"))
    assert AgencyPost.objects.count() == 0


def test_no_neighborhood_chosen(people):
    response = signed_in(people["publisher"]).post(f"{P}/posts/new/",
                                                   form(target="neighborhoods"))
    assert _refused(response, "neighborhoods")["neighborhoods"].startswith(
        "Choose at least one neighborhood")


@pytest.mark.parametrize(("area", "message"), [
    ("", "Draw the area on the map: click at least three points, or choose neighborhoods."),
    ("{not json", "Draw the area as a GeoJSON Polygon or MultiPolygon."),
    (polygon(FAR_AWAY), "The area drawn does not overlap any neighborhood of Testville."),
    (polygon([[-121.495, 38.592], [-121.485, 38.598], [-121.485, 38.594],
              [-121.495, 38.598], [-121.495, 38.592]]),  # a bow tie
     "The area is not a valid shape (Self-intersection[-121.489 38.5956])."),
])
def test_a_bad_drawing_is_shown_on_the_choice_of_target(people, area, message):
    response = signed_in(people["publisher"]).post(f"{P}/posts/new/",
                                                   form(target="area", area=area))
    assert _refused(response, "target") == {"target": message}


def test_an_expiry_before_the_publish_time(people):
    soon = timezone.now() + dt.timedelta(days=1)
    response = signed_in(people["publisher"]).post(f"{P}/posts/new/", form(
        publish_at=local(soon), expires_at=local(soon - dt.timedelta(hours=1))))
    assert _refused(response, "expires_at") == {
        "expires_at": "The expiry must come after the publish time."}


def test_a_scheduled_post(people):
    later = (timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    client = signed_in(people["publisher"])
    response = client.post(f"{P}/posts/new/", form(publish_at=local(later)))

    post = AgencyPost.objects.get()
    assert (post.current_status(), post.publish_at) == ("scheduled", later)
    page = text(client.get(response["Location"]))
    assert "Your post is scheduled." in page and "Scheduled: residents see it from" in page


def test_a_double_submit_publishes_once(people):
    client = signed_in(people["publisher"])
    data = form(idempotency_key="compose-key-1")

    first = client.post(f"{P}/posts/new/", data)
    second = client.post(f"{P}/posts/new/", data)

    assert AgencyPost.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_practice_mode_renders_as_residents_see_it_for_staff_only(people, police):
    client = signed_in(people["publisher"])
    response = client.post(f"{P}/posts/new/", form(kind="alert", title="Practice alert",
                                                   practice="on"))
    post = AgencyPost.objects.get()

    staff_page = text(client.get(response["Location"]))
    staff_inbox = text(signed_in(people["tips"]).get("/inbox/"))
    resident = signed_in(people["resident_in"])

    assert (post.practice, post.audience_size) == (True, 0)
    assert "Practice — only your staff see this" in staff_page
    assert "Your practice post is out: only your agency&#x27;s staff see it." in staff_page
    assert "Practice alert" in staff_inbox and "Practice — only your staff see this" in (
        staff_inbox)
    assert resident.get(f"/agency-posts/{post.pk}/").status_code == 404
    assert "Practice alert" not in text(resident.get("/feed/"))
    assert "Practice alert" not in text(resident.get("/inbox/"))


def _png(size: tuple[int, int] = (8, 6)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_an_image_is_attached_and_shown(people, media):
    upload = SimpleUploadedFile("van.png", _png(), content_type="image/png")
    response = signed_in(people["publisher"]).post(
        f"{P}/posts/new/", {**form(target="neighborhoods", neighborhoods=["alder"]),
                            "image": upload})

    post = AgencyPost.objects.get()
    image = post.images.get()
    assert (response.status_code, image.width, image.height) == (302, 8, 6)
    resident_page = text(signed_in(people["resident_in"]).get(f"/agency-posts/{post.pk}/"))
    assert (f'<img src="/api/v1/agency-posts/{post.pk}/images/{image.pk}" width="8" '
            f'height="6" alt="Image 1 attached by Testville Police to this post">') in (
        resident_page)


@pytest.mark.parametrize(("content", "status", "message"), [
    (b"MZ not an image at all", 400, "Upload a JPEG, PNG or WebP image."),
    (b"\x89PNG" + b"\0" * (5 * 1024 * 1024), 413, "The image is larger than 5 MB."),
])
def test_a_bad_upload_publishes_nothing(people, media, content, status, message):
    upload = SimpleUploadedFile("photo.png", content, content_type="image/png")
    response = signed_in(people["publisher"]).post(
        f"{P}/posts/new/", {**form(), "image": upload})

    assert response.status_code == status
    assert field_error(text(response), "image") == message
    assert AgencyPost.objects.count() == 0


def test_tips_and_operators_cannot_publish(people):
    for role in ("tips", "operator"):
        response = signed_in(people[role]).post(f"{P}/posts/new/", form())
        assert response.status_code == 403
    assert AgencyPost.objects.count() == 0


# --- edit and withdraw ---------------------------------------------------------------------------
def test_an_edit_shows_residents_it_was_edited(people, police):
    post = publish(people["publisher"], police, neighborhoods=["alder"])
    client = signed_in(people["admin"])
    edit_page = text(client.get(f"{P}/posts/{post.pk}/edit/"))

    response = client.post(f"{P}/posts/{post.pk}/edit/", form(
        title="Did you see a grey van? (update)", body=post.body))

    post.refresh_from_db()
    assert 'value="Did you see a grey van?"' in edit_page
    assert response.status_code == 302
    assert (post.title, post.edited) == ("Did you see a grey van? (update)", True)
    assert "(edited" in text(signed_in(people["resident_in"]).get(f"/agency-posts/{post.pk}/"))
    assert list(AuditLog.objects.filter(action="agencies.post_edited")
                .values_list("data", flat=True)) == [{"fields": ["title"]}]


def test_an_edit_that_changes_nothing_records_nothing(people, police):
    post = publish(people["publisher"], police, neighborhoods=["alder"])
    client = signed_in(people["admin"])

    client.post(f"{P}/posts/{post.pk}/edit/", form(title=post.title, body=post.body))

    post.refresh_from_db()
    assert (post.edited, AuditLog.objects.filter(action="agencies.post_edited").count()) == (
        False, 0)


def test_withdrawing_takes_the_post_away_from_residents(people, police):
    post = publish(people["publisher"], police, neighborhoods=["alder"])
    resident = signed_in(people["resident_in"])
    assert post.title in text(resident.get("/feed/"))

    response = signed_in(people["publisher"]).post(f"{P}/posts/{post.pk}/withdraw/",
                                                   {"note": "Solved"})

    assert response.status_code == 302
    assert resident.get(f"/agency-posts/{post.pk}/").status_code == 404
    assert post.title not in text(resident.get("/feed/"))
    assert "Withdrawn" in text(signed_in(people["publisher"]).get(response["Location"]))
    assert list(AuditLog.objects.filter(action="agencies.post_withdrawn")
                .values_list("data", flat=True)) == [{"note": "Solved"}]


def test_the_staff_page_shows_reach_per_neighborhood(people, police):
    post = publish(people["publisher"], police, neighborhoods=["alder", "birch"])
    signed_in(people["resident_in"]).get(f"/agency-posts/{post.pk}/")  # seen in Alder
    signed_in(people["resident_in"]).post(f"/agency-posts/{post.pk}/thank/")

    page = text(signed_in(people["tips"]).get(f"{P}/posts/{post.pk}/"))

    reach = page[page.index('id="reach-title"'):]
    reach = reach[:reach.index("</section>")]  # the delivery section has tables of its own
    rows = [line.strip() for line in reach.splitlines() if '<th scope="row"' in line]
    assert [r.split('">')[1].split("<")[0] for r in rows] == ["Alder", "Birch", "All"]
    assert ('<td data-label="Audience">2</td><td data-label="Seen">1</td>'
            '<td data-label="Replies">0</td><td data-label="Thanks">1</td>') in rows[0]
    assert ('<td data-label="Audience">4</td><td data-label="Seen">1</td>'
            '<td data-label="Replies">0</td><td data-label="Thanks">1</td>') in rows[2]


def test_the_tips_desk_hides_an_abusive_reply(people, police):
    from townsquare.agencies import actions

    post = publish(people["publisher"], police, neighborhoods=["alder"])
    reply = actions.reply_to_agency_post(people["resident_in"], post, body="You are all idiots")
    neighbor = factories.make_resident(factories.nbhd(post.agency.city, "Alder"),
                                       name="Nell Neighbor")
    assert "You are all idiots" in text(signed_in(neighbor).get(f"/agency-posts/{post.pk}/"))

    response = signed_in(people["tips"]).post(
        f"{P}/posts/{post.pk}/replies/{reply.pk}/hide/")

    assert (response.status_code, response["Location"]) == (302, f"{P}/posts/{post.pk}/#replies")
    assert "You are all idiots" not in text(signed_in(neighbor).get(f"/agency-posts/{post.pk}/"))
    assert signed_in(people["publisher"]).post(
        f"{P}/posts/{post.pk}/replies/{reply.pk}/hide/").status_code == 403


# --- drafts ------------------------------------------------------------------------------------
def test_save_resume_publish_a_draft(people):
    client = signed_in(people["publisher"])
    saved = client.post(f"{P}/posts/new/", form(
        target="neighborhoods", neighborhoods=["alder", "birch"], save_draft="1"))

    draft = AgencyDraft.objects.get()
    assert (saved.status_code, saved["Location"]) == (302, f"{P}/posts/new/?draft={draft.pk}")
    assert AgencyPost.objects.count() == 0
    page = text(client.get(f"{P}/posts/new/"))
    assert f'<a href="{P}/posts/new/?draft={draft.pk}">Did you see a grey van?</a>' in page

    resumed = text(client.get(saved["Location"]))
    assert 'value="Did you see a grey van?"' in resumed
    assert f'name="draft" value="{draft.pk}"' in resumed
    assert re.search(r'value="alder"[^>]*checked', resumed)
    assert "This will reach 4 verified residents in 2 neighborhoods." in resumed

    client.post(f"{P}/posts/new/", form(target="neighborhoods",
                                        neighborhoods=["alder", "birch"],
                                        confirm_audience="4", draft=str(draft.pk)))
    assert AgencyPost.objects.get().audience_size == 4
    assert AgencyDraft.objects.count() == 0  # published: the draft is done with


def test_deleting_a_draft_on_the_page(people, police):
    draft = actions.save_draft(people["admin"], police, {"title": "Old notice"})
    client = signed_in(people["publisher"])

    response = client.post(f"{P}/posts/new/", {"delete_draft": str(draft.pk)})

    assert (response.status_code, response["Location"]) == (302, f"{P}/posts/new/")
    assert AgencyDraft.objects.count() == 0
    assert "Old notice" not in text(client.get(f"{P}/posts/new/"))


def test_staff_who_may_not_publish_cannot_open_a_draft(people, police):
    draft = actions.save_draft(people["admin"], police, {"title": "Old notice"})

    response = signed_in(people["tips"]).get(f"{P}/posts/new/?draft={draft.pk}")

    assert response.status_code == 403
