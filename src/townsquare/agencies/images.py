"""Uploaded images: decoded to prove they are images, re-encoded to drop every metadata
block (EXIF with its GPS position, XMP, ICC profiles, PNG text chunks, comments).

The file's name and declared type are ignored: Pillow decodes the bytes, and only JPEG,
PNG and WebP that decode completely are accepted. The re-encoded image is built from the
decoded pixels alone, so nothing of the original file but its pixels survives. A photo's
EXIF orientation is applied to the pixels first, so the image still shows the right way up.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from townsquare.core.errors import Invalid, TooLarge

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # far above any camera's, far below a decompression bomb
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
           "WEBP": ("image/webp", "webp")}
SUBDIR = "agency-posts"


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean(stream: IO[bytes], size: int) -> CleanImage:
    """Decode, check and re-encode an upload. Raises TooLarge (413) or Invalid (400)."""
    if size > MAX_BYTES:
        raise _too_large()
    raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _too_large()
    try:
        with Image.open(io.BytesIO(raw)) as source:
            kind = source.format
            if kind not in FORMATS:
                raise _not_an_image()
            if source.width * source.height > MAX_PIXELS:
                raise Invalid(_("The image has too many pixels."),
                              {"image": [_("At most 40 megapixels.")]})
            source.load()  # decodes everything: a truncated or corrupt file fails here
            pixels = ImageOps.exif_transpose(source)
            clean_image = _pixels_only(pixels)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError) as exc:
        raise _not_an_image() from exc
    content_type, extension = FORMATS[kind]
    out = io.BytesIO()
    if kind == "JPEG":
        clean_image.save(out, "JPEG", quality=88, optimize=True)
    elif kind == "PNG":
        clean_image.save(out, "PNG", optimize=True)
    else:
        clean_image.save(out, "WEBP", quality=88)
    return CleanImage(out.getvalue(), content_type, extension, clean_image.width,
                      clean_image.height)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no `info`, no EXIF, no ICC profile."""
    mode = image.mode
    if mode in ("P", "PA", "LA", "I;16", "I", "F"):
        mode = "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
    elif mode not in ("RGB", "RGBA", "L"):
        mode = "RGB"  # CMYK, YCbCr, ...
    converted = image.convert(mode) if image.mode != mode else image
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _too_large() -> TooLarge:
    return TooLarge(_("The image is larger than %(size)s MB.")
                    % {"size": MAX_BYTES // (1024 * 1024)})


def _not_an_image() -> Invalid:
    return Invalid(_("The file is not a JPEG, PNG or WebP image."),
                   {"image": [_("Upload a JPEG, PNG or WebP image.")]})


def store(image: CleanImage) -> str:
    """Write under MEDIA_ROOT/agency-posts/ with a random name; return the name."""
    name = f"{secrets.token_urlsafe(18)}.{image.extension}"
    folder = Path(settings.MEDIA_ROOT) / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(image.data)
    return name


def path_of(file_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / SUBDIR / Path(file_name).name
