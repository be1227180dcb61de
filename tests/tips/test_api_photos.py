"""Photos through the API: `POST /api/v1/agencies/{agency}/tips` as multipart/form-data
takes the JSON body's fields and `photos`; hostile uploads are refused and store nothing.
JSON keeps working as the contract says."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from townsquare.tips import selectors
from townsquare.tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db
URL = "/api/v1/agencies/testville-police/tips"


def jpeg_with_exif() -> SimpleUploadedFile:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("van.jpg", out.getvalue(), content_type="image/jpeg")


def png(name: str = "map.png", size: tuple[int, int] = (20, 20), mode: str = "RGB"
        ) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def stored() -> tuple[int, int]:
    return Tip.objects.count(), TipAttachment.objects.count()


def test_a_tip_with_photos_as_multipart(tips_world):
    response = Client().post(URL, {"body": "The grey van again", "lat": "38.57568",
                                   "lon": "-121.48765", "agency_post_id": tips_world["post"].pk,
                                   "photos": [jpeg_with_exif(), png()]})
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"code"}
    tip = Tip.objects.get()
    assert (tip.body, tip.anonymous, tip.lat, tip.lon, tip.agency_post_id) == (
        "The grey van again", True, 38.576, -121.488, tips_world["post"].pk)
    photos = selectors.attachments(tips_world["users"]["tips"], tip)
    assert [a.content_type for a in photos] == ["image/jpeg", "image/png"]
    assert b"SecretCam" not in photos[0].data


def test_multipart_without_photos_and_json_keep_working(tips_world):
    assert Client().post(URL, {"body": "Tagging on Elm"}).status_code == 201
    json_sent = Client().post(URL, {"body": "Tagging on Oak", "anonymous": True},
                              content_type="application/json")
    assert json_sent.status_code == 201 and set(json_sent.json()) == {"code"}
    assert sorted(Tip.objects.values_list("anonymous", flat=True)) == [True, True]
    assert TipAttachment.objects.count() == 0


@pytest.mark.parametrize(("upload", "status"), [
    (SimpleUploadedFile("cat.jpg", b"<?php echo 'not an image'; ?>" * 20,
                        content_type="image/jpeg"), 400),
    (png("bomb.png", (9000, 9000), "L"), 400),
    (SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 10),
                        content_type="image/jpeg"), 413),
], ids=["not-an-image-named-jpg", "decompression-bomb", "over-5-mb"])
def test_hostile_uploads_are_refused_and_nothing_is_stored(tips_world, upload, status):
    response = Client().post(URL, {"body": "A photo", "photos": [png(), upload]})
    assert response.status_code == status, response.content
    assert response.json()["error"] == {400: "invalid", 413: "too_large"}[status]
    assert stored() == (0, 0)


def test_bad_fields_of_a_form_are_named_as_in_json(tips_world):
    response = Client().post(URL, {"body": "", "lat": "north", "photos": [png()]})
    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["body", "lat"]
    too_many = Client().post(URL, {"body": "Four photos", "photos": [png() for _ in range(4)]})
    assert too_many.status_code == 400
    assert too_many.json()["fields"] == {"photos": ["At most 3 photos."]}
    assert stored() == (0, 0)


def test_json_that_is_not_an_object_or_not_json_is_a_400(tips_world):
    for raw in ("[]", "{not json"):
        response = Client().post(URL, raw, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["fields"]["non_field_errors"], raw
    assert Client().post(URL, content_type="application/json").status_code == 400
    assert stored() == (0, 0)
