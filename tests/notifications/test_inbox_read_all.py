"""Mark all as read: the inbox page's button and `POST /api/v1/inbox/read-all`."""

from __future__ import annotations

import pytest

from tests.agencies.factories import publish
from tests.api.conftest import as_user
from tests.web.agency_helpers import signed_in
from townsquare.agencies import actions as agency_actions
from townsquare.agencies.models import InboxRead
from townsquare.notifications import actions, selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(agency_roles, police):
    publisher = agency_roles["publisher"]
    return [publish(publisher, police, title=f"Notice {i}", neighborhoods=["alder"])
            for i in range(3)]


def test_every_unread_post_of_the_inbox_is_marked_and_only_those(agency_roles, posts):
    reader = agency_roles["resident_in"]
    agency_actions.mark_read(reader, posts[0])
    assert selectors.unread_count(reader) == 2

    assert actions.mark_all_read(reader) == 2

    assert selectors.unread_count(reader) == 0
    assert sorted(InboxRead.objects.filter(user=reader).values_list("agency_post_id", flat=True)
                  ) == sorted(p.pk for p in posts)
    # Marked without opening: not counted as "seen" (rows with a neighborhood are).
    assert InboxRead.objects.filter(user=reader, neighborhood__isnull=False).count() == 1
    assert actions.mark_all_read(reader) == 0


def test_another_residents_inbox_is_untouched(agency_roles, posts):
    actions.mark_all_read(agency_roles["resident_in"])
    assert selectors.unread_count(agency_roles["resident_out"]) == 0  # nothing targeted there
    assert InboxRead.objects.exclude(user=agency_roles["resident_in"]).count() == 0


def test_staff_mark_their_agencys_posts(agency_roles, posts):
    admin = agency_roles["admin"]
    assert selectors.unread_count(admin) == 3
    assert actions.mark_all_read(admin) == 3
    assert selectors.unread_count(admin) == 0
    assert actions.mark_all_read(agency_roles["other_staff"]) == 0


def test_accounts_without_an_inbox_mark_nothing(agency_roles, posts):
    assert actions.mark_all_read(agency_roles["operator"]) == 0
    assert actions.mark_all_read(agency_roles["unverified"]) == 0
    assert InboxRead.objects.count() == 0


def test_the_page_button_marks_all_and_says_how_many(agency_roles, posts):
    client = signed_in(agency_roles["resident_in"])
    page = client.get("/inbox/").content.decode()
    assert "3 unread." in page
    assert '<form method="post" action="/inbox/read-all/">' in page
    assert ">Mark all as read</button>" in page

    response = client.post("/inbox/read-all/", follow=True)

    assert response.redirect_chain == [("/inbox/", 302)]
    html = response.content.decode()
    assert "3 posts marked as read." in html
    assert "Nothing unread." in html
    assert "Mark all as read" not in html
    assert "Nothing was unread." in client.post("/inbox/read-all/", follow=True
                                                ).content.decode()


def test_the_page_takes_post_only_and_sends_strangers_to_log_in(agency_roles, posts):
    assert signed_in(agency_roles["resident_in"]).get("/inbox/read-all/").status_code == 405
    response = signed_in(None).post("/inbox/read-all/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/inbox/read-all/"
    assert InboxRead.objects.count() == 0


def test_the_api_marks_all_and_reports_the_count(agency_roles, posts):
    api = as_user(agency_roles["resident_in"])

    response = api.post("/inbox/read-all")

    assert response.status_code == 200
    assert response.json() == {"marked": 3, "unread": 0}
    assert [i["read"] for i in api.get("/inbox").json()["items"]] == [True, True, True]
    assert api.post("/inbox/read-all").json() == {"marked": 0, "unread": 0}
    assert as_user(None).post("/inbox/read-all").status_code == 401
