"""Replies and thanks on agency posts, as policy lets the caller read them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import AgencyPost, AgencyReply, AgencyThank
from townsquare.core.errors import NotFound


def replies(user: Any, post: AgencyPost) -> list[AgencyReply]:
    """The replies `user` may read, oldest first (policy.visible_agency_replies_q)."""
    if not policy.can_view_agency_post(user, post):
        raise NotFound(_("No such post."))
    return list(AgencyReply.objects.filter(post=post)
                .filter(policy.visible_agency_replies_q(user, post))
                .select_related("author__user", "neighborhood").order_by("created_at", "pk"))


def get_agency_reply(user: Any, post: AgencyPost, reply_id: int) -> AgencyReply:
    reply = (AgencyReply.objects.select_related("author__user", "neighborhood")
             .filter(pk=reply_id, post=post).first())
    if reply is None:
        raise NotFound(_("No such reply."))
    reply.post = post
    if not policy.can_view_agency_reply(user, reply):
        raise NotFound(_("No such reply."))
    return reply


def thanked_by(user: Any, post: AgencyPost) -> bool:
    resident = policy.verified_resident_of(user)
    return resident is not None and AgencyThank.objects.filter(post=post,
                                                               resident=resident).exists()
