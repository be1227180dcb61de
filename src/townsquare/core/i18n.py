"""Languages of what townsquare writes outside a request.

Pages and API answers are written in the language Django activates for the request.
Messages written by the worker (mail, web push, printed postcards) have no request: they
are written in their recipient's language, which is the site's language (LANGUAGE_CODE)
until accounts store one of their own.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def recipient_language(recipient: object = None) -> translation.override:
    """`with recipient_language(user): ...` renders in that user's language."""
    return translation.override(getattr(recipient, "language", "") or settings.LANGUAGE_CODE)
