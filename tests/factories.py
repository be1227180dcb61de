"""Test data built through the real actions, never raw model writes.

A small synthetic city, "Testville": a 3 x 3 grid of square neighborhoods named after trees
(row by row from the north-west): Alder, Birch, Cedar / Dogwood, Elm, Fir / Ginkgo, Hazel,
Ironwood. Squares that share an edge or a corner are nearby. Alder and Ironwood are not.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.core.management import call_command

from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident, User
from townsquare.places import actions as places
from townsquare.places.models import City, Neighborhood
from townsquare.posts import actions as posts
from townsquare.posts.models import Post

PASSWORD = "correct horse battery staple"
TREES = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ironwood"]
WEST, NORTH, STEP = -121.50, 38.60, 0.01
_counter = itertools.count(1)


def grid_geojson(names: list[str] = TREES, columns: int = 3) -> dict[str, Any]:
    features = []
    for index, name in enumerate(names):
        row, col = divmod(index, columns)
        # Every edge from a whole multiple of STEP: `NORTH - STEP - STEP` is not exactly
        # `NORTH - 2 * STEP` in floating point, and that 1e-14 gap kept rows from touching.
        x0, x1 = WEST + col * STEP, WEST + (col + 1) * STEP
        y1, y0 = NORTH - row * STEP, NORTH - (row + 1) * STEP
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        features.append({
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        })
    return {"type": "FeatureCollection", "features": features}


def make_city(name: str = "Testville") -> City:
    result = places.import_neighborhoods(name, grid_geojson())
    return result.city


def center_of(nbhd: Neighborhood) -> tuple[float, float]:
    """(lat, lon) of the middle of a grid square."""
    return (nbhd.min_lat + nbhd.max_lat) / 2, (nbhd.min_lon + nbhd.max_lon) / 2


def nbhd(city: City, name: str) -> Neighborhood:
    return Neighborhood.objects.get(city=city, name=name)


def make_resident(
    neighborhood: Neighborhood,
    *,
    verified: bool = True,
    lead: bool = False,
    name: str | None = None,
    email: str | None = None,
) -> User:
    n = next(_counter)
    lat, lon = center_of(neighborhood)
    resident = accounts.signup_resident(
        email=email or f"resident{n}@example.org",
        password=PASSWORD,
        display_name=name or f"Resident {n}",
        lat=lat,
        lon=lon,
        city=neighborhood.city,
    )
    if verified or lead:
        accounts.verify_resident(resident, method=Resident.Method.OPERATOR)
    if lead:
        accounts.appoint_lead(make_operator(), resident)
    return User.objects.get(pk=resident.user_id)


def make_operator(email: str | None = None) -> User:
    email = email or f"operator{next(_counter)}@example.org"
    return User.objects.create_user(
        email=email, password=PASSWORD, display_name="Operator", is_staff=True
    )


def make_post(user: User, **fields: Any) -> Post:
    fields.setdefault("body", "A post about the neighborhood.")
    return posts.create_post(user, **fields)


def run_worker() -> None:
    """Run every queued background task in this process, as `townsquare worker` would."""
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def make_postcard_code(resident: Resident) -> str:
    """A usable postcard code for `resident`, stored hashed exactly as the worker stores it.

    Tests cannot read the code off the rendered PDF; this makes one the same way instead.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from townsquare.accounts import codes
    from townsquare.accounts.models import VerificationCode

    code = codes.new_code()
    VerificationCode.objects.create(
        resident=resident,
        code_hash=codes.hash_code(code),
        expires_at=timezone.now() + timedelta(days=settings.TOWNSQUARE_POSTCARD_CODE_DAYS),
    )
    return code
