"""The web app manifest and its icons: a phone can install the site (iOS delivers web push
only to a site added to the home screen)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

import townsquare.web

pytestmark = pytest.mark.django_db
STATIC = Path(townsquare.web.__file__).resolve().parent / "static"


def test_the_manifest_is_served_as_json_with_installable_fields():
    response = Client().get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data == {
        "name": "townsquare",
        "short_name": "townsquare",
        "description": "Your neighborhood, its residents and its public agencies.",
        "start_url": "/feed/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#0b4f8a",
        "background_color": "#ffffff",
        "icons": [
            {"src": "/static/web/icons/icon-192.png", "sizes": "192x192",
             "type": "image/png", "purpose": "any"},
            {"src": "/static/web/icons/icon-512.png", "sizes": "512x512",
             "type": "image/png", "purpose": "any"},
            {"src": "/static/web/icons/maskable-192.png", "sizes": "192x192",
             "type": "image/png", "purpose": "maskable"},
            {"src": "/static/web/icons/maskable-512.png", "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
    }


def test_every_icon_exists_at_its_declared_size():
    icons = json.loads(Client().get("/manifest.webmanifest").content)["icons"]

    for icon in icons:
        with Image.open(STATIC / icon["src"].removeprefix("/static/")) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_a_maskable_icon_fills_its_corners_and_keeps_the_house_in_the_safe_zone():
    with Image.open(STATIC / "web/icons/maskable-512.png") as image:
        rgba = image.convert("RGBA")
        # Full bleed: the corners are the brand blue, not transparent.
        assert rgba.getpixel((0, 0)) == (11, 79, 138, 255)
        assert rgba.getpixel((511, 511)) == (11, 79, 138, 255)
        # The white house sits inside the central circle of radius 40% (the safe zone).
        white = [(x, y) for y in range(0, 512, 4) for x in range(0, 512, 4)
                 if rgba.getpixel((x, y))[:3] == (255, 255, 255)]
    assert white
    assert max((x - 256) ** 2 + (y - 256) ** 2 for x, y in white) < (0.4 * 512) ** 2


def test_every_page_links_the_manifest_the_touch_icon_and_the_theme_color():
    html = Client().get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert ('<link rel="apple-touch-icon" href="/static/web/icons/apple-touch-icon.png">'
            in html)
    assert '<meta name="theme-color" content="#0b4f8a">' in html
    with Image.open(STATIC / "web/icons/apple-touch-icon.png") as image:
        assert image.size == (180, 180)
