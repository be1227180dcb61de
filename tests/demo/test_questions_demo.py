"""The demo's questions: five to the Sacramento police with neighbors' votes, two answered,
one pinned to the FAQ, three in the staff queue by votes; a second load adds nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from tests.web.agency_helpers import signed_in
from townsquare.accounts.models import User
from townsquare.agencies.models import Agency
from townsquare.demo import loader
from townsquare.questions import selectors
from townsquare.questions.models import Question, Vote

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"
POLICE = "sacramento-police-department"


class SacramentoQuestionsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.now = timezone.now()
        loader.load(DATA, now=cls.now)
        cls.police = Agency.objects.get(slug=POLICE)

    def test_questions_with_votes_answers_and_one_in_the_faq(self):
        rows = list(Question.objects.filter(agency=self.police).order_by("pk")
                    .values_list("status", "votes", "pinned_to_faq"))
        assert rows == [("answered", 6, True), ("answered", 3, False), ("open", 5, False),
                        ("open", 2, False), ("open", 0, False)]
        assert Vote.objects.filter(question__agency=self.police).count() == 16
        first = Question.objects.filter(agency=self.police).order_by("pk").first()
        assert first.asker.user.email == "resident@demo.townsquare.invalid"
        assert first.answered_by.user.email == "officer@demo.townsquare.invalid"

    def test_the_queue_is_by_votes_and_the_faq_is_public(self):
        chief = User.objects.get(email="chief@demo.townsquare.invalid")
        assert [q.votes for q in selectors.queue(chief, self.police)] == [5, 2, 0]
        page = signed_in(None).get(f"/agencies/{POLICE}/faq/")
        assert page.status_code == 200
        assert "Why so many sirens on Riverside Boulevard at night?" in page.content.decode()

    def test_a_second_load_adds_nothing(self):
        before = (Question.objects.count(), Vote.objects.count())
        loader.load(DATA, now=self.now)
        assert (Question.objects.count(), Vote.objects.count()) == before
