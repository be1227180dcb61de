"""The crime & safety guard against racial profiling.

What the best neighborhood networks learned: a post that describes a person must describe
them fully enough to tell them apart (clothing, build, ...), and race alone is not a
description. A crime & safety post that mentions a race or ethnicity must use the person
description form, and that form needs at least MIN_DETAILS details besides race.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townsquare.core.errors import Invalid

WARNING = gettext_lazy(
    "Race alone is not a description. If you describe a person, describe what would "
    "tell them apart: clothing from head to toe, build, hair, and anything distinctive. "
    "Posts that single out people by race are removed."
)

DETAIL_FIELDS = {
    "top": gettext_lazy("Top clothing (color, type)"),
    "bottom": gettext_lazy("Bottom clothing"),
    "shoes": gettext_lazy("Shoes"),
    "hair": gettext_lazy("Hair"),
    "build": gettext_lazy("Build and height"),
    "age": gettext_lazy("Approximate age"),
    "other": gettext_lazy("Distinguishing features (tattoos, glasses, bag, vehicle)"),
}
OPTIONAL_FIELDS = {"race": gettext_lazy("Race or ethnicity (optional)")}
MIN_DETAILS = 3

_RACE_TERMS = re.compile(
    r"\b(black|white|hispanic|latino|latina|latinx|mexican|asian|african[- ]american|"
    r"arab|middle[- ]eastern|indian|native american|caucasian|brown[- ]skinned|"
    r"dark[- ]skinned|light[- ]skinned)\s+(?:\w+\s+)?"
    r"(guy|guys|man|men|male|males|woman|women|female|females|kid|kids|teen|teens|"
    r"person|people|dude|dudes|boy|boys|girl|girls|individual|suspect|suspects)\b"
    # "a white kids bike": the color of a thing, not a person.
    r"(?!['\u2019]?s?\s+(?:bikes?|bicycles?|scooters?|toys?|clothes|shoes|helmets?|"
    r"strollers?|backpacks?|skateboards?|wagons?)\b)",
    re.IGNORECASE,
)


def mentions_race(text: str) -> bool:
    return bool(_RACE_TERMS.search(text))


def _detail(value: object) -> str:
    # Plain text like the rest of a post: control characters out (PostgreSQL's JSON refuses
    # a NUL), at most 200 characters.
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()[:200]


def clean_person(person: object, *, text: str) -> dict[str, str]:
    """Validate the person description of a crime & safety post.

    `person` is None/{} when the post describes nobody. Raises Invalid with the warning.
    """
    data = person if isinstance(person, dict) else {}
    fields = {**DETAIL_FIELDS, **OPTIONAL_FIELDS}
    cleaned = {key: detail for key in fields if (detail := _detail(data.get(key)))}
    details = [key for key in cleaned if key in DETAIL_FIELDS]
    if not cleaned:
        if mentions_race(text):
            raise Invalid(WARNING, {"person": [
                _("Your post mentions a person's race. Describe the person with the person "
                  "description fields instead, or remove the reference to race.")]})
        return {}
    if len(details) < MIN_DETAILS:
        raise Invalid(WARNING, {"person": [
            _("Give at least %(count)s details besides race (for example clothing, build, "
              "hair). Race alone is not a description.") % {"count": MIN_DETAILS}]})
    return cleaned
