"""Sending given-up messages again: `townsquare redeliver` for operators (filters, dry run,
audited) and the "Send again" button of an agency post's Delivery section for the agency's
admins. The messages are given up through the real engine (a mail server that defers every
recipient, one attempt allowed), then really delivered over SMTP."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests import factories
from tests.agencies.factories import make_staff
from tests.notifications.conftest import alert, drain, states
from tests.web.agency_helpers import signed_in
from townsquare.core.models import AuditLog
from townsquare.notifications.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def given_up(smtp, settings, alder, publisher, police):
    """Two alerts whose emails were all given up (3 and 1): the server deferred them all."""
    settings.TOWNSQUARE_DELIVERY_MAX_ATTEMPTS = 1
    people = [factories.make_resident(alder, name=f"Alder {i}") for i in range(3)]
    smtp.rcpt_answer = "452 4.2.2 Mailbox full"
    first = alert(publisher, police)
    drain()
    second = alert(publisher, police, title="Water main break",
                   neighborhoods=["alder"])
    Delivery.objects.filter(agency_post=second).exclude(recipient=people[0]).delete()
    drain()
    smtp.rcpt_answer = ""  # the cause is fixed
    assert states(first) == {"given_up": 3} and states(second) == {"given_up": 1}
    return first, second


def redeliver(*args: str) -> str:
    out = io.StringIO()
    call_command("redeliver", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_queues_given_up_messages_again_and_they_are_delivered(given_up, smtp):
    first, second = given_up
    ids = dict(Delivery.objects.filter(agency_post=first).values_list("pk", "message_id"))

    assert redeliver("--agency-post", str(first.pk), "--dry-run") == (
        "3 given-up messages would be queued again (dry run).")
    assert states(first) == {"given_up": 3}
    assert not AuditLog.objects.filter(action="notifications.redeliver").exists()

    assert redeliver("--agency-post", str(first.pk)) == "3 given-up messages queued again."
    assert set(Delivery.objects.filter(agency_post=first).values_list(
        "state", "attempts", "last_error")) == {("queued", 0, "")}
    assert states(second) == {"given_up": 1}  # another post: left alone
    entry = AuditLog.objects.get(action="notifications.redeliver")
    assert (entry.actor_label, entry.data["count"], entry.data["agency_post"]) == (
        "system", 3, first.pk)

    drain()
    assert states(first) == {"delivered": 3}
    assert dict(Delivery.objects.filter(agency_post=first).values_list(
        "pk", "message_id")) == ids  # the same Message-IDs
    assert sorted(m["Message-ID"] for m in smtp.messages) == sorted(ids.values())


def test_the_command_s_filters(given_up):
    first, second = given_up
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert redeliver("--channel", "push", "--dry-run").startswith("0 given-up messages")
    assert redeliver("--since", tomorrow, "--dry-run").startswith("0 given-up messages")
    assert redeliver("--reason", "no such user", "--dry-run").startswith("0 ")
    assert redeliver("--reason", "mailbox full", "--channel", "email", "--since",
                     timezone.localdate().isoformat(), "--dry-run").startswith("4 ")
    assert redeliver("--reason", "Mailbox full") == "4 given-up messages queued again."
    assert states(first) == {"queued": 3} and states(second) == {"queued": 1}
    assert redeliver() == "0 given-up messages queued again."
    with pytest.raises(CommandError, match="not an ISO date"):
        redeliver("--since", "yesterday")


def test_an_agency_admin_sends_a_post_s_given_up_messages_again(given_up, police, smtp):
    first, second = given_up
    url = f"/agency/testville-police/posts/{first.pk}/"
    admin = make_staff(police, "admin", "Alma Admin")

    page = signed_in(admin).get(url).content.decode()
    assert "3 messages were given up after their last try." in page
    assert f'action="{url}redeliver/"' in page

    answer = signed_in(admin).post(f"{url}redeliver/")

    assert answer.status_code == 302 and answer["Location"] == f"{url}#delivery"
    assert states(first) == {"queued": 3} and states(second) == {"given_up": 1}
    entry = AuditLog.objects.get(action="notifications.redeliver")
    assert (entry.actor_id, entry.agency_id, entry.target_id, entry.data["count"]) == (
        admin.pk, police.pk, str(first.pk), 3)
    drain()
    assert states(first) == {"delivered": 3}
    assert "given up after" not in signed_in(admin).get(url).content.decode()


@pytest.mark.parametrize("role", ["publisher", "tips"])
def test_other_staff_see_no_button_and_cannot_send_again(given_up, police, role):
    first, _second = given_up
    url = f"/agency/testville-police/posts/{first.pk}/"
    staff = make_staff(police, role, f"{role.title()} Person")

    assert "redeliver/" not in signed_in(staff).get(url).content.decode()
    assert signed_in(staff).post(f"{url}redeliver/").status_code == 403
    assert states(first) == {"given_up": 3}
    assert not AuditLog.objects.filter(action="notifications.redeliver").exists()


def test_another_agency_s_admin_cannot_send_again(given_up, water):
    first, _second = given_up
    other = make_staff(water, "admin", "Walt Water")
    answer = signed_in(other).post(f"/agency/testville-police/posts/{first.pk}/redeliver/")
    assert answer.status_code in (403, 404)
    assert states(first) == {"given_up": 3}
