"""The delivery section of the agency's post page: after a real run (SMTP and a push
service on loopback), its figures are those of the delivery rows; counts only, never who."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from tests.agencies.factories import make_staff
from tests.notifications.conftest import alert, drain, link_in, message_to, subscribe
from tests.web.agency_helpers import signed_in
from townsquare.notifications import actions
from townsquare.notifications.models import Delivery
from townsquare.web.views.agencies_posts import duration

pytestmark = pytest.mark.django_db

COLUMNS = ["Messages", "Waiting", "Retrying", "Sent", "Delivered", "Failed", "Given up",
           "Skipped", "Opened"]


def table(page: str, caption: str) -> dict[str, dict[str, str]]:
    """The rows of the table with this caption: {row header: {column: text}}."""
    body = re.search(rf"<caption>{caption}</caption>(.*?)</table>", page, re.S).group(1)
    found = {}
    for row in re.findall(r"<tr><th scope=\"row\"[^>]*>(.*?)</th>(.*?)</tr>", body, re.S):
        found[row[0]] = dict(re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row[1]))
    return found


def expected_row(post, channel: str) -> dict[str, str]:
    rows = Delivery.objects.filter(agency_post=post, channel=channel)

    def count(**where) -> str:
        return f"{rows.filter(**where).count():,}"

    return {"Messages": count(), "Waiting": count(state__in=("queued", "sending")),
            "Retrying": count(state="failed", next_attempt_at__isnull=False),
            "Sent": count(state="sent"), "Delivered": count(state="delivered"),
            "Failed": count(state="failed", next_attempt_at__isnull=True),
            "Given up": count(state="given_up"), "Skipped": count(state="skipped"),
            "Opened": count(opened_at__isnull=False)}


def seconds_to(post, channel: str, last: bool) -> str:
    moments = [d.delivered_at or d.sent_at for d in Delivery.objects.filter(
        agency_post=post, channel=channel) if d.delivered_at or d.sent_at]
    if not moments:
        return "—"
    moment = max(moments) if last else min(moments)
    return duration((moment - post.publish_at).total_seconds())


def test_the_delivery_figures_are_those_of_the_delivery_rows(
        smtp, push_service, alder, publisher, police):
    people = [factories.make_resident(alder, name=f"Alder {i}",
                                      email=f"alder{i}@example.org") for i in range(5)]
    smtp.rcpt_answers[people[0].email] = "550 5.1.1 <alder0@example.org>: no such user"
    actions.update_preferences(people[2], {"email_enabled": False})
    subscribe(people[2], push_service, "phone")
    subscribe(people[3], push_service, "gone")
    push_service.answer("gone", (410, {}))
    subscribe(people[4], push_service, "busy")
    push_service.answer("busy", (503, {"Retry-After": "600"}))
    post = alert(publisher, police)
    drain()
    Client().get(link_in(message_to(smtp, people[1])))  # followed the link once

    tips = make_staff(police, "tips", "Tia Tips")
    page = signed_in(tips).get(f"/agency/testville-police/posts/{post.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Audience: 5 verified residents." in html
    counts = table(html, "Messages by channel")
    assert counts["Email"] == expected_row(post, "email") == {
        "Messages": "4", "Waiting": "0", "Retrying": "0", "Sent": "0", "Delivered": "3",
        "Failed": "1", "Given up": "0", "Skipped": "0", "Opened": "1"}
    assert counts["Web Push"] == expected_row(post, "push") == {
        "Messages": "3", "Waiting": "0", "Retrying": "1", "Sent": "0", "Delivered": "1",
        "Failed": "1", "Given up": "0", "Skipped": "0", "Opened": "0"}
    assert counts["Inbox"] == {"Messages": "5", "Waiting": "—", "Retrying": "—", "Sent": "—",
                               "Delivered": "5", "Failed": "—", "Given up": "—",
                               "Skipped": "—", "Opened": "0"}
    timing = table(html, "Time from publishing")
    for label, channel in (("Email", "email"), ("Web Push", "push")):
        assert timing[label] == {"First delivered": seconds_to(post, channel, last=False),
                                 "Last delivered": seconds_to(post, channel, last=True)}
    assert timing["Inbox"] == {"First delivered": "At once", "Last delivered": "At once"}
    reasons = re.search(r"<caption>Commonest failure reasons</caption>(.*?)</table>", html,
                        re.S).group(1)
    assert re.findall(r"<th scope=\"row\"[^>]*>(.*?)</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>",
                      reasons) == [
        ("Email", "rejected the address: 550 5.1.1 &lt;address&gt;: no such user", "1"),
        ("Web Push", "push service answered 503", "1"),
        ("Web Push", "subscription gone (410)", "1")]
    for person in people:
        assert person.email not in html and person.display_name not in html
    assert "/push/" not in html
