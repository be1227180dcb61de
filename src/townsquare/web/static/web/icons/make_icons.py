"""Draws the app icons (the favicon's house on the brand blue) with Pillow.

Run from the repository root: `.venv/bin/python src/townsquare/web/static/web/icons/make_icons.py`.
The PNG files are committed; run this again only to change the design.

- icon-192.png, icon-512.png: "any" purpose, rounded corners like favicon.svg.
- maskable-192.png, maskable-512.png: full-bleed background, the house inside the central
  80% safe zone (a phone may cut the icon to a circle or a squircle).
- apple-touch-icon.png: 180x180, full-bleed (iOS rounds the corners itself).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (11, 79, 138, 255)  # #0b4f8a, --brand in site.css
WHITE = (255, 255, 255, 255)
HERE = Path(__file__).resolve().parent
# The house of favicon.svg, on its 32x32 grid: M6 26V14l10-8 10 8v12h-7v-7h-6v7z
HOUSE = [(6, 26), (6, 14), (16, 6), (26, 14), (26, 26), (19, 26), (19, 19), (13, 19),
         (13, 26)]


def draw(size: int, *, rounded: bool, scale: float) -> Image.Image:
    """The house on blue; `scale` is the share of the 32-grid drawn across the icon."""
    big = size * 4  # drawn large, then shrunk: smooth edges without antialiasing support
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 // 32, fill=BRAND)
    else:
        pen.rectangle((0, 0, big - 1, big - 1), fill=BRAND)
    unit = big * scale / 32
    offset = (big - 32 * unit) / 2
    pen.polygon([(offset + x * unit, offset + y * unit) for x, y in HOUSE], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        draw(size, rounded=True, scale=1.0).save(HERE / f"icon-{size}.png", optimize=True)
        draw(size, rounded=False, scale=0.8).save(HERE / f"maskable-{size}.png", optimize=True)
    draw(180, rounded=False, scale=0.9).convert("RGB").save(HERE / "apple-touch-icon.png",
                                                            optimize=True)


if __name__ == "__main__":
    main()
