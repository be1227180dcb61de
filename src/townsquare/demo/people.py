"""The demo population: who lives where, who is verified when, which neighborhoods launched.

Planned in memory from a seeded random generator, then written with bulk inserts (the
real signup and verify actions would hash a password and take locks thousands of times).
The derived state the actions would have kept (member counts, launch times, founding
members) is then settled from the rows themselves by `settle_neighborhoods`, exactly as
`accounts.actions.verify_resident` defines it.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Count

from townsquare.accounts.models import Resident, User
from townsquare.demo import names
from townsquare.places.models import Address, City, Neighborhood

PASSWORD = "townsquare-demo"  # noqa: S105 (published in the README, demo accounts only)
DOMAIN = "demo.townsquare.invalid"
LAUNCHED_SHARE = 0.86  # coverage the demo shows: 104 of Sacramento's 121 neighborhoods
HOME_SLUG = "pocket"  # the named accounts' neighborhood


@dataclass(frozen=True)
class Named:
    local: str
    name: str
    who: str

    @property
    def email(self) -> str:
        return f"{self.local}@{DOMAIN}"


RESIDENT = Named("resident", "Alex Rivera", "a verified resident of Pocket")
NEIGHBOR = Named("neighbor", "Sam Okafor", "another verified resident of Pocket")
NEWCOMER = Named("newcomer", "Jordan Lee", "a resident of Pocket waiting for a postcard")
LEAD = Named("lead", "Pat Nguyen", "the neighborhood lead of Pocket")
OPERATOR = Named("operator", "Demo Operator", "an operator (is_staff): /admin/")
NAMED = (RESIDENT, NEIGHBOR, NEWCOMER, LEAD, OPERATOR)


@dataclass(frozen=True)
class Home:
    text: str
    street: str
    lat: float
    lon: float


@dataclass(eq=False)  # people are compared by identity: two may share a name
class Person:
    name: str
    email: str
    nbhd: Neighborhood
    home: Home
    joined_at: dt.datetime
    verified_at: dt.datetime | None = None
    lead_since: dt.datetime | None = None
    resident: Resident | None = field(default=None, repr=False)


@dataclass
class Population:
    people: list[Person]
    by_nbhd: dict[int, list[Person]]  # verified people, in verification order
    homes: dict[int, list[Home]]
    launched: set[int]
    named: dict[str, Person]
    operator: User


def homes_by_neighborhood(city: City) -> dict[int, list[Home]]:
    """Gazetteer addresses per neighborhood: street addresses first, intersections last."""
    result: dict[int, list[Home]] = {}
    rows = Address.objects.filter(city=city, neighborhood__isnull=False).order_by("key")
    for nbhd_id, text, street, lat, lon in rows.values_list(
        "neighborhood_id", "text", "street", "lat", "lon"
    ):
        result.setdefault(nbhd_id, []).append(Home(text, street, lat, lon))
    for homes in result.values():
        homes.sort(key=lambda h: " / " in h.street)  # stable: keeps key order within
    return result


class Planner:
    def __init__(self, city: City, rng: random.Random, now: dt.datetime) -> None:
        self.city, self.rng, self.now = city, rng, now
        self.threshold = settings.TOWNSQUARE_LAUNCH_THRESHOLD
        self.counter = 0

    def plan(self) -> Population:
        nbhds = list(Neighborhood.objects.filter(city=self.city).order_by("slug"))
        homes = homes_by_neighborhood(self.city)
        launched = self._choose_launched(nbhds, homes)
        people: list[Person] = []
        by_nbhd: dict[int, list[Person]] = {}
        named: dict[str, Person] = {}
        for nbhd in nbhds:
            nbhd_homes = list(homes.get(nbhd.pk, []))
            street_homes = [h for h in nbhd_homes if " / " not in h.street]
            self.rng.shuffle(street_homes)
            pool = street_homes or nbhd_homes
            if not pool:
                continue  # a golf course site: nobody lives there
            verified, pending = self._plan_neighborhood(nbhd, pool, nbhd.pk in launched)
            if nbhd.slug == HOME_SLUG:
                verified, pending = self._name_people(verified, pending, named)
            by_nbhd[nbhd.pk] = verified
            people.extend(verified + pending)
        return Population(people, by_nbhd, homes, launched, named, self._operator())

    def _choose_launched(self, nbhds: list[Neighborhood],
                         homes: dict[int, list[Home]]) -> set[int]:
        # The places with the fewest addresses (the parkway, the airport, industrial parks)
        # are the ones that have not launched yet: that is where few people live.
        count = round(len(nbhds) * LAUNCHED_SHARE)
        ranked = sorted(nbhds, key=lambda n: (-len(homes.get(n.pk, [])), n.slug))
        chosen = {n.pk for n in ranked[:count]}
        home = next((n for n in nbhds if n.slug == HOME_SLUG), None)
        if home is not None and home.pk not in chosen:  # the named accounts' neighborhood
            chosen.discard(ranked[count - 1].pk)
            chosen.add(home.pk)
        return chosen

    def _plan_neighborhood(self, nbhd: Neighborhood, pool: list[Home],
                           launched: bool) -> tuple[list[Person], list[Person]]:
        rng, now, day = self.rng, self.now, dt.timedelta(days=1)
        if launched:
            size = self.threshold + rng.randint(0, 12) + min(len(pool) // 25, 15)
            launch = now - day * rng.uniform(35, 240)
            founders = sorted(launch - day * rng.uniform(0.5, 60)
                              for _ in range(self.threshold - 1))
            later = sorted(launch + day * rng.uniform(0.1, (now - launch) / day - 1)
                           for _ in range(size - self.threshold))
            times = [*founders, launch, *later]
            pending_count = rng.randint(0, 3)
        else:
            times = sorted(now - day * rng.uniform(1, 150)
                           for _ in range(rng.randint(0, self.threshold - 1)))
            pending_count = rng.randint(1, 4)
        # Homes cycle through the shuffled addresses: neighbors share a block-level
        # address only where the gazetteer has fewer addresses than residents.
        slots = [*times, *([None] * pending_count)]
        people = [self._person(nbhd, pool[i % len(pool)], at) for i, at in enumerate(slots)]
        return people[:len(times)], people[len(times):]

    def _person(self, nbhd: Neighborhood, home: Home,
                verified_at: dt.datetime | None) -> Person:
        self.counter += 1
        name = names.random_name(self.rng)
        if verified_at is None:
            joined = self.now - dt.timedelta(days=self.rng.uniform(0.2, 25))
        else:
            joined = verified_at - dt.timedelta(days=self.rng.uniform(1, 12))
        email = f"{names.email_local_part(name, self.counter)}@{DOMAIN}"
        return Person(name, email, nbhd, home, joined, verified_at)

    def _name_people(self, verified: list[Person], pending: list[Person],
                     named: dict[str, Person]) -> tuple[list[Person], list[Person]]:
        # The README's accounts take the places of the first founders and of one
        # newcomer, so their state is the same whatever the random draw.
        for person, account in zip(verified, (RESIDENT, NEIGHBOR, LEAD), strict=False):
            person.name, person.email = account.name, account.email
            named[account.local] = person
        if not pending:
            pending = [self._person(verified[0].nbhd, verified[0].home, None)]
        pending[0].name, pending[0].email = NEWCOMER.name, NEWCOMER.email
        named[NEWCOMER.local] = pending[0]
        return verified, pending

    def _operator(self) -> User:
        return User(email=OPERATOR.email, display_name=OPERATOR.name, is_staff=True,
                    is_superuser=True, is_demo=True,
                    date_joined=self.now - dt.timedelta(days=365))


@functools.cache
def password_hash() -> str:
    """The demo accounts' password, hashed once per process: hashing is deliberately slow."""
    return make_password(PASSWORD)


