"""The header's agency links: the staff member's agency, the inbox and its unread count
(rendered with the page; a live update of the count belongs to the notifications)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from townsquare import policy
from townsquare.agencies import selectors
from townsquare.agencies.models import Agency

register = template.Library()


@dataclass(frozen=True)
class AgencyNav:
    agency: Agency | None  # the caller's agency, if they are its staff
    has_inbox: bool
    unread: int
    cap: int

    @property
    def unread_label(self) -> str:
        return f"{self.cap}+" if self.unread > self.cap else str(self.unread)


@register.simple_tag(takes_context=True)
def agency_nav(context: dict[str, Any]) -> AgencyNav:
    request = context.get("request")
    user = getattr(request, "user", None)
    resident = policy.resident_of(user)  # cached on the user: the header asks it anyway
    # Staff are never residents (agencies/actions/staff.py): a resident needs no second look.
    staff = policy.agency_staff_of(user) if resident is None else None
    has_inbox = policy.has_inbox(user)
    cap = 99
    unread = selectors.unread_count(user, cap=cap) if has_inbox else 0
    return AgencyNav(staff.agency if staff is not None else None, has_inbox, unread, cap)
