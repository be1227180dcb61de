"""The demo's tips: anonymous and private tips to the Sacramento police, one answered (with
the tipster's reply), the inbox's waiting ones, and the closed loop on the graffiti
request; a second load adds nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from tests.web.agency_helpers import signed_in
from townsquare.accounts.models import User
from townsquare.agencies.models import Agency, AgencyPost
from townsquare.core.models import AuditLog
from townsquare.demo import agency_posts, loader
from townsquare.tips.models import Outcome, Tip, TipMessage, TipNote

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"
POLICE = "sacramento-police-department"


class SacramentoTipsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.now = timezone.now()
        loader.load(DATA, now=cls.now)
        cls.police = Agency.objects.get(slug=POLICE)
        cls.graffiti = AgencyPost.objects.get(agency=cls.police,
                                              idempotency_key=agency_posts.GRAFFITI_KEY)

    def test_the_police_have_anonymous_and_private_tips(self):
        tips = Tip.objects.filter(agency=self.police).order_by("pk")
        assert [(t.anonymous, t.status, t.agency_post_id, t.tags) for t in tips] == [
            (True, "actionable", self.graffiti.pk, ["graffiti"]),
            (False, "actionable", self.graffiti.pk, ["graffiti", "video"]),
            (True, "reviewing", None, ["vehicle"]),
            (True, "new", None, []),
        ]
        private = tips[1]
        assert private.sender.user.email == "neighbor@demo.townsquare.invalid"
        assert [t.case_number for t in tips[:2]] == [self.graffiti.case_number] * 2
        assert all(t.sender_id is None for t in tips if t.anonymous)

    def test_one_tip_is_a_two_way_conversation(self):
        first = Tip.objects.filter(agency=self.police).order_by("pk").first()
        assert list(TipMessage.objects.filter(tip=first).values_list("sender", flat=True)) == [
            "agency", "tipster"]
        assert first.first_response_hour is not None
        assert TipNote.objects.filter(tip__agency=self.police).count() == 1

    def test_the_graffiti_request_has_its_outcome_in_every_tips_thread(self):
        outcome = Outcome.objects.get(agency_post=self.graffiti)
        assert outcome.author.user.email == "officer@demo.townsquare.invalid"
        assert outcome.body.startswith("Thanks to your footage and tips")
        assert AuditLog.objects.filter(action="agency_post.outcome").count() == 1

    def test_a_second_load_adds_nothing(self):
        def counts() -> tuple[int, ...]:
            return (Tip.objects.count(), TipMessage.objects.count(), TipNote.objects.count(),
                    Outcome.objects.count(),
                    AuditLog.objects.filter(action__startswith="tip").count(),
                    AuditLog.objects.filter(action="agency_post.outcome").count())

        before = counts()
        loader.load(DATA, now=self.now)
        assert counts() == before

    def test_the_tips_desk_sees_them_in_its_inbox(self):
        desk = User.objects.get(email="tips@demo.townsquare.invalid")
        page = signed_in(desk).get(f"/agency/{POLICE}/tips/")
        assert page.status_code == 200
        assert "1 new tip" in page.content.decode()
