from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from townsquare.notifications.models.push import PushSubscription

# The states in which a worker may still pick a delivery up (see delivery.py).
OPEN_STATES = ("queued", "failed", "sending")


class Delivery(models.Model):
    """One message to one recipient on one channel, from one source: the unit of work.

    Written by the fan-out (set-based INSERT ... SELECT, ON CONFLICT DO NOTHING on the
    unique keys below, so a fan-out run twice writes nothing twice), claimed by workers
    with a lease, and recorded once the channel has answered. docs/notifications.md.

    Unique per (source, recipient, channel): for email the recipient, for push the browser
    subscription (a resident with two browsers gets one message in each). The inbox has no
    rows: it is computed from the agency post's feed rows (agencies/selectors/inbox.py).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PUSH = "push", _("Web Push")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent (leased by a worker)")
        SENT = "sent", _("Sent (written out; no server confirmed it)")
        DELIVERED = "delivered", _("Delivered (accepted by the mail server or push service)")
        FAILED = "failed", _("Failed (retried at next_attempt_at; final if there is none)")
        GIVEN_UP = "given_up", _("Given up after the last attempt")
        SKIPPED = "skipped", _("Skipped (withdrawn, unsubscribed, no longer targeted)")

    kind = models.CharField(max_length=20)
    # Lower is claimed first: urgent alerts before everything else.
    priority = models.PositiveSmallIntegerField(default=2)
    agency_post = models.ForeignKey("agencies.AgencyPost", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey("posts.Reply", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    # An answer to a question, for its asker and its voters.
    question = models.ForeignKey("questions.Question", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    # What came of a request for information, for the residents who replied to it.
    outcome = models.ForeignKey("tips.Outcome", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    # A daily digest of neighborhood posts (notifications/digests.py): the recipient's local
    # date it was cut on, and the start of the window it covers. The window ends at
    # `queued_at` (the cut); the next digest's window starts there, so a post is in one
    # digest at most.
    digest_on = models.DateField(null=True, blank=True)
    digest_since = models.DateTimeField(null=True, blank=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    subscription = models.ForeignKey(PushSubscription, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Set at the first claim from the id, then never changed: a message sent again after a
    # crash carries the same Message-ID, so mail clients show it once.
    message_id = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_post", "recipient"], name="delivery_agency_post_email",
                condition=Q(agency_post__isnull=False, channel="email")),
            models.UniqueConstraint(
                fields=["agency_post", "subscription"], name="delivery_agency_post_push",
                condition=Q(agency_post__isnull=False, channel="push")),
            models.UniqueConstraint(
                fields=["reply", "recipient"], name="delivery_reply_email",
                condition=Q(reply__isnull=False, channel="email")),
            models.UniqueConstraint(
                fields=["reply", "subscription"], name="delivery_reply_push",
                condition=Q(reply__isnull=False, channel="push")),
            models.UniqueConstraint(
                fields=["post", "recipient"], name="delivery_post_email",
                condition=Q(post__isnull=False, channel="email")),
            models.UniqueConstraint(
                fields=["post", "subscription"], name="delivery_post_push",
                condition=Q(post__isnull=False, channel="push")),
            models.UniqueConstraint(
                fields=["question", "recipient"], name="delivery_question_email",
                condition=Q(question__isnull=False, channel="email")),
            models.UniqueConstraint(
                fields=["question", "subscription"], name="delivery_question_push",
                condition=Q(question__isnull=False, channel="push")),
            models.UniqueConstraint(
                fields=["outcome", "recipient"], name="delivery_outcome_email",
                condition=Q(outcome__isnull=False, channel="email")),
            models.UniqueConstraint(
                fields=["outcome", "subscription"], name="delivery_outcome_push",
                condition=Q(outcome__isnull=False, channel="push")),
            models.UniqueConstraint(
                fields=["digest_on", "recipient"], name="delivery_digest_email",
                condition=Q(digest_on__isnull=False, channel="email")),
        ]
        indexes = [
            # The claim: open work in priority order. Finished rows leave the index, so it
            # stays as small as the backlog however many deliveries the table holds.
            models.Index(fields=["priority", "id"], name="delivery_open_work",
                         condition=Q(state__in=OPEN_STATES)),
            # The agency's per-post counts.
            models.Index(fields=["agency_post", "channel", "state"],
                         name="delivery_post_stats"),
            # A recipient's last digest (where the next one's window starts).
            models.Index(fields=["recipient", "queued_at"], name="delivery_digest_last",
                         condition=Q(digest_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"delivery #{self.pk} ({self.channel}, {self.state})"
