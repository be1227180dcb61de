"""What a message says: one `Content` per source (rendered once per batch, whatever the
number of recipients), then one `Notice` per delivery with the recipient's own parts
(address, unsubscribe link, the line saying why they get it).

Texts are plain text as typed; the HTML part escapes every one of them. Everything is
written in the recipient's language (core/i18n.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townsquare.core.i18n import recipient_language
from townsquare.notifications import kinds, links
from townsquare.notifications.channels import Notice

PUSH_BODY_CHARS = 400  # a push payload is at most 4 KB once encrypted; keep well under it


@dataclass(frozen=True)
class Content:
    kind: str
    subject: str
    title: str
    lines: tuple[str, ...]  # the body, as paragraphs of plain text
    url: str
    tag: str
    ttl: int
    why: str  # why the recipient gets it, for the footer
    summary: str  # the body alone, for a push notification
    # The page the message leads to, as (target, id) of tokens.TARGETS: its link in a
    # message records the open (links.opened).
    target: tuple[str, int] | None = None

    @property
    def urgent(self) -> bool:
        return self.kind == kinds.URGENT_ALERT


def _local(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%b %d, %Y, %I:%M %p}" if moment else ""


def agency_post(post: Any) -> Content:
    kind = kinds.agency_kind(post.kind)
    agency = post.agency.name
    ttl = 86400
    if post.expires_at:
        ttl = max(60, min(ttl, int((post.expires_at - timezone.now()).total_seconds())))
    with recipient_language():
        label = _("URGENT ALERT") if kind == kinds.URGENT_ALERT else post.get_kind_display()
        prefix = _("[Practice] ") if post.practice else ""
        urgent = _("Urgent alert: ") if kind == kinds.URGENT_ALERT else ""
        lines = [_("%(label)s from %(agency)s (verified public agency)")
                 % {"label": label, "agency": agency}, post.title, post.body]
        if post.event_starts_at:
            lines.append(_("When: %(when)s. Where: %(where)s")
                         % {"when": _local(post.event_starts_at), "where": post.event_place})
        if post.rfi_area or post.rfi_from:
            start, end = _local(post.rfi_from), _local(post.rfi_until)
            window = (_("%(start)s to %(end)s") % {"start": start, "end": end}
                      if start and end else start or end)
            lines.append((_("About: %(area)s %(window)s")
                          % {"area": post.rfi_area, "window": window}).strip())
        if post.case_number:
            lines.append(_("Case number: %(number)s") % {"number": post.case_number})
        if post.practice:
            lines.insert(0, _("PRACTICE: only your agency's staff receive this post."))
        title = f"{prefix}{urgent}{post.title}"
        return Content(kind=kind, subject=_("%(title)s (%(agency)s)")
                       % {"title": title, "agency": agency},
                       title=title, lines=tuple(lines),
                       url=links.agency_post(post.pk), tag=f"agency-post-{post.pk}", ttl=ttl,
                       why=_("%(agency)s posted it to your neighborhood") % {"agency": agency},
                       summary=post.body, target=("agency-post", post.pk))


def reply(item: Any) -> Content:
    names = {"author": item.author.user.display_name,
             "about": item.post.title or item.post.body[:60]}
    with recipient_language():
        return Content(kind=kinds.REPLY_TO_ME,
                       subject=_("%(author)s replied to your post: %(about)s") % names,
                       title=_("%(author)s replied to your post") % names,
                       lines=(_("“%(about)s”") % names, item.body),
                       url=links.post(item.post_id), tag=f"post-{item.post_id}-replies",
                       ttl=86400, why=_("someone replied to your post"), summary=item.body,
                       target=("post", item.post_id))


def neighborhood_post(item: Any) -> Content:
    title = item.title or item.body[:60]
    names = {"title": title, "author": item.author.user.display_name,
             "neighborhood": item.neighborhood.name}
    with recipient_language():
        return Content(kind=kinds.NEIGHBORHOOD_POST,
                       subject=_("%(title)s (%(author)s, %(neighborhood)s)") % names,
                       title=title,
                       lines=(_("%(author)s posted in %(neighborhood)s") % names, item.body),
                       url=links.post(item.pk), tag=f"post-{item.pk}", ttl=86400,
                       why=_("a neighbor posted in %(neighborhood)s") % names,
                       summary=item.body, target=("post", item.pk))


def question_answered(question: Any) -> Content:
    """The answer to a question, for its asker and voters. The answerer is the agency (no
    staff name), the asker is named as on the question's page (policy)."""
    agency = question.agency.name
    names = {"agency": agency, "title": question.title}
    with recipient_language():
        return Content(kind=kinds.QUESTION_ANSWERED,
                       subject=_("%(agency)s answered: %(title)s") % names,
                       title=_("%(agency)s answered a question") % names,
                       lines=(_("“%(title)s”") % names, question.answer),
                       url=links.question(question.agency.slug, question.pk),
                       tag=f"question-{question.pk}", ttl=86400,
                       why=_("you asked or upvoted this question to %(agency)s") % names,
                       summary=question.answer)


