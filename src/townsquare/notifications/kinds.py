"""What a resident can be told about (kinds), where (channels), and the defaults.

Not every kind goes to every channel: the inbox holds agency posts only (issue 3's computed
inbox, read by agencies, which import neither questions nor tips): an answer to a question
and the outcome of a request for information go by email and push, and are on the
question's and the post's pages. Neighborhood posts by email may come as one daily digest.
Urgent alerts have no switch of their own: they go out on every channel that is on,
ignoring quiet hours and digests. The one way to stop them is turning the channel itself
off.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

URGENT_ALERT = "urgent_alert"
AGENCY_POST = "agency_post"
REPLY_TO_ME = "reply_to_me"
NEIGHBORHOOD_POST = "neighborhood_post"
QUESTION_ANSWERED = "question_answered"
REQUEST_OUTCOME = "request_outcome"
KINDS = (URGENT_ALERT, AGENCY_POST, REPLY_TO_ME, NEIGHBORHOOD_POST, QUESTION_ANSWERED,
         REQUEST_OUTCOME)
KIND_LABELS = {
    URGENT_ALERT: _("Urgent alerts from public agencies"),
    AGENCY_POST: _("Other posts from public agencies"),
    REPLY_TO_ME: _("Replies to my posts"),
    NEIGHBORHOOD_POST: _("New posts in my neighborhood"),
    QUESTION_ANSWERED: _("Answers to questions I asked or upvoted"),
    REQUEST_OUTCOME: _("What came of agency requests I replied to"),
}

INBOX, EMAIL, PUSH = "inbox", "email", "push"
CHANNELS = (INBOX, EMAIL, PUSH)
# The channels that write delivery rows (the inbox is computed: nothing to send).
SENDING_CHANNELS = (EMAIL, PUSH)

# Which kinds each channel carries. Urgent alerts are always carried while the channel is on.
CHANNEL_KINDS: dict[str, tuple[str, ...]] = {
    INBOX: (URGENT_ALERT, AGENCY_POST),
    EMAIL: (URGENT_ALERT, AGENCY_POST, REPLY_TO_ME, NEIGHBORHOOD_POST, QUESTION_ANSWERED,
            REQUEST_OUTCOME),
    PUSH: (URGENT_ALERT, AGENCY_POST, REPLY_TO_ME, NEIGHBORHOOD_POST, QUESTION_ANSWERED,
           REQUEST_OUTCOME),
}

# Defaults for a resident who never opened the settings (and the model's field defaults):
# urgent alerts and agency posts in the inbox and by email, replies to their own posts by
# email; push too, once a browser is subscribed (push goes only to subscribed browsers, so
# "on" costs nothing before that).
DEFAULTS: dict[str, bool] = {
    "email_enabled": True,
    "push_enabled": True,
    "email_agency_post": True,
    # Someone answered the resident: what they wrote is waiting for a reply.
    "email_reply_to_me": True,
    "email_neighborhood_post": False,
    "push_agency_post": True,
    "push_reply_to_me": True,
    "push_neighborhood_post": False,
    # The resident asked (or upvoted): the answer is what they were waiting for.
    "email_question_answered": True,
    "push_question_answered": True,
    # The resident helped with a request for information: what came of it.
    "email_request_outcome": True,
    "push_request_outcome": True,
    "neighborhood_digest": False,
}

# Lower runs first when workers claim work.
PRIORITY = {URGENT_ALERT: 0, REPLY_TO_ME: 1, QUESTION_ANSWERED: 1, REQUEST_OUTCOME: 1,
            AGENCY_POST: 2, NEIGHBORHOOD_POST: 3}


def field_for(channel: str, kind: str) -> str | None:
    """The preference field that switches `kind` on `channel`; None for urgent alerts
    (no switch but the channel's), for the inbox (always on: it is the record of what
    agencies sent) and for pairs the channel does not carry."""
    if kind == URGENT_ALERT or channel == INBOX or kind not in CHANNEL_KINDS[channel]:
        return None
    return f"{channel}_{kind}"


def agency_kind(post_kind: str) -> str:
    """An agency post of kind `alert` is an urgent alert; every other kind is a post."""
    return URGENT_ALERT if post_kind == "alert" else AGENCY_POST
