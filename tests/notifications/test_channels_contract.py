"""One contract, every channel: each notice handed over gets exactly one outcome, and a bad
notice is reported, never raised (engineering.md: a contract test mixin per swappable part).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.notifications.sinks import FakeBrowser, b64
from townsquare.notifications.channels import (
    DELIVERED,
    FAILED,
    SENT,
    Notice,
    Outcome,
    for_name,
)


def notice(pk: int, **fields: Any) -> Notice:
    base = {"delivery_id": pk, "message_id": f"<townsquare.{pk}@test>", "kind": "agency_post",
            "urgent": False, "subject": "Street fair", "text": "Saturday.", "html": "<p>Sat</p>",
            "url": "http://127.0.0.1:8000/feed/", "tag": "t", "to_email": f"r{pk}@example.org",
            "to_name": "R", "push_payload": {"title": "Street fair"}}
    return Notice(**{**base, **fields})


class ChannelContract:
    channel = ""
    good_status = DELIVERED

    def good(self, pk: int) -> Notice:
        return notice(pk)

    def bad(self, pk: int) -> Notice:
        raise NotImplementedError

    def send(self, notices: list[Notice]) -> list[tuple[int, Outcome]]:
        outcomes: list[tuple[int, Outcome]] = []
        for_name(self.channel).send_batch(notices, lambda n, o: outcomes.append(
            (n.delivery_id, o)))
        return outcomes

    def test_each_notice_gets_exactly_one_outcome(self):
        outcomes = self.send([self.good(1), self.good(2), self.good(3)])
        assert sorted(pk for pk, _ in outcomes) == [1, 2, 3]
        assert {o.status for _, o in outcomes} == {self.good_status}

    def test_a_bad_notice_is_reported_and_does_not_stop_the_rest(self):
        outcomes = dict(self.send([self.good(1), self.bad(2), self.good(3)]))
        assert sorted(outcomes) == [1, 2, 3]
        assert (outcomes[1].status, outcomes[3].status) == (self.good_status,
                                                            self.good_status)
        assert outcomes[2].status == FAILED and outcomes[2].error

    def test_an_empty_batch_does_nothing(self):
        assert self.send([]) == []


class TestEmailOverSmtp(ChannelContract):
    channel = "email"

    @pytest.fixture(autouse=True)
    def _smtp(self, smtp):
        self.sink = smtp

    def bad(self, pk: int) -> Notice:
        return notice(pk, to_email="no at sign")


class TestEmailToTheFileBackend(ChannelContract):
    channel = "email"
    good_status = SENT  # written to a file: nothing confirms delivery

    @pytest.fixture(autouse=True)
    def _files(self, settings, tmp_path):
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = str(tmp_path)

    def bad(self, pk: int) -> Notice:
        return notice(pk, to_email="")


class TestPush(ChannelContract):
    channel = "push"

    @pytest.fixture(autouse=True)
    def _service(self, push_service):
        self.service = push_service

    def good(self, pk: int) -> Notice:
        browser = self.service.browser(f"b{pk}")
        return notice(pk, endpoint=self.service.url(f"b{pk}"), p256dh=browser.p256dh,
                      auth=browser.auth)

    def bad(self, pk: int) -> Notice:
        return notice(pk, endpoint=self.service.url("x"), p256dh=b64(b"\x04" * 65),
                      auth=FakeBrowser().auth)


class TestInbox(ChannelContract):
    channel = "inbox"

    def test_a_bad_notice_is_reported_and_does_not_stop_the_rest(self):
        pytest.skip("the inbox has nothing to send, so nothing can be bad")
