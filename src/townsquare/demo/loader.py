"""Load the Sacramento demo: the real neighborhoods and gazetteer, and a generated population.

Idempotent: the imports update in place, the population (one transaction, all or
nothing) is only generated if the demo operator account does not exist yet, and the public
agencies (agencies.py, through the agencies actions) are added piece by piece where
missing. Everything random comes from seeded generators, so two fresh loads give the same
people, agencies and posts (times are relative to the moment of loading).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from townsquare.accounts.models import Resident, User
from townsquare.core import audit
from townsquare.demo import (
    agencies,
    content,
    crime_data,
    households,
    incidents,
    people,
    questions,
    tips,
)
from townsquare.places import actions as places
from townsquare.places.models import City, Neighborhood
from townsquare.posts.models import Post, Reply, Thank

SEED = 2006
CITY_NAME = "Sacramento"
NEIGHBORHOODS_FILE = "neighborhoods.geojson"
INCIDENTS_FILE = "crime-2006-01.csv"


@dataclass(frozen=True)
class Summary:
    city: City
    generated: bool  # False when everything was already there
    neighborhoods: int
    launched: int
    addresses: int
    residents: int
    verified: int
    posts: int
    replies: int
    thanks: int
    public: agencies.Summary  # the agencies, their staff and posts

    @property
    def coverage(self) -> float:
        return self.launched / self.neighborhoods if self.neighborhoods else 0.0


def load(data_dir: Path, *, seed: int = SEED, now: dt.datetime | None = None) -> Summary:
    city = places.import_neighborhoods(CITY_NAME, data_dir / NEIGHBORHOODS_FILE).city
    addresses = places.import_addresses(city, data_dir / INCIDENTS_FILE)
    now = now or timezone.now()
    found = None
    if not User.objects.filter(email=people.OPERATOR.email).exists():
        found = incidents.read(data_dir / INCIDENTS_FILE)
        _generate(city, found, seed, now)
    public = agencies.load(city, data_dir / INCIDENTS_FILE, seed, now, found=found)
    for part in (crime_data, households, tips, questions):  # each idempotent
        part.load(city, data_dir, seed, now)
    return _summary(city, found is not None or public.added, int(addresses), public)


def _generate(city: City, found: list[incidents.Incident], seed: int,
              now: dt.datetime) -> None:
    rng = random.Random(seed)
    with transaction.atomic(durable=True):
        population = people.Planner(city, rng, now).plan()
        people.write(city, population, rng, now)
        writer = content.Writer(population, found, rng, now)
        drafts = writer.draft_all()
        content.write(drafts)
        content.open_report(population, drafts)
        audit.record(None, "demo.load_demo", city, seed=seed,
                     residents=len(population.people), posts=len(drafts))


def _summary(city: City, generated: bool, addresses: int,
             public: agencies.Summary) -> Summary:
    nbhds = Neighborhood.objects.filter(city=city)
    demo = Resident.objects.filter(neighborhood__city=city, user__is_demo=True)
    posts = Post.objects.filter(neighborhood__city=city, author__user__is_demo=True)
    return Summary(
        city=city, generated=generated, neighborhoods=nbhds.count(),
        launched=nbhds.filter(launched_at__isnull=False).count(), addresses=addresses,
        residents=demo.count(), verified=demo.filter(verified_at__isnull=False).count(),
        posts=posts.count(), replies=Reply.objects.filter(post__in=posts).count(),
        thanks=Thank.objects.filter(post__in=posts).count(), public=public,
    )
