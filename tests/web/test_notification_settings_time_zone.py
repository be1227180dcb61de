"""The quiet hours' time zone is picked from a list of zone names; the first choice, the
default, is the city's zone."""

from __future__ import annotations

import re

import pytest

from tests.web.agency_helpers import signed_in
from townsquare.notifications import actions
from townsquare.notifications.models import NotificationPreference
from townsquare.notifications.quiet import time_zone_names

pytestmark = pytest.mark.django_db

FORM = {"email_enabled": "on", "push_enabled": "on", "quiet_start": "22:00",
        "quiet_end": "07:00"}


def _select(html: str) -> str:
    match = re.search(r'<select name="time_zone"[^>]*>(.*?)</select>', html, re.S)
    assert match is not None
    return match[1]


def test_the_list_holds_zone_names_and_not_old_aliases():
    names = time_zone_names()
    assert {"America/Los_Angeles", "America/New_York", "Europe/Berlin",
            "America/Argentina/Buenos_Aires", "UTC"} <= set(names)
    assert not {"US/Pacific", "Etc/GMT+8", "EST5EDT"} & set(names)
    assert list(names[:-1]) == sorted(names[:-1])


def test_the_citys_zone_is_the_first_choice_and_selected_by_default(roles):
    select = _select(signed_in(roles["neighbor"]).get("/settings/notifications/")
                     .content.decode())

    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options[0] == ("", " selected", "Your city&#x27;s time zone (America/Los_Angeles)")
    assert [o for o in options if o[1]] == [options[0]]
    assert len(options) == 1 + len(time_zone_names())
    assert '<optgroup label="America">' in select
    assert '<option value="America/Los_Angeles">Los Angeles</option>' in select
    assert ('<option value="America/Argentina/Buenos_Aires">Argentina – Buenos Aires</option>'
            in select)


def test_a_chosen_zone_is_saved_and_shown_selected(roles):
    client = signed_in(roles["neighbor"])

    response = client.post("/settings/notifications/", {**FORM, "time_zone": "Europe/Berlin"})

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=roles["neighbor"]).time_zone == "Europe/Berlin"
    select = _select(client.get("/settings/notifications/").content.decode())
    assert '<option value="Europe/Berlin" selected>Berlin</option>' in select


def test_a_name_not_in_the_list_is_refused(roles):
    response = signed_in(roles["neighbor"]).post("/settings/notifications/",
                                                 {**FORM, "time_zone": "Mars/Olympus"})

    assert response.status_code == 400
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in (
        response.content.decode())
    assert not NotificationPreference.objects.filter(user=roles["neighbor"]).exists()


def test_an_older_alias_chosen_before_stays_chosen(roles):
    actions.update_preferences(roles["neighbor"], {"time_zone": "US/Pacific"})

    select = _select(signed_in(roles["neighbor"]).get("/settings/notifications/")
                     .content.decode())

    assert '<option value="US/Pacific" selected>Pacific</option>' in select
