"""Images: only real JPEG, PNG and WebP; at most 5 MB; every metadata block removed (the
GPS position in a photo's EXIF above all); served only to those who may see the post."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.agencies.factories import publish
from tests.api.conftest import as_user, error_of
from townsquare.agencies import images
from townsquare.agencies.models import AgencyPostImage

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x0112] = 1  # orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (38.0, 35.0, 44.0), 3: "W",
                                  4: (121.0, 29.0, 46.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "38.5956 N, 121.4961 W")
    out = io.BytesIO()
    Image.new("P", (10, 10), 3).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def post(police, agency_roles):
    return publish(agency_roles["publisher"], police, neighborhoods=["alder"])


def upload(user, post, data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    client = as_user(user)
    return client.client.post(
        f"/api/v1/agencies/testville-police/posts/{post.pk}/images",
        data={"image": SimpleUploadedFile(name, data, content_type=content_type)},
        headers=client.headers)


def test_a_jpeg_with_gps_exif_comes_out_without_any_exif(media, post, agency_roles):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:  # the test image really carries GPS
        assert check.getexif().get_ifd(GPS_IFD)[2] == (38.0, 35.0, 44.0)

    response = upload(agency_roles["publisher"], post, original)

    assert response.status_code == 201
    body = response.json()
    stored = AgencyPostImage.objects.get()
    assert body == {"id": stored.pk, "url": f"/api/v1/agency-posts/{post.pk}/images/{stored.pk}",
                    "content_type": "image/jpeg", "width": 64, "height": 48}
    served = as_user(agency_roles["resident_in"]).client.get(
        body["url"], headers=as_user(agency_roles["resident_in"]).headers)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    data = b"".join(served.streaming_content)
    assert data == images.path_of(stored.file_name).read_bytes()
    with Image.open(io.BytesIO(data)) as result:
        assert result.format == "JPEG" and result.size == (64, 48)
        assert dict(result.getexif()) == {}
        assert "exif" not in result.info and "comment" not in result.info
    assert b"Exif" not in data and b"Camera Maker" not in data and b"secret" not in data


def test_png_text_chunks_are_removed(media, post, agency_roles):
    response = upload(agency_roles["publisher"], post, png_with_text(), "map.png", "image/png")

    assert response.status_code == 201
    data = images.path_of(AgencyPostImage.objects.get().file_name).read_bytes()
    assert b"Location" not in data and b"121.4961" not in data
    with Image.open(io.BytesIO(data)) as result:
        assert result.format == "PNG" and result.info.get("Location") is None


def test_webp_is_accepted(media, post, agency_roles):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(out, "WEBP")

    response = upload(agency_roles["publisher"], post, out.getvalue(), "x.webp", "image/webp")

    assert response.status_code == 201 and response.json()["content_type"] == "image/webp"


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.4 not an image", "photo.jpg"),
    (b"GIF89a" + b"\x00" * 40, "anim.gif"),
    (jpeg_with_gps()[:200], "truncated.jpg"),
])
def test_non_images_are_refused_whatever_their_name(media, post, agency_roles, data, name):
    response = upload(agency_roles["publisher"], post, data, name)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"image": ["Upload a JPEG, PNG or WebP image."]}
    assert AgencyPostImage.objects.count() == 0


def test_a_gif_really_is_refused(media, post, agency_roles):
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")

    assert upload(agency_roles["publisher"], post, out.getvalue(), "x.jpg").status_code == 400


def test_over_5_mb_is_413(media, post, agency_roles):
    big = jpeg_with_gps() + b"\x00" * (5 * 1024 * 1024)

    response = upload(agency_roles["publisher"], post, big)

    assert response.status_code == 413
    assert error_of(response)["error"] == "too_large"
    assert AgencyPostImage.objects.count() == 0
    assert list(media.rglob("*.jpg")) == []


@pytest.mark.parametrize(("role", "status"), [
    ("tips", 403), ("other_staff", 403), ("resident_in", 403), ("operator", 403),
    ("admin", 201)])
def test_who_may_upload(media, post, agency_roles, role, status):
    assert upload(agency_roles[role], post, jpeg_with_gps()).status_code == status


@pytest.mark.parametrize(("role", "status"), [
    ("resident_in", 200), ("resident_out", 404), ("unverified", 404), ("other_staff", 404),
    ("tips", 200), ("operator", 200)])
def test_images_are_served_only_to_those_who_see_the_post(media, post, agency_roles, role,
                                                          status):
    url = upload(agency_roles["publisher"], post, jpeg_with_gps()).json()["url"]
    client = as_user(agency_roles[role])

    assert client.client.get(url, headers=client.headers).status_code == status
