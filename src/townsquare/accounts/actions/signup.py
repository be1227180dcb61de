from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from townsquare.accounts.models import Invitation, Resident, User
from townsquare.accounts.validation import (
    clean_coordinates,
    clean_email,
    clean_password,
    clean_text,
)
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Conflict, Invalid
from townsquare.places import geoindex, selectors
from townsquare.places.models import Address, City, Neighborhood
from townsquare.places.streets import is_intersection


def signup_resident(
    *,
    email: object,
    password: object,
    display_name: object,
    lat: object = None,
    lon: object = None,
    address: object = None,
    city: City | None = None,
    invitation_token: str | None = None,
    client: str | None = None,
) -> Resident:
    """Create a resident account, placed in the neighborhood of their home.

    The home is an address from the gazetteer or a point picked on the map. Errors are
    collected per field so a form can show them all at once. `client` is the address the
    request came from (core.clientaddr): the page and the API pass it, and sign-ups are
    limited per address (`signup`); None is for trusted callers (commands, the demo).
    """
    if client is not None:
        ratelimit.hit("signup", client, message=_(
            "Too many sign-ups from your network. Please try again later."))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    for field, check in (
        ("email", lambda: clean_email(email)),
        ("display_name", lambda: clean_text(display_name, field="display_name", max_length=80)),
        ("password", lambda: clean_password(password, User(email=str(email or "")))),
    ):
        try:
            cleaned[field] = check()
        except Invalid as exc:
            errors.update(exc.fields or {field: [exc.detail]})
    try:
        home = _locate_home(lat=lat, lon=lon, address=address, city=city)
    except Invalid as exc:
        errors.update(exc.fields or {"address": [exc.detail]})
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    if User.objects.filter(email=cleaned["email"]).exists():
        raise Conflict(_("An account with this email already exists."),
                       {"email": [_("An account with this email already exists.")]})

    try:
        with transaction.atomic(durable=True):
            user = User.objects.create_user(
                email=str(cleaned["email"]),
                password=str(cleaned["password"]),
                display_name=str(cleaned["display_name"]),
            )
            resident = Resident.objects.create(user=user, **home)
            audit.record(user, "accounts.signup", resident)
            if invitation_token:
                from townsquare.accounts.actions.invitations import _accept_locked

                invitation = Invitation.objects.filter(used_at__isnull=True)
                _accept_locked(resident, invitation_token, invitation)
    except IntegrityError as exc:  # two sign-ups with one email at the same moment
        raise Conflict(_("An account with this email already exists."),
                       {"email": [_("An account with this email already exists.")]}) from exc
    return resident


def _locate_home(*, lat: object, lon: object, address: object, city: City | None) -> dict:
    if address not in (None, ""):
        text = clean_text(address, field="address", max_length=200)
        if is_intersection(text):
            raise Invalid(_("A street corner is not a home address."), {"address": [
                _("That is a street corner, not a home. Enter your house number and "
                  "street, for example 7421 Pocket Rd.")]})
        found = _find_address(text, city)
        if found is None:
            raise Invalid(_("We could not find that address."), {"address": [
                _("We could not find that address. Check the house number and street, or "
                  "pick your home on the map instead.")]})
        if found.neighborhood_id is None:
            raise Invalid(_("That address is outside every neighborhood."), {"address": [
                _("That address is not inside any neighborhood we serve.")]})
        return {"neighborhood_id": found.neighborhood_id, "home_lat": found.lat,
                "home_lon": found.lon, "home_address": found.text, "street": found.street,
                "home_locality": found.locality, "home_state": found.state,
                "home_postcode": found.postcode, "home_approximate": found.approximate}
    if lat in (None, "") and lon in (None, ""):
        raise Invalid(_("Tell us where you live."), {"address": [
            _("Enter your address or pick your home on the map.")]})
    lat_f, lon_f = clean_coordinates(lat, lon)
    nbhd = geoindex.locate_point(lat_f, lon_f, city=city)
    if nbhd is None:
        raise Invalid(_("That point is outside every neighborhood."), {"lat": [
            _("That point is not inside any neighborhood we serve.")]})
    return {"neighborhood_id": nbhd.pk, "home_lat": lat_f, "home_lon": lon_f,
            "home_address": "", "street": _nearest_street(nbhd, lat_f, lon_f)}


def _find_address(text: str, city: City | None) -> selectors.HomeAddress | None:
    cities = [city] if city is not None else list(City.objects.all())
    for candidate in cities:
        found = selectors.resolve_home_address(candidate, text)
        if found is not None:
            return found
    return None


def _nearest_street(nbhd: Neighborhood, lat: float, lon: float) -> str:
    """The street of the nearest gazetteer address, to show neighbors; "" if none is close."""
    box = 0.003  # about 300 m
    candidates = Address.objects.filter(
        neighborhood=nbhd, lat__range=(lat - box, lat + box), lon__range=(lon - box, lon + box)
    ).exclude(is_intersection=True).values_list("street", "lat", "lon")[:200]
    best = min(candidates, key=lambda c: (c[1] - lat) ** 2 + (c[2] - lon) ** 2, default=None)
    return best[0] if best else ""
