"""An alert's updates and all-clear: one thread, delivered to exactly the alert's audience,
shown in order on the alert's page with the all-clear marked."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.notifications.conftest import alert
from townsquare.agencies.actions.alerts import post_alert_update
from townsquare.agencies.models import AgencyPost
from townsquare.core.errors import Conflict, Forbidden
from townsquare.notifications import tasks
from townsquare.notifications.models import Delivery

pytestmark = pytest.mark.django_db


def recipients(post: AgencyPost) -> set[int]:
    return set(Delivery.objects.filter(agency_post=post).values_list("recipient_id", flat=True))


def test_updates_reach_exactly_the_alerts_audience_in_one_thread(city, alder, publisher,
                                                                  police):
    birch = factories.nbhd(city, "Birch")
    cedar = factories.nbhd(city, "Cedar")
    reached = [factories.make_resident(alder), factories.make_resident(birch)]
    factories.make_resident(cedar)  # not targeted
    factories.make_resident(alder, verified=False)  # not verified: not told
    first = alert(publisher, police, neighborhoods=["alder", "birch"])

    update = post_alert_update(publisher, first, body="The leak is contained on 3rd St.")
    tasks.fan_out_agency_post.call(post_id=update.pk)
    clear = post_alert_update(publisher, first, body="Repairs are done.", all_clear=True)
    tasks.fan_out_agency_post.call(post_id=clear.pk)

    ids = {u.pk for u in reached}
    assert recipients(first) == ids
    assert recipients(update) == ids
    assert recipients(clear) == ids
    assert [(p.update_kind, p.title) for p in first.updates.order_by("publish_at", "pk")] == [
        ("update", "Update: Gas leak on Alder Lane"),
        ("all_clear", "All clear: Gas leak on Alder Lane"),
    ]


def test_the_alert_page_shows_its_thread_in_order_with_the_all_clear_marked(alder, publisher,
                                                                            police):
    first = alert(publisher, police)
    post_alert_update(publisher, first, body="Crews are on site.")
    post_alert_update(publisher, first, body="Repairs are done.", all_clear=True)

    page = Client().get(f"/agencies/{police.slug}/posts/{first.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Crews are on site.") < html.index("Repairs are done.")
    assert html.count('class="all-clear-label"') == 1
    assert 'class="all-clear-banner"' in html
    assert "Map of the area: Alder" in html


def test_only_publishers_post_updates_and_only_to_a_first_post(police, alder, publisher):
    first = alert(publisher, police)
    tips = factories_staff(police)
    update = post_alert_update(publisher, first, body="More soon.")

    with pytest.raises(Forbidden):
        post_alert_update(tips, first, body="Not mine to say.")
    with pytest.raises(Conflict):
        post_alert_update(publisher, update, body="An update to an update.")


def factories_staff(police):
    from tests.agencies.factories import make_staff

    return make_staff(police, "tips", "Tia Tips")


def test_the_api_posts_an_update_and_lists_the_thread_on_the_post(alder, publisher, police):
    from tests.api.conftest import as_user

    resident = factories.make_resident(alder)
    first = alert(publisher, police)

    created = as_user(publisher).call("POST", f"/agency-posts/{first.pk}/updates",
                                      {"body": "Repairs are done.", "all_clear": True})
    reader = as_user(resident)
    read = reader.client.get(f"/api/v1/agency-posts/{first.pk}", headers=reader.headers)

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("parent_id", "kind", "title", "body")} == {
        "parent_id": first.pk, "kind": "all_clear",
        "title": "All clear: Gas leak on Alder Lane", "body": "Repairs are done."}
    assert [(u["id"], u["kind"]) for u in read.json()["updates"]] == [
        (created.json()["id"], "all_clear")]
    assert read.json()["severity"] == ""
