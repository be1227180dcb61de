"""Input checks shared by the account actions. Each raises Invalid with `fields`."""

from __future__ import annotations

import math

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from townsquare.core.errors import Invalid
from townsquare.core.text import clean_email, clean_text

__all__ = ["clean_coordinates", "clean_email", "clean_password", "clean_text"]


def clean_password(password: object, user: object = None) -> str:
    if not isinstance(password, str) or not password:
        raise Invalid(_("A password is required."), {"password": [_("This field is required.")]})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(_("The password is too weak."), {"password": list(exc.messages)}) from exc
    return password


def clean_coordinates(lat: object, lon: object) -> tuple[float, float]:
    errors: dict[str, list[str]] = {}
    values: dict[str, float] = {}
    for name, raw, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            number = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors[name] = [_("Must be a number in decimal degrees.")]
            continue
        if not math.isfinite(number) or abs(number) > bound:
            errors[name] = [
                _("Must be between -%(bound)s and %(bound)s.") % {"bound": f"{bound:g}"}]
            continue
        values[name] = number
    if errors:
        raise Invalid(_("The coordinates are not valid."), errors)
    return values["lat"], values["lon"]
