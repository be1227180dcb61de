"""A resident's public question to an agency, neighbors' votes, and the agency's answer.
docs/tips-and-questions.md ("Questions")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Question(models.Model):
    """Asked by a verified resident of a neighborhood the agency serves; seen by the
    residents of the agency's jurisdiction and by the agency's staff (policy.py,
    "Questions"). `votes` is kept by the vote actions with F() updates, never recounted
    from a read."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="questions")
    asker = models.ForeignKey("accounts.Resident", on_delete=models.CASCADE,
                              related_name="questions")
    # The asker's neighborhood when they asked (they may move; the question stays put).
    neighborhood = models.ForeignKey("places.Neighborhood", on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey("agencies.AgencyStaff", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    votes = models.PositiveIntegerField(default=0)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    pinned_to_faq = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The staff queue: open questions by votes, then age.
            models.Index(fields=["agency", "-votes", "created_at"], name="question_queue",
                         condition=Q(status="open", hidden_at__isnull=True)),
            models.Index(fields=["agency", "-created_at"], name="question_agency_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Vote(models.Model):
    """One resident's upvote of a question (once)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="vote_rows")
    resident = models.ForeignKey("accounts.Resident", on_delete=models.CASCADE,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "resident"],
                                               name="one_vote_per_resident")]

    def __str__(self) -> str:
        return f"vote of resident #{self.resident_id} for question #{self.question_id}"
