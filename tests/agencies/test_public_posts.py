"""An agency's public page and the public alerts of residents who are not yet verified:
public kinds only, never a request for information, a targeted or a practice post."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.agencies.factories import publish
from tests.web.agency_helpers import signed_in
from townsquare.agencies import selectors
from townsquare.agencies.actions.alerts import set_alert_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency_roles, police):
    pub = agency_roles["publisher"]
    return {
        "rfi": publish(pub, police, title="Witnesses wanted", neighborhoods=["alder"]),
        "targeted": set_alert_details(pub, publish(pub, police, kind="alert",
                                                   title="Police activity on 5th",
                                                   neighborhoods=["alder"]),
                                      targeted_only=True),
        "practice": publish(pub, police, kind="alert", title="Practice alert", practice=True),
        "news": publish(pub, police, kind="news", title="New station hours",
                        neighborhoods=["ironwood"]),
        "alert": set_alert_details(pub, publish(pub, police, kind="alert", title="Gas leak",
                                                neighborhoods=["alder"]),
                                   severity="severe"),
        "elsewhere": publish(pub, police, kind="alert", title="Flooding",
                             neighborhoods=["ironwood"]),
    }


def titles(html: str, candidates: list[str]) -> list[str]:
    return sorted((t for t in candidates if t in html), key=html.index)


ALL = ["Witnesses wanted", "Police activity on 5th", "Practice alert", "New station hours",
       "Gas leak", "Flooding"]


def test_the_public_page_lists_public_posts_newest_first_for_anyone(world, police):
    response = Client().get(f"/agencies/{police.slug}/")

    assert response.status_code == 200
    assert titles(response.content.decode(), ALL) == ["Flooding", "Gas leak",
                                                      "New station hours"]


def test_the_public_page_is_paginated(world, police, agency_roles):
    for number in range(20):
        publish(agency_roles["publisher"], police, kind="news", title=f"Bulletin {number:02}",
                neighborhoods=["alder"])

    first = Client().get(f"/agencies/{police.slug}/").content.decode()
    second = Client().get(f"/agencies/{police.slug}/?page=2").content.decode()

    assert titles(first, ALL + ["Bulletin 19", "Bulletin 00"]) == ["Bulletin 19",
                                                                    "Bulletin 00"]
    assert titles(second, ALL + ["Bulletin 00"]) == ["Flooding", "Gas leak",
                                                     "New station hours"]
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_an_unverified_resident_sees_only_the_public_alerts_for_their_neighborhood(
        world, agency_roles):
    user = agency_roles["unverified"]
    response = signed_in(user).get("/inbox/")

    assert [p.title for p in selectors.public_alerts_for(user)] == ["Gas leak"]
    assert titles(response.content.decode(), ALL) == ["Gas leak"]
    assert "Severe alert" in response.content.decode()


def test_an_alert_with_its_all_clear_leaves_the_unverified_residents_list(world,
                                                                          agency_roles):
    from townsquare.agencies.actions.alerts import post_alert_update

    post_alert_update(agency_roles["publisher"], world["alert"], body="Done.", all_clear=True)

    assert selectors.public_alerts_for(agency_roles["unverified"]) == []


def test_verified_residents_and_others_get_no_public_alert_list(world, agency_roles):
    for role in ("anonymous", "resident_in", "resident_out", "publisher", "operator"):
        assert selectors.public_alerts_for(agency_roles[role] or _anon()) == []


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_no_request_for_information_or_targeted_post_on_public_pages(world, police,
                                                                     agency_roles):
    for role in ("anonymous", "unverified", "resident_out"):
        client = signed_in(agency_roles[role]) if agency_roles[role] else Client()
        for key in ("rfi", "targeted", "practice"):
            url = f"/agencies/{police.slug}/posts/{world[key].pk}/"
            assert client.get(url).status_code == 404, (role, key)
        page = client.get(f"/agencies/{police.slug}/").content.decode()
        assert titles(page, ["Witnesses wanted", "Police activity on 5th",
                             "Practice alert"]) == []


def test_an_alert_page_shows_severity_area_and_until(world, police, agency_roles):
    import datetime as dt

    from django.utils import timezone

    from townsquare.agencies import actions

    until = timezone.now() + dt.timedelta(hours=3)
    actions.update_agency_post(agency_roles["publisher"], world["alert"], expires_at=until)
    html = Client().get(f"/agencies/{police.slug}/posts/{world['alert'].pk}/").content.decode()

    assert 'class="alert-banner alert-severity-severe"' in html
    assert "Severe alert" in html
    assert "for Alder" in html
    assert f'until <time datetime="{until.isoformat(timespec="seconds")}' in html \
        or f'datetime="{timezone.localtime(until).strftime("%Y-%m-%dT%H:%M:%S")}' in html
    assert "<svg" in html and "Map of the area: Alder" in html
