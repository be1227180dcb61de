"""Text as people type it, minus what can hurt: one cleaning rule for every text input.

Removed: control characters other than newline and tab (C0, DEL, C1; NUL among them),
the bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069), which
can make text read differently from what it is, and lone surrogates, which are not
characters at all and which no database can store. Everything else is kept as typed:
zero-width joiners and non-joiners (emoji sequences, Persian and Indic words), marks such
as U+200E, and code points newer than this interpreter's Unicode tables. See
docs/privacy.md.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from townsquare.core.errors import Invalid

# \n (U+000A) and \t (U+0009) stay; \r goes, so a textarea's "\r\n" becomes "\n".
_DANGEROUS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# What the request guards refuse outright at the boundary: NUL and lone surrogates.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def scrub(text: str) -> str:
    """`text` without the dangerous characters; nothing else changes."""
    return _DANGEROUS.sub("", text)


def is_storable(text: str) -> bool:
    """False for text no database takes as it is (NUL, lone surrogates)."""
    return _UNSTORABLE.search(text) is None


def clean_text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    """Plain text as typed, scrubbed and stripped; Invalid (with `fields`) otherwise."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be text.") % {"field": field},
                      {field: [_("Must be text.")]})
    text = scrub(value).strip()
    if required and not text:
        raise Invalid(_("%(field)s is required.") % {"field": field},
                      {field: [_("This field is required.")]})
    if len(text) > max_length:
        raise Invalid(_("%(field)s is too long.") % {"field": field},
                      {field: [_("At most %(count)d characters.") % {"count": max_length}]})
    return text


def clean_email(value: object) -> str:
    """An email address as text (cleaned as above, at most 254 characters), lowercased and
    checked by Django's validator; Invalid (with `fields`) otherwise."""
    email = clean_text(value, field="email", max_length=254).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        message = _("Enter a valid email address.")
        raise Invalid(message, {"email": [message]}) from exc
    return email


def scrub_data(value: object) -> object:
    """`value` (JSON-like: dicts, lists, strings) with every string scrubbed, keys too."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub_data(k): scrub_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_data(v) for v in value]
    return value