def request_outcome(outcome: Any) -> Content:
    """What came of a request for information, for the residents who replied to it."""
    post = outcome.agency_post
    names = {"agency": post.agency.name, "title": post.title}
    with recipient_language():
        return Content(kind=kinds.REQUEST_OUTCOME,
                       subject=_("What came of it: %(title)s (%(agency)s)") % names,
                       title=_("%(agency)s: what came of your help") % names,
                       lines=(_("“%(title)s”") % names, outcome.body),
                       url=links.agency_post(post.pk), tag=f"outcome-{outcome.pk}",
                       ttl=86400,
                       why=_("you replied to this request from %(agency)s") % names,
                       summary=outcome.body, target=("agency-post", post.pk))


def notice(content: Content, *, delivery_id: int, message_id: str, user: Any,
           channel: str) -> Notice:
    """The message for one recipient: `content` plus their address and unsubscribe link.
    Its link to the post records the open when followed (links.opened)."""
    link = (links.opened(delivery_id, *content.target) if content.target is not None
            else content.url)
    with recipient_language(user):
        footer = _footer(content, user, channel)
        text = "\n\n".join([*content.lines, _("Read it on townsquare: %(link)s") % {"link": link}])
        text += _text_footer(footer)
        html = "".join(linebreaks(escape(line)) for line in content.lines)
        html += f'<p><a href="{escape(link)}">{escape(_("Read it on townsquare"))}</a></p>'
        html = _html_page(html, footer)
    payload: dict[str, object] = {
        "title": content.title, "body": _short(content.summary), "url": content.url,
        "tag": content.tag, "urgent": content.urgent, "delivery": delivery_id}
    if link != content.url:
        payload["open"] = link  # the service worker opens this one (sw.js)
    return _notice(content, footer, delivery_id=delivery_id, message_id=message_id, user=user,
                   channel=channel, text=text, html=html, payload=payload)


def digest(posts: list[Any], *, total: int, neighborhood: str, since: dt.datetime,
           zone: dt.tzinfo, delivery_id: int, message_id: str, user: Any) -> Notice:
    """The daily digest for one resident: `posts` (the first of `total` new posts they may
    read in their neighborhood since `since`), each with its title and its own link (which
    records the open, as the link of any other message does)."""
    with recipient_language(user):
        return _digest(posts, total=total, neighborhood=neighborhood, since=since, zone=zone,
                       delivery_id=delivery_id, message_id=message_id, user=user)


