"""The mailing address on a resident's verification postcard, or why there is none.

A postcard goes out only with a complete US mailing address: house number and street
(with the unit, if any), city, state and ZIP code. A resident whose address is
incomplete is held back, and the operator sees the reason on the postcards page.
Residents who signed up before the address points were imported get the missing city,
state and ZIP from the gazetteer when their street address is found there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from townsquare.accounts.models import Resident
from townsquare.places import streets
from townsquare.places.models import Address
from townsquare.places.selectors import normalise_address


@dataclass(frozen=True)
class Mailing:
    resident: Resident
    lines: tuple[str, ...]  # ("7421 Pocket Rd", "Sacramento, CA 95831"); () when held
    reason: str = ""  # why the postcard is held back; "" when it can go out

    @property
    def complete(self) -> bool:
        return not self.reason


def mailing_addresses(residents: Iterable[Resident]) -> list[Mailing]:
    """One Mailing per resident, in order. One query for all the gazetteer look-ups."""
    residents = list(residents)
    wanted = {(r.neighborhood.city_id, normalise_address(r.home_address))
              for r in residents if r.home_address and not r.home_postcode}
    known: dict[tuple[int, str], Address] = {}
    if wanted:
        rows = Address.objects.filter(
            city_id__in={city for city, _key in wanted},
            key__in={key for _city, key in wanted},
            source=Address.Source.OPENADDRESSES,
        )
        known = {(a.city_id, a.key): a for a in rows}
    return [_mailing(r, known) for r in residents]


def _mailing(resident: Resident, known: dict[tuple[int, str], Address]) -> Mailing:
    text = resident.home_address
    if not text:
        return Mailing(resident, (), _("The home was picked on the map, so there is no "
                                       "street address to mail the postcard to."))
    if streets.is_intersection(text) or not streets.parse(text).number:
        return Mailing(resident, (), _("The address has no house number."))
    locality, state, postcode = (resident.home_locality, resident.home_state,
                                 resident.home_postcode)
    if not postcode:
        found = known.get((resident.neighborhood.city_id, normalise_address(text)))
        if found is not None:
            locality, state, postcode = found.locality, found.state, found.postcode
    locality = locality or resident.neighborhood.city.name
    missing = [label for label, value in ((_("state"), state), (_("ZIP code"), postcode))
               if not value]
    if missing:
        return Mailing(resident, (), _("The %(parts)s of the address is not known.")
                       % {"parts": _(" and ").join(missing)})
    return Mailing(resident, (streets.display_text(text), f"{locality}, {state} {postcode}"))
