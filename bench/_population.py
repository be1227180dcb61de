"""A city to benchmark against: the 121 Sacramento neighborhoods and N verified residents.

Residents are bulk-loaded (COPY on PostgreSQL, executemany on SQLite) as the rows the
sign-up and verification actions write, spread round robin over the neighborhoods (so user
ids 1..121 cover every neighborhood once), with member counts settled as the actions keep
them and fresh planner statistics. Then an approved agency whose jurisdiction is the whole
city gets one publisher, through the agencies actions. Used by publish.py and fanout.py.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import _common

GEOJSON = _common.ROOT / "data" / "sacramento" / "neighborhoods.geojson"
CHUNK = 50_000
USER_COLUMNS = ("id", "password", "last_login", "is_superuser", "email", "display_name",
                "is_active", "is_staff", "is_demo", "date_joined")
RESIDENT_COLUMNS = ("id", "user_id", "neighborhood_id", "home_lat", "home_lon",
                    "home_address", "street", "verified_at", "verification_method",
                    "founding_member", "lead_since", "created_at")


def load_city(n: int, *, agency: dict[str, str], publisher: tuple[str, str]) -> dict[str, Any]:
    """Load the city and N residents; `agency` holds create_agency's name, kind, website and
    email_domain, `publisher` the (email, display name) of its publisher. Returns the city,
    its neighborhoods (by id), the agency and the publisher's user."""
    from django.utils import timezone

    from townsquare.agencies import actions as agencies
    from townsquare.places import actions as places
    from townsquare.places.models import Neighborhood

    started = time.perf_counter()
    city = places.import_neighborhoods("Sacramento", GEOJSON).city
    neighborhoods = list(Neighborhood.objects.filter(city=city).order_by("pk"))
    points = [point_inside(nbhd) for nbhd in neighborhoods]
    now = timezone.now()
    for first in range(0, n, CHUNK):
        count = min(CHUNK, n - first)
        users, residents = [], []
        for i in range(first, first + count):
            k = i % len(neighborhoods)
            users.append((i + 1, "!", None, False, f"r{i}@bench.example.org", f"Resident {i}",
                          True, False, False, now))
            residents.append((i + 1, i + 1, neighborhoods[k].pk, points[k][0], points[k][1],
                              "", "", now, "operator", False, None, now))
        copy_rows("accounts_user", USER_COLUMNS, users)
        copy_rows("accounts_resident", RESIDENT_COLUMNS, residents)
        print(f"\r  loaded {first + count:,} / {n:,} residents "
              f"({time.perf_counter() - started:.0f} s)", end="", flush=True)
    print()
    _settle()
    made = agencies.create_agency(city=city, all_neighborhoods=True, **agency)
    staff, _link = agencies.add_agency_staff(made, publisher[0], "publisher", send_email=False,
                                             display_name=publisher[1])
    print(f"loaded {len(neighborhoods)} neighborhoods and {n:,} verified residents in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return {"city": city, "neighborhoods": neighborhoods, "agency": made,
            "publisher": staff.user}


def copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Bulk-insert rows, in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(connection.ops.adapt_datetimefield_value(v)
                       if isinstance(v, dt.datetime) else v for v in row) for row in rows])


def reset_sequences(*models: Any) -> None:
    """Sequences past the explicit ids the bulk load wrote."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def analyze() -> None:
    """Fresh planner statistics: what autovacuum does soon after a load anyway (with the
    visibility map on PostgreSQL); left to it, it would run in the middle of a timing."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")


def point_inside(nbhd: Any) -> tuple[float, float]:
    """(lat, lon) of a point inside the neighborhood."""
    import shapely

    point = shapely.from_wkb(bytes(nbhd.geometry_wkb)).representative_point()
    return point.y, point.x


def _settle() -> None:
    from django.db import connection

    from townsquare.accounts.models import Resident, User

    reset_sequences(User, Resident)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE places_neighborhood SET verified_members = (SELECT COUNT(*) FROM "
            "accounts_resident r WHERE r.neighborhood_id = places_neighborhood.id "
            "AND r.verified_at IS NOT NULL)")
    analyze()
