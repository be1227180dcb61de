"""Slugs as the public API defines them: lower-case ASCII words joined by "-"."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"[\'\u2019`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """"Z'berg Park" -> "zberg-park"; "Midtown / Winn Park" -> "midtown-winn-park"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = _APOSTROPHES.sub("", ascii_text.lower())
    return _NON_WORD.sub("-", ascii_text).strip("-")
