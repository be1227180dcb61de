"""The demo's public agencies: the police and a city department, their staff, their posts.

Everything is written through the agencies actions, as an operator would do it: the
operator creates the agencies (`create_agency`) and adds their staff (`add_agency_staff`),
each staff member enrols an authenticator (`codes.ensure_enrolled`), publishers publish
(planned in `agency_posts`, written by `agency_publishing`). Only the accounts themselves
are made here, like every demo account: marked `is_demo`, at the reserved domain, with the
published password.

Idempotent step by step (each agency, account, device and post is looked up first), so a
second load changes nothing and a load interrupted half-way is finished by the next one.
The actions stamp "now"; the demo then puts back the planned times, as content.py does
for the residents' posts.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from townsquare.accounts.models import User
from townsquare.agencies import actions
from townsquare.agencies.models import Agency, AgencyStaff
from townsquare.demo import agency_posts, agency_publishing, codes, incidents
from townsquare.demo.people import DOMAIN, OPERATOR, Named, password_hash
from townsquare.places.models import City

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class AgencySpec:
    name: str
    kind: str
    website: str
    neighborhoods: tuple[str, ...] | None  # None: every neighborhood of the city
    since_days: int  # how long ago it joined


@dataclass(frozen=True)
class StaffSpec:
    account: Named
    agency: AgencySpec
    role: str
    since_days: int


POLICE = AgencySpec("Sacramento Police Department", Agency.Kind.POLICE,
                    f"https://police.{DOMAIN}/", None, since_days=150)
# A city department whose demo jurisdiction is the South Area along the river.
UTILITIES = AgencySpec("Sacramento Department of Utilities", Agency.Kind.CITY,
                       f"https://utilities.{DOMAIN}/",
                       ("pocket", "little-pocket", "greenhaven", "south-land-park",
                        "meadowview", "zberg-park", "freeport-manor", "land-park"),
                       since_days=90)
AGENCIES = (POLICE, UTILITIES)

CHIEF = StaffSpec(Named("chief", "Dana Whitfield",
                        "Sacramento Police Department, admin (staff, audit log, exports)"),
                  POLICE, AgencyStaff.Role.ADMIN, since_days=150)
OFFICER = StaffSpec(Named("officer", "Marcus Bell",
                          "Sacramento Police Department, publisher (posts)"),
                    POLICE, AgencyStaff.Role.PUBLISHER, since_days=120)
TIPS = StaffSpec(Named("tips", "Rosa Delgado",
                       "Sacramento Police Department, tips desk (reads and hides replies)"),
                 POLICE, AgencyStaff.Role.TIPS, since_days=100)
UTILITY = StaffSpec(Named("utilities", "Kim Tran",
                          "Department of Utilities, admin (publishes too)"),
                    UTILITIES, AgencyStaff.Role.ADMIN, since_days=90)
STAFF = (CHIEF, OFFICER, TIPS, UTILITY)


@dataclass(frozen=True)
class Summary:
    added: bool  # False when everything was already there
    agencies: int
    staff: int
    posts: int
    replies: int
    thanks: int


def load(city: City, incidents_file: Path, seed: int, now: dt.datetime, *,
         found: list[incidents.Incident] | None = None) -> Summary:
    """Add whatever is missing. `found`: the incidents, if the caller has read them."""
    operator = User.objects.get(email=OPERATOR.email)
    added = False
    made: dict[AgencySpec, Agency] = {}
    for spec in AGENCIES:
        made[spec], created = _agency(city, spec, operator, now)
        added |= created
    staff: dict[StaffSpec, User] = {}
    for member in STAFF:
        staff[member], created = _staff(made[member.agency], member, operator, now)
        added |= created
    for user in staff.values():
        added |= codes.ensure_enrolled(user)
    if not agency_publishing.all_there(list(made.values())):
        planner = agency_posts.Planner(city, found if found is not None
                                       else incidents.read(incidents_file),
                                       random.Random(seed), now)
        added |= agency_publishing.publish(planner.plan(
            made[POLICE], made[UTILITIES],
            {member.account.local: user for member, user in staff.items()}))
    return _summary(list(made.values()), added)


def _agency(city: City, spec: AgencySpec, operator: User,
            now: dt.datetime) -> tuple[Agency, bool]:
    existing = Agency.objects.filter(city=city, name=spec.name, email_domain=DOMAIN).first()
    if existing is not None:
        return existing, False
    agency = actions.create_agency(
        name=spec.name, city=city, kind=spec.kind, website=spec.website, email_domain=DOMAIN,
        all_neighborhoods=spec.neighborhoods is None,
        neighborhoods=list(spec.neighborhoods) if spec.neighborhoods else None,
        actor=operator)
    joined = now - spec.since_days * DAY
    with transaction.atomic(durable=True):
        Agency.objects.filter(pk=agency.pk).update(created_at=joined, verified_at=joined)
    agency.refresh_from_db()
    return agency, True


def _staff(agency: Agency, member: StaffSpec, operator: User,
           now: dt.datetime) -> tuple[User, bool]:
    account = member.account
    user = User.objects.filter(email=account.email).first()
    created = user is None
    if user is None:
        user = User.objects.create(email=account.email, display_name=account.name,
                                   password=password_hash(), is_demo=True,
                                   date_joined=now - member.since_days * DAY)
    if not AgencyStaff.objects.filter(agency=agency, user=user, active=True).exists():
        staff, _link = actions.add_agency_staff(agency, account.email, member.role,
                                                actor=operator, send_email=False)
        with transaction.atomic(durable=True):
            AgencyStaff.objects.filter(pk=staff.pk).update(created_at=user.date_joined)
        created = True
    return user, created


def _summary(made: list[Agency], added: bool) -> Summary:
    counts = agency_publishing.counts(made)
    return Summary(
        added=added, agencies=len(made),
        staff=AgencyStaff.objects.filter(agency__in=made, active=True).count(),
        posts=counts.posts, replies=counts.replies, thanks=counts.thanks,
    )
