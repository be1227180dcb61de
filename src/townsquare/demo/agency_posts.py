"""The demo agencies' posts, and the residents who reply to them and thank them: planned
from the real incidents and a seeded generator (agency_publishing.py writes them).

resident@demo is left out of every reply, thanks and read: whoever signs in with it finds
the posts unread in the inbox, and replies and thanks themselves.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from townsquare.accounts.models import Resident, User
from townsquare.agencies import selectors as agency_selectors
from townsquare.agencies.models import Agency, AgencyPost
from townsquare.demo import agency_texts as texts
from townsquare.demo.incidents import Incident, recent
from townsquare.demo.people import HOME_SLUG, LEAD, NEIGHBOR, RESIDENT
from townsquare.places.models import Address, City, Neighborhood

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
# The posts' Idempotency-Keys: how a later load finds them.
GRAFFITI_KEY, BREAK_INS_KEY = "demo-graffiti-series", "demo-car-break-ins"
COFFEE_KEY, FLUSHING_KEY = "demo-coffee-with-a-cop", "demo-hydrant-flushing"
KEYS = (GRAFFITI_KEY, BREAK_INS_KEY, COFFEE_KEY, FLUSHING_KEY)
GRAFFITI_TARGETS = (HOME_SLUG, "greenhaven", "meadowview", "south-land-park")
COFFEE_TARGETS = (HOME_SLUG, "little-pocket", "greenhaven")


@dataclass
class Plan:
    agency: Agency
    author: User
    key: str  # the Idempotency-Key
    fields: dict[str, Any]  # publish_agency_post's keyword arguments
    published_at: dt.datetime
    replies: list[tuple[Resident, str, dt.datetime]] = field(default_factory=list)
    thanks: list[tuple[Resident, dt.datetime]] = field(default_factory=list)


class Planner:
    def __init__(self, city: City, found: list[Incident], rng: random.Random,
                 now: dt.datetime) -> None:
        self.city, self.found, self.rng, self.now = city, found, rng, now
        self.nbhds = {n.slug: n for n in Neighborhood.objects.filter(city=city)}
        by_id = {n.pk: n for n in self.nbhds.values()}
        self.nbhd_of = {key: by_id[nbhd_id] for key, nbhd_id in Address.objects.filter(
            city=city, neighborhood__isnull=False).values_list("key", "neighborhood_id")}

    def plan(self, police: Agency, utilities: Agency, staff: dict[str, User]) -> list[Plan]:
        plans = [self._graffiti(police, staff["officer"]),
                 self._break_ins(police, staff["officer"]),
                 self._coffee(police, staff["chief"]),
                 self._flushing(utilities, staff["utilities"])]
        return [p for p in plans if p is not None]

    # --- the posts ---------------------------------------------------------------------
    def _graffiti(self, agency: Agency, author: User) -> Plan | None:
        """A request for information about the graffiti reported in and around Pocket."""
        series = sorted((i for i in self.found if i.title == "Graffiti" and self._slug(i)
                         in GRAFFITI_TARGETS), key=lambda i: i.when)
        if len(series) < 2:
            return None
        times = [recent(i.when, self.now) for i in series]
        published = self._past(timezone.localdate(times[-1]) + DAY, 10, 15)
        spots = Counter((i.where, self.nbhd_of[i.address_key].name) for i in series)
        places = [f"{where} in {nbhd}{_times(n)}" for (where, nbhd), n in spots.items()]
        home = self.nbhds[HOME_SLUG].name
        names = sorted(dict.fromkeys(nbhd for _where, nbhd in spots), key=lambda n: n != home)
        case = f"{published.year % 100:02d}-{self.rng.randint(1000, 99999):06d}"
        area = "; ".join(
            f"{nbhd}: " + ", ".join(w.removeprefix("on the ").removeprefix("at ")
                                    for w, n in spots if n == nbhd) for nbhd in names)
        plan = Plan(agency, author, GRAFFITI_KEY, {
            "kind": AgencyPost.Kind.REQUEST_FOR_INFORMATION,
            "title": texts.GRAFFITI_TITLE.format(nbhds=_join(names)),
            "body": texts.GRAFFITI_BODY.format(first=_day(times[0]), last=_day(times[-1]),
                                               count=len(series), places=_join(places),
                                               case=case),
            "neighborhoods": list(GRAFFITI_TARGETS), "case_number": case, "rfi_area": area,
            # A tag is found in the morning: the window opens the evening before.
            "rfi_from": times[0] - 12 * HOUR, "rfi_until": times[-1],
        }, published)
        first, second = texts.GRAFFITI_REPLIES
        self._reply(plan, self._named(NEIGHBOR.email), first)
        # Someone from another neighborhood of the series saw the same tags.
        elsewhere = list(dict.fromkeys(self.nbhd_of[i.address_key] for i in series
                                       if self._slug(i) != HOME_SLUG))
        self._reply(plan, self._someone(plan, elsewhere or None), second)
        self._thank(plan, 6, 14)
        return plan

    def _break_ins(self, agency: Agency, author: User) -> Plan | None:
        """A city-wide advisory with the month's car break-ins and where they were most."""
        published = self._past(timezone.localdate(self.now) - 2 * DAY, 8, 30)
        month = [i for i in self.found if i.title == "Car break-in"
                 and published - 28 * DAY < recent(i.when, self.now) <= published]
        where = Counter(self.nbhd_of[i.address_key].name for i in month
                        if i.address_key in self.nbhd_of)
        if not where:
            return None
        top = [name for name, _n in where.most_common(3)]
        plan = Plan(agency, author, BREAK_INS_KEY, {
            "kind": AgencyPost.Kind.ADVISORY, "title": texts.BREAK_INS_TITLE,
            "body": texts.BREAK_INS_BODY.format(day=_day(published), count=len(month),
                                                nbhds=_join(top)),
        }, published)
        by_name = {n.name: n for n in self.nbhds.values()}
        for name, body in zip(top, texts.BREAK_INS_REPLIES, strict=False):
            self._reply(plan, self._someone(plan, [by_name[name]]), body)
        self._thank(plan, 12, 24)
        return plan

    def _coffee(self, agency: Agency, author: User) -> Plan:
        today = timezone.localdate(self.now)
        starts = _local(today + 5 * DAY, 9, 30)
        names = [self.nbhds[s].name for s in COFFEE_TARGETS]
        plan = Plan(agency, author, COFFEE_KEY, {
            "kind": AgencyPost.Kind.EVENT, "title": texts.COFFEE_TITLE,
            "body": texts.COFFEE_BODY.format(nbhds=_join(names), day=_day(starts)),
            "neighborhoods": list(COFFEE_TARGETS), "event_starts_at": starts,
            "event_place": texts.COFFEE_PLACE,
        }, self._past(today - 4 * DAY, 14, 0))
        first, second = texts.COFFEE_REPLIES
        self._reply(plan, self._named(LEAD.email), first)
        self._reply(plan, self._someone(plan, [self.nbhds[COFFEE_TARGETS[-1]]]), second)
        self._thank(plan, 5, 12)
        return plan

    def _flushing(self, agency: Agency, author: User) -> Plan:
        """The department's notice to its whole jurisdiction: next Monday for two weeks."""
        today = timezone.localdate(self.now)
        first = today + dt.timedelta(days=7 - today.weekday())
        last = first + dt.timedelta(days=11)  # the Friday of the week after
        names = [n.name for n in agency_selectors.jurisdiction_neighborhoods(agency)]
        plan = Plan(agency, author, FLUSHING_KEY, {
            "kind": AgencyPost.Kind.ADVISORY,
            "title": texts.FLUSHING_TITLE.format(first=_short(first), last=_short(last)),
            "body": texts.FLUSHING_BODY.format(first=_day(first), last=_day(last),
                                               nbhds=_join(names)),
        }, self._past(today - DAY, 9, 0))
        self._reply(plan, self._someone(plan, [self.nbhds["little-pocket"]]),
                    texts.FLUSHING_REPLIES[0])
        self._thank(plan, 5, 12)
        return plan

    # --- who answers ---------------------------------------------------------------------
    def _pool(self, plan: Plan, nbhds: list[Neighborhood] | None,
              leave_out: tuple[str, ...] = ()) -> list[int]:
        """Residents verified before the post, in the given neighborhoods (default: its
        targets), in a stable order: their ids."""
        if nbhds is None:
            slugs = plan.fields.get("neighborhoods")
            nbhds = ([self.nbhds[s] for s in slugs] if slugs
                     else agency_selectors.jurisdiction_neighborhoods(plan.agency))
        return list(Resident.objects.filter(
            neighborhood__in=nbhds, verified_at__lt=plan.published_at,
        ).exclude(user__email__in=[RESIDENT.email, *leave_out])
            .order_by("user__email").values_list("pk", flat=True))

    def _someone(self, plan: Plan, nbhds: list[Neighborhood] | None) -> Resident | None:
        taken = {r.pk for r, _body, _at in plan.replies}
        pool = [pk for pk in self._pool(plan, nbhds, (NEIGHBOR.email, LEAD.email))
                if pk not in taken]
        return _residents([self.rng.choice(pool)])[0] if pool else None

    def _named(self, email: str) -> Resident | None:
        return Resident.objects.select_related("user").filter(
            user__email=email, verified_at__isnull=False).first()

    def _reply(self, plan: Plan, resident: Resident | None, body: str) -> None:
        if resident is not None:
            plan.replies.append((resident, body, self._after(plan.published_at)))
            plan.replies.sort(key=lambda r: r[2])

    def _thank(self, plan: Plan, low: int, high: int) -> None:
        pool = self._pool(plan, None)
        chosen = self.rng.sample(pool, min(len(pool), self.rng.randint(low, high)))
        for resident in _residents(chosen):
            plan.thanks.append((resident, self._after(plan.published_at)))

    def _after(self, moment: dt.datetime) -> dt.datetime:
        end = min(moment + 2 * DAY, self.now - dt.timedelta(minutes=10))
        return moment + (end - moment) * self.rng.uniform(0.05, 1)

    def _past(self, day: dt.date, hour: int, minute: int) -> dt.datetime:
        """A publishing time: local, and never later than an hour before now."""
        return min(_local(day, hour, minute), self.now - HOUR)

    def _slug(self, incident: Incident) -> str | None:
        nbhd = self.nbhd_of.get(incident.address_key)
        return nbhd.slug if nbhd is not None else None


def _residents(pks: list[int]) -> list[Resident]:
    found = Resident.objects.select_related("user").in_bulk(pks)
    return [found[pk] for pk in pks]


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _day(moment: dt.datetime | dt.date) -> str:
    """"Monday, March 3": no platform-specific strftime flags."""
    return f"{moment:%A, %B} {moment.day}"


def _short(day: dt.date) -> str:
    return f"{day:%B} {day.day}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _times(count: int) -> str:
    return {1: "", 2: " (twice)"}.get(count, f" ({count} times)")
