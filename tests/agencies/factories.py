"""Agencies, staff and agency posts for the tests, built through the real actions.

Testville (tests/factories.py) gets two agencies: "Testville Police" (slug
`testville-police`, every neighborhood, staff at police.testville.gov) and "Testville
Water" (slug `testville-water`, staff at water.testville.gov).
"""

from __future__ import annotations

from typing import Any

from townsquare.accounts.models import User
from townsquare.agencies import actions
from townsquare.agencies.models import Agency, AgencyPost
from townsquare.places.models import City

POLICE_DOMAIN = "police.testville.gov"
WATER_DOMAIN = "water.testville.gov"


def make_agency(city: City, name: str = "Testville Police", *, domain: str = POLICE_DOMAIN,
                neighborhoods: list[str] | None = None, kind: str = "police") -> Agency:
    return actions.create_agency(
        name=name, city=city, kind=kind, all_neighborhoods=neighborhoods is None,
        neighborhoods=neighborhoods, website=f"https://{domain}", email_domain=domain)


def make_staff(agency: Agency, role: str, name: str | None = None) -> User:
    local = (name or role).lower().replace(" ", ".")
    staff, _link = actions.add_agency_staff(
        agency, f"{local}@{agency.email_domain}", role, display_name=name or role.title(),
        send_email=False)
    return staff.user


def publish(user: User, agency: Agency, **fields: Any) -> AgencyPost:
    fields.setdefault("kind", "request_for_information")
    fields.setdefault("title", "Did you see a grey van?")
    fields.setdefault("body", "We are looking for witnesses of a break-in on Monday night.")
    post, _created = actions.publish_agency_post(user, agency, **fields)
    return post
