"""The agency audit log reads as sentences: every action the agencies app records has its
own, with the entry's data; an unknown action falls back to a generic sentence."""

from __future__ import annotations

import pathlib
import re

import pytest

from tests.agencies.factories import publish
from tests.web.agency_helpers import signed_in, text
from townsquare.core.models import AuditLog
from townsquare.web import audit_sentences

P = "/agency/testville-police"


def entry(action: str, data: dict, target_type: str = "", target_id: str = "",
          actor: str = "alma@police.testville.gov") -> AuditLog:
    return AuditLog(actor_label=actor, action=action, target_type=target_type,
                    target_id=target_id, data=data)


POST = "agencies.agencypost"
CASES = [
    ("agencies.post_published", {"neighborhoods": 2, "audience": 1873, "practice": False},
     "alma@police.testville.gov published “Grey van” to 2 neighborhoods (1,873 residents)"),
    ("agencies.post_scheduled", {"neighborhoods": 1, "audience": 1, "practice": False},
     "alma@police.testville.gov scheduled “Grey van” for 1 neighborhood (1 resident)"),
    ("agencies.post_edited", {"fields": ["title", "body"]},
     "alma@police.testville.gov edited “Grey van” (title, body)"),
    ("agencies.post_withdrawn", {"note": "sent by mistake"},
     "alma@police.testville.gov withdrew “Grey van”: sent by mistake"),
    ("agencies.post_updated_thread", {},
     "alma@police.testville.gov posted an update to “Grey van”"),
    ("agencies.replies_read", {"count": 3},
     "alma@police.testville.gov read 3 replies to “Grey van”"),
    ("agencies.image_attached", {"post": 7, "size": 48213},
     "alma@police.testville.gov attached an image to “Grey van”"),
    ("agencies.reply_hidden", {}, "alma@police.testville.gov hid a reply to “a post”"),
    ("agencies.staff_added", {"email": "pat@police.testville.gov", "role": "publisher"},
     "alma@police.testville.gov added pat@police.testville.gov to the staff as publisher"),
    ("agencies.staff_role_changed", {"email": "pat@police.testville.gov", "role": "admin",
                                     "previous_role": "publisher"},
     "alma@police.testville.gov made pat@police.testville.gov admin (was publisher)"),
    ("agencies.staff_removed", {"email": "pat@police.testville.gov", "role": "tips"},
     "alma@police.testville.gov removed pat@police.testville.gov (tips handler) from the staff"),
    ("agencies.apply", {"name": "Testville Fire"},
     "alma@police.testville.gov applied to join as Testville Fire"),
    ("agencies.approve", {"note": ""}, "alma@police.testville.gov approved the agency"),
    ("agencies.reject", {"note": ""}, "alma@police.testville.gov rejected the application"),
    ("agencies.create", {"name": "Testville Parks"},
     "alma@police.testville.gov created the agency Testville Parks"),
    ("agencies.export", {"format": "csv", "posts": 1, "replies": 4},
     "alma@police.testville.gov exported the records (CSV: 1 post, 4 replies)"),
    ("agencies.audit_exported", {}, "alma@police.testville.gov downloaded the audit log"),
    ("notifications.redeliver", {"count": 1, "channel": ""},
     "alma@police.testville.gov sent 1 given-up message of “Grey van” again"),
]


@pytest.mark.parametrize(("action", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_action_reads_as_a_sentence(action, data, expected):
    target = {"agencies.reply_hidden": ("", ""),
              "agencies.image_attached": ("agencies.agencypostimage", "3")}.get(
        action, (POST, "7"))
    assert audit_sentences.sentence(entry(action, data, *target), {"7": "Grey van"}) == (
        expected)


def test_every_action_the_agencies_app_records_has_a_sentence():
    actions_dir = pathlib.Path(audit_sentences.__file__).parents[1] / "agencies" / "actions"
    recorded = set()
    for path in actions_dir.glob("*.py"):
        recorded |= set(re.findall(r'"(agencies\.[a-z_]+)"', path.read_text()))

    assert recorded, "no audit actions found"
    assert recorded - set(audit_sentences.SENTENCES) == set()
    assert {c[0] for c in CASES} == set(audit_sentences.SENTENCES)


def test_a_practice_post_and_an_unknown_action_and_the_system():
    practice = entry("agencies.post_published", {"practice": True, "neighborhoods": 9,
                                                  "audience": 0}, POST, "7")
    assert audit_sentences.sentence(practice, {"7": "Drill"}) == (
        "alma@police.testville.gov published the practice post “Drill” (only staff see it)")
    assert audit_sentences.sentence(entry("agencies.something_new", {}, actor="system"),
                                    {}) == "the system: agencies.something_new"


def test_the_audit_page_shows_sentences_with_the_posts_titles(agency_roles, police):
    publish(agency_roles["publisher"], police, title="Did you see a grey van?",
            neighborhoods=["alder", "birch"])

    page = text(signed_in(agency_roles["admin"]).get(f"{P}/audit/"))

    assert (f"{agency_roles['publisher'].email} published “Did you see a grey van?” to 2 "
            "neighborhoods (1 resident)") in page
    assert "<code>agencies.post_published</code>" in page
