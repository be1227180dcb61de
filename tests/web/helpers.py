"""Small readers of rendered pages for the page tests."""

from __future__ import annotations

import re


def text_of(response) -> str:
    return response.content.decode()


def field_error(html: str, field: str) -> str:
    """The text of a field's error list (the <ul id="id_<field>_error">), "" if none."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else ""


def described_by(html: str, field: str) -> list[str]:
    """The ids an input's aria-describedby names."""
    match = re.search(rf'<[^>]*\bid="id_{field}"[^>]*>', html)
    assert match, f"no input id_{field}"
    described = re.search(r'aria-describedby="([^"]*)"', match.group(0))
    return described.group(1).split() if described else []

