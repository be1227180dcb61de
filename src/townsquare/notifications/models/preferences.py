from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.notifications.kinds import DEFAULTS


class NotificationPreference(models.Model):
    """What an account wants to be told, where, and when.

    An account without a row has the defaults (kinds.DEFAULTS): the fan-out reads them with
    COALESCE, so nobody needs a row written at sign-up. Urgent alerts have no switch here:
    they go to every channel that is on (see kinds.py).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email_enabled = models.BooleanField(default=DEFAULTS["email_enabled"])
    push_enabled = models.BooleanField(default=DEFAULTS["push_enabled"])
    email_agency_post = models.BooleanField(default=DEFAULTS["email_agency_post"])
    email_reply_to_me = models.BooleanField(default=DEFAULTS["email_reply_to_me"])
    email_neighborhood_post = models.BooleanField(default=DEFAULTS["email_neighborhood_post"])
    push_agency_post = models.BooleanField(default=DEFAULTS["push_agency_post"])
    push_reply_to_me = models.BooleanField(default=DEFAULTS["push_reply_to_me"])
    push_neighborhood_post = models.BooleanField(default=DEFAULTS["push_neighborhood_post"])
    email_question_answered = models.BooleanField(default=DEFAULTS["email_question_answered"])
    push_question_answered = models.BooleanField(default=DEFAULTS["push_question_answered"])
    email_request_outcome = models.BooleanField(default=DEFAULTS["email_request_outcome"])
    push_request_outcome = models.BooleanField(default=DEFAULTS["push_request_outcome"])
    # Neighborhood posts by email: one message a day instead of one per post.
    neighborhood_digest = models.BooleanField(default=DEFAULTS["neighborhood_digest"])
    # Quiet hours, in `time_zone` (blank: the city's). Both set, or neither.
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # Why email was switched off when the system did it (a hard bounce), for the settings.
    email_off_reason = models.CharField(max_length=300, blank=True)
    email_off_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notification settings of {self.user}"
