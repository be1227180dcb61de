"""What every agency page shares: sign-in with the second factor for agency staff, the
agency's local time, and the small helpers the agency views have in common.

Agency staff must have set up an authenticator app and typed a code in this session
before any agency page opens (policy.needs_second_factor); residents and operators
are not asked. The check is a decorator so that no agency view can forget it. The pages
and the sign-in are described for agencies in docs/agencies.md.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from townsquare.accounts.actions import second_factor
from townsquare.agencies.models import Agency
from townsquare.core import cursors
from townsquare.web.errors import domain_errors


def is_second_factor_verified(user: Any) -> bool:
    """For staff: whether this session typed a code (accounts' second_factor_satisfied)."""
    return second_factor.second_factor_satisfied(user)


def second_factor_page(request: HttpRequest) -> HttpResponse:
    """Where staff go before an agency page: set up the app, or type today's code."""
    target = ("web:totp_verify" if second_factor.has_second_factor(request.user)
              else "web:totp_setup")
    # After a POST the page is not worth coming back to (the form is gone): the dashboard.
    back = request.get_full_path() if request.method == "GET" else reverse("web:agency_home")
    return redirect(f"{reverse(target)}?{urlencode({'next': back})}")


def second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not second_factor.second_factor_satisfied(request.user):
            return second_factor_page(request)
        return view(request, *args, **kwargs)

    return wrapper


def agency_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, second factor for staff, domain errors as pages: every agency view."""
    return login_required(second_factor_required(domain_errors(view)))


@contextmanager
def agency_time(agency: Agency) -> Iterator[None]:
    """Forms read, and pages show, times in the agency's city's time zone."""
    try:
        zone = zoneinfo.ZoneInfo(agency.city.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    with timezone.override(zone):
        yield


def next_cursor(rows: list[Any], limit: int, field: str = "created_at") -> str | None:
    """The cursor after a page of `limit` rows, from a selector's `limit + 1` rows."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return cursors.encode(getattr(last, field), last.pk)
