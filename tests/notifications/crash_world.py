"""Set up a city-wide alert in a database of its own, for the crash tests (run as a
separate process: `python -m tests.notifications.crash_world N`, with DATABASE_URL set).

N verified residents spread over Testville's nine neighborhoods, bulk-inserted (signing up
thousands through the real action would take minutes; the rows are what the action writes,
and the member counts are settled the same way), one agency with a publisher, one alert to
the whole jurisdiction published through the real action, and its fan-out run (not with
`--no-fan-out`: the workers under test run it). Prints `{"post": id, "deliveries": count}`.
"""

from __future__ import annotations

import json
import os
import sys


def main(n: int, *, fan_out: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from tests import factories
    from tests.agencies.factories import make_agency, make_staff, publish
    from townsquare.accounts.models import Resident, User
    from townsquare.notifications import tasks
    from townsquare.places.models import Neighborhood

    city = factories.make_city()
    neighborhoods = list(Neighborhood.objects.filter(city=city).order_by("pk"))
    now = timezone.now()
    users = User.objects.bulk_create(
        [User(email=f"crash{i}@example.org", display_name=f"Resident {i}", password="!")
         for i in range(n)], batch_size=1000)
    residents = []
    for i, user in enumerate(users):
        home = neighborhoods[i % len(neighborhoods)]
        lat, lon = factories.center_of(home)
        residents.append(Resident(user=user, neighborhood=home, home_lat=lat, home_lon=lon,
                                  verified_at=now,
                                  verification_method=Resident.Method.OPERATOR))
    Resident.objects.bulk_create(residents, batch_size=1000)
    counts = dict(Resident.objects.filter(verified_at__isnull=False)
                  .values_list("neighborhood").annotate(n=Count("pk")))
    for home in neighborhoods:
        Neighborhood.objects.filter(pk=home.pk).update(verified_members=counts.get(home.pk, 0))

    police = make_agency(city)
    publisher = make_staff(police, "publisher", "Pat Publisher")
    post = publish(publisher, police, kind="alert", title="Evacuate the river bank",
                   body="The levee is failing. Leave now for higher ground.")
    written = tasks.fan_out_agency_post.call(post_id=post.pk) if fan_out else 0
    print(json.dumps({"post": post.pk, "deliveries": written}))


if __name__ == "__main__":
    main(int(sys.argv[1]), fan_out="--no-fan-out" not in sys.argv[2:])
