"""What each claimed delivery is about, loaded for a whole batch in a few queries, and the
verdict on each row: send this notice, skip (with the reason), or wait (quiet hours).

Whether the recipient may still see the source is asked of policy, with the
recipient's resident profile loaded for the batch (policy caches it on the user object).
A daily digest (digests.py) lists the posts of its window that policy lets its reader see
now; one with nothing left is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from townsquare import policy
from townsquare.accounts.models import User
from townsquare.agencies.models import AgencyPost
from townsquare.notifications import digests, kinds, quiet, render
from townsquare.notifications.channels import Notice
from townsquare.notifications.models import Delivery, NotificationPreference, PushSubscription
from townsquare.posts.models import Post, Reply
from townsquare.questions.models import Question
from townsquare.tips.models import Outcome

_DEFAULT_PREFERENCE = NotificationPreference()  # field defaults = kinds.DEFAULTS


@dataclass(frozen=True)
class Window:
    """What a digest row covers: posts created in (since, until]."""

    since: dt.datetime
    until: dt.datetime


@dataclass
class Verdict:
    notice: Notice | None = None
    skip: str = ""
    defer_until: dt.datetime | None = None


def preference_of(user: Any) -> NotificationPreference:
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return _DEFAULT_PREFERENCE


def wants(preference: NotificationPreference, channel: str, kind: str) -> bool:
    """Whether `kind` goes to `channel` under these settings (urgent: the channel's switch)."""
    if channel == kinds.EMAIL and not preference.email_enabled:
        return False
    if channel == kinds.PUSH and not preference.push_enabled:
        return False
    if kind not in kinds.CHANNEL_KINDS[channel]:
        return False
    field = kinds.field_for(channel, kind)
    return True if field is None else bool(getattr(preference, field))


class Batch:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.users: dict[int, Any] = {}
        self.subscriptions: dict[int, PushSubscription] = {}
        self.agency_posts: dict[int, AgencyPost] = {}
        self.replies: dict[int, Reply] = {}
        self.posts: dict[int, Post] = {}
        self.questions: dict[int, Question] = {}
        self.outcomes: dict[int, Outcome] = {}
        self.contents: dict[tuple[str, int], render.Content] = {}
        self.windows: dict[int, Window] = {}  # digest rows
        self.digest_posts: dict[int, list[Post]] = {}  # by neighborhood, oldest first

    @classmethod
    def load(cls, rows: list[Any], now: dt.datetime) -> Batch:
        batch = cls(now)
        users = (User.objects.filter(pk__in={r.recipient_id for r in rows})
                 .select_related("resident__neighborhood__city", "notification_preference"))
        for user in users:
            resident = getattr(user, "resident", None) if _has_resident(user) else None
            # What the policy would look up, one query per user: known already.
            policy.prime(user, resident=resident)
            if resident is not None:
                policy.prime(user, agency_staff=None)  # residents are never agency staff
            batch.users[user.pk] = user
        batch.subscriptions = PushSubscription.objects.in_bulk(
            {r.subscription_id for r in rows if r.subscription_id})
        batch.agency_posts = (AgencyPost.objects.select_related("agency")
                              .in_bulk({r.agency_post_id for r in rows if r.agency_post_id}))
        batch.replies = (Reply.objects.select_related("author__user", "post")
                         .in_bulk({r.reply_id for r in rows if r.reply_id}))
        batch.posts = (Post.objects.select_related("author__user", "neighborhood")
                       .in_bulk({r.post_id for r in rows if r.post_id}))
        batch.questions = (Question.objects.select_related("agency")
                           .in_bulk({r.question_id for r in rows if r.question_id}))
        batch.outcomes = (Outcome.objects.select_related("agency_post__agency")
                          .in_bulk({r.outcome_id for r in rows if r.outcome_id}))
        batch._load_digests([r for r in rows if _is_digest(r)])
        return batch

    def _load_digests(self, rows: list[Any]) -> None:
        """The digest rows' windows, and the live posts that may fall in them (by the
        neighborhoods of their readers): one query each, whatever the number of rows."""
        if not rows:
            return
        for pk, since, until in (Delivery.objects.filter(pk__in=[r.id for r in rows],
                                                         digest_on__isnull=False)
                                 .values_list("pk", "digest_since", "queued_at")):
            self.windows[pk] = Window(since or until - dt.timedelta(days=1), until)
        if not self.windows:
            return
        places = {resident.neighborhood_id for r in rows
                  if (resident := policy.resident_of(self.users.get(r.recipient_id)))
                  is not None}
        start = min(w.since for w in self.windows.values())
        end = max(w.until for w in self.windows.values())
        found = (Post.objects.filter(neighborhood_id__in=places, created_at__gt=start,
                                     created_at__lte=end, deleted_at__isnull=True,
                                     hidden_at__isnull=True)
                 .select_related("author__user", "neighborhood").order_by("created_at", "pk"))
        for post in found:
            self.digest_posts.setdefault(post.neighborhood_id, []).append(post)

    def verdict(self, row: Any) -> Verdict:
        user = self.users.get(row.recipient_id)
        if user is None or not user.is_active:
            return Verdict(skip="the account is closed")
        if _is_digest(row):
            return self._digest(row, user)
        content_or_reason = self._content(row, user)
        if isinstance(content_or_reason, str):
            return Verdict(skip=content_or_reason)
        content = content_or_reason
        preference = preference_of(user)
        if not wants(preference, row.channel, content.kind):
            return Verdict(skip=f"{row.channel} for this kind was turned off")
        notice = render.notice(content, delivery_id=row.id, message_id=row.message_id,
                               user=user, channel=row.channel)
        if row.channel == kinds.PUSH:
            subscription = self.subscriptions.get(row.subscription_id)
            if subscription is None or not subscription.active:
                return Verdict(skip="the browser's push subscription was retired")
            notice.subscription_id = subscription.pk
            notice.endpoint, notice.p256dh = subscription.endpoint, subscription.p256dh
            notice.auth = subscription.auth
        if not content.urgent:
            until = quiet.end_of_quiet(self.now, preference.quiet_start, preference.quiet_end,
                                       self._zone(user, preference))
            if until is not None:
                return Verdict(defer_until=until)
        return Verdict(notice=notice)

    def _zone(self, user: Any, preference: NotificationPreference) -> Any:
        resident = policy.resident_of(user)
        city_zone = resident.neighborhood.city.time_zone if resident else settings.TIME_ZONE
        return quiet.zone(preference.time_zone, city_zone)

    def _digest(self, row: Any, user: Any) -> Verdict:
        """A digest: the posts of its window its reader may see now, by policy."""
        preference = preference_of(user)
        if not (preference.neighborhood_digest
                and wants(preference, kinds.EMAIL, kinds.NEIGHBORHOOD_POST)):
            return Verdict(skip="the recipient turned the daily digest off")
        window = self.windows.get(row.id)
        resident = policy.resident_of(user)
        if window is None or resident is None:
            return Verdict(skip="nothing to send")
        posts = [post for post in self.digest_posts.get(resident.neighborhood_id, ())
                 if window.since < post.created_at <= window.until
                 and post.author_id != resident.pk and policy.can_view_post(user, post)]
        if not posts:
            return Verdict(skip="no new posts to list any more")
        zone = self._zone(user, preference)
        until = quiet.end_of_quiet(self.now, preference.quiet_start, preference.quiet_end,
                                   zone)
        if until is not None:
            return Verdict(defer_until=until)
        return Verdict(notice=render.digest(
            posts[:digests.MAX_POSTS], total=len(posts), neighborhood=resident.neighborhood.name,
            since=window.since, zone=zone, delivery_id=row.id, message_id=row.message_id,
            user=user))

    def _content(self, row: Any, user: Any) -> render.Content | str:
        """The source's content, or why the row must not go out any more."""
        if row.agency_post_id:
            post = self.agency_posts.get(row.agency_post_id)
            if post is None or not post.is_live(self.now):
                return "the post was withdrawn or has expired"
            if not policy.can_view_agency_post(user, post):
                return "the recipient is no longer in a targeted neighborhood"
            return self._cached(("agency_post", post.pk), lambda: render.agency_post(post))
        if row.reply_id:
            reply = self.replies.get(row.reply_id)
            if reply is None or not reply.is_live or not policy.can_view_reply(user, reply):
                return "the reply was deleted or hidden"
            return self._cached(("reply", reply.pk), lambda: render.reply(reply))
        if row.post_id:
            post = self.posts.get(row.post_id)
            if post is None or not policy.can_view_post(user, post):
                return "the post was deleted or hidden"
            if row.channel == kinds.EMAIL and preference_of(user).neighborhood_digest:
                return "the recipient switched to the daily digest"
            return self._cached(("post", post.pk), lambda: render.neighborhood_post(post))
        if row.question_id:
            question = self.questions.get(row.question_id)
            if (question is None or question.hidden_at is not None
                    or not policy.can_view_question(user, question)):
                return "the question was hidden, or the recipient may no longer see it"
            return self._cached(("question", question.pk),
                                lambda: render.question_answered(question))
        if row.outcome_id:
            found = self.outcomes.get(row.outcome_id)
            if found is None or not policy.may_hear_outcome(user, found.agency_post):
                return "the request was withdrawn, or the recipient is no longer a resident"
            return self._cached(("outcome", found.pk), lambda: render.request_outcome(found))
        return "nothing to send"

    def _cached(self, key: tuple[str, int], make: Any) -> render.Content:
        if key not in self.contents:
            self.contents[key] = make()
        return self.contents[key]


def _is_digest(row: Any) -> bool:
    """A row with no source of its own is a daily digest (its window is on the row)."""
    return not (row.agency_post_id or row.reply_id or row.post_id or row.question_id
                or row.outcome_id)


def _has_resident(user: Any) -> bool:
    try:
        user.resident  # noqa: B018 (loaded by select_related; absent raises)
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True