def _digest(posts: list[Any], *, total: int, neighborhood: str, since: dt.datetime,
            zone: dt.tzinfo, delivery_id: int, message_id: str, user: Any) -> Notice:
    heading = ngettext("%(count)s new post in %(neighborhood)s",
                       "%(count)s new posts in %(neighborhood)s", total) % {
        "count": total, "neighborhood": neighborhood}
    content = Content(
        kind=kinds.NEIGHBORHOOD_POST, subject=heading, title=heading, lines=(),
        url=links.feed(), tag=f"digest-{delivery_id}", ttl=86400, summary="",
        why=_("you chose one daily email of the new posts in %(neighborhood)s")
        % {"neighborhood": neighborhood})
    footer = _footer(content, user, kinds.EMAIL, setting=_(
        "New posts in your neighborhood by email are on in your settings, as one daily "
        "digest; the unsubscribe link turns them off."))
    when = f"{since.astimezone(zone):%a %b %d, %I:%M %p}"
    items = [(item.title or item.body[:60], item.author.user.display_name,
              links.opened(delivery_id, "post", item.pk)) for item in posts]
    rest = total - len(items)
    more = (_("And %(count)s more: %(url)s") % {"count": rest, "url": content.url} if rest > 0
            else _("Your feed: %(url)s") % {"url": content.url})
    since_line = _("New in %(neighborhood)s since %(when)s:") % {
        "neighborhood": neighborhood, "when": when}
    text = "\n\n".join([since_line,
                         *(f"{title} ({author})\n{link}" for title, author, link in items),
                         more])
    html = f"<p>{escape(since_line)}</p><ul>"
    html += "".join(f'<li><a href="{escape(link)}">{escape(title)}</a> ({escape(author)})'
                    "</li>" for title, author, link in items)
    html += "</ul>"
    label = (_("And %(count)s more on your feed") % {"count": rest} if rest > 0
             else _("Your feed"))
    html += f'<p><a href="{escape(content.url)}">{escape(label)}</a></p>'
    return _notice(content, footer, delivery_id=delivery_id, message_id=message_id,
                   user=user, channel=kinds.EMAIL, text=text + _text_footer(footer),
                   html=_html_page(html, footer), payload={})


@dataclass(frozen=True)
class Footer:
    why: str
    unsubscribe: str
    settings: str


def _footer(content: Content, user: Any, channel: str, setting: str = "") -> Footer:
    """Why the recipient gets it, which setting sends it (`setting`, or the kind's), and
    the links to change that."""
    if not setting and content.urgent:
        setting = _("Urgent alerts cannot be muted on their own; the link turns %(channel)s "
                    "notifications off altogether.") % {"channel": channel}
    elif not setting:
        setting = _("%(kind)s by %(channel)s are on in your settings.") % {
            "kind": kinds.KIND_LABELS[content.kind], "channel": channel}
    return Footer(_("You get this because %(why)s. %(setting)s")
                  % {"why": content.why, "setting": setting},
                  links.unsubscribe(user.pk, channel, content.kind), links.settings_page())


def _text_footer(footer: Footer) -> str:
    return "\n\n-- \n" + "\n".join((
        footer.why, _("Unsubscribe: %(url)s") % {"url": footer.unsubscribe},
        _("All your settings: %(url)s") % {"url": footer.settings})) + "\n"


def _html_page(body: str, footer: Footer) -> str:
    body += ('<hr><p style="font-size:small">' + escape(footer.why) + "<br>"
             f'<a href="{escape(footer.unsubscribe)}">{escape(_("Unsubscribe"))}</a> · '
             f'<a href="{escape(footer.settings)}">{escape(_("All your settings"))}</a></p>')
    return f"<!doctype html><html><body>{body}</body></html>"


def _notice(content: Content, footer: Footer, *, delivery_id: int, message_id: str, user: Any,
            channel: str, text: str, html: str, payload: dict[str, object]) -> Notice:
    return Notice(
        delivery_id=delivery_id, message_id=message_id, kind=content.kind,
        urgent=content.urgent, subject=content.subject, text=text, html=html,
        url=content.url, tag=content.tag, to_email=user.email, to_name=user.display_name,
        unsubscribe_url=footer.unsubscribe,
        unsubscribe_mailto=links.unsubscribe_mailto(user.pk, channel, content.kind),
        ttl=content.ttl, push_payload=payload)


def _short(text: str) -> str:
    return text if len(text) <= PUSH_BODY_CHARS else text[:PUSH_BODY_CHARS - 1] + "…"