def write(city: City, population: Population, rng: random.Random,
          now: dt.datetime) -> None:
    """Insert the users and residents, appoint leads, then settle the derived state."""
    password = password_hash()
    users = [population.operator]
    for person in population.people:
        users.append(User(email=person.email, display_name=person.name, is_demo=True,
                          date_joined=person.joined_at))
    for user in users:
        user.password = password
    User.objects.bulk_create(users, batch_size=500)
    residents = []
    for user, person in zip(users[1:], population.people, strict=True):
        person.resident = Resident(
            user=user, neighborhood=person.nbhd, home_lat=person.home.lat,
            home_lon=person.home.lon, home_address=person.home.text, street=person.home.street,
            verified_at=person.verified_at,
            verification_method=_method(rng) if person.verified_at else "",
        )
        residents.append(person.resident)
    Resident.objects.bulk_create(residents, batch_size=500)
    for person, resident in zip(population.people, residents, strict=True):
        resident.created_at = person.joined_at  # auto_now_add said "now"; the plan differs
    Resident.objects.bulk_update(residents, ["created_at"], batch_size=500)
    _appoint_leads(population, rng, now)
    settle_neighborhoods(city)


def _method(rng: random.Random) -> str:
    return rng.choices(
        [Resident.Method.POSTCARD, Resident.Method.INVITATION, Resident.Method.OPERATOR],
        weights=[6, 3, 1],
    )[0]


def _appoint_leads(population: Population, rng: random.Random, now: dt.datetime) -> None:
    """Pocket's lead is the named account; about 60% of the other launched places have one."""
    named_lead = population.named.get(LEAD.local)
    named = {id(p) for p in population.named.values()}
    leads = []
    for nbhd_id, members in population.by_nbhd.items():
        if nbhd_id not in population.launched:
            continue
        if named_lead is not None and named_lead.nbhd.pk == nbhd_id:
            lead = named_lead
        elif rng.random() < 0.6:
            lead = rng.choice([m for m in members if id(m) not in named])
        else:
            continue
        assert lead.verified_at is not None and lead.resident is not None
        lead.resident.lead_since = (
            lead.verified_at + (now - lead.verified_at) * rng.uniform(0.1, 0.9)
        )
        leads.append(lead.resident)
    Resident.objects.bulk_update(leads, ["lead_since"], batch_size=500)


def settle_neighborhoods(city: City) -> None:
    """Member counts, launch times and founding members, from the residents' rows.

    The same rule as `accounts.actions.verify_resident`: a neighborhood launches when its
    threshold-th member is verified, and the members verified by then are its founders.
    Neighborhoods that had launched before keep their launch time.
    """
    threshold = settings.TOWNSQUARE_LAUNCH_THRESHOLD
    verified = Resident.objects.filter(neighborhood__city=city, verified_at__isnull=False)
    counts = dict(verified.values_list("neighborhood").annotate(n=Count("id")))
    changed = []
    for nbhd in Neighborhood.objects.filter(city=city):
        nbhd.verified_members = counts.get(nbhd.pk, 0)
        if nbhd.launched_at is None and nbhd.verified_members >= threshold:
            times = verified.filter(neighborhood=nbhd).order_by("verified_at", "pk")
            nbhd.launched_at = times.values_list("verified_at", flat=True)[threshold - 1]
            times.filter(verified_at__lte=nbhd.launched_at).update(founding_member=True)
        changed.append(nbhd)
    Neighborhood.objects.bulk_update(changed, ["verified_members", "launched_at"],
                                     batch_size=200)
