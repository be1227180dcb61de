"""What a message says: one `Content` per source (rendered once per batch, whatever the
number of recipients), then one `Notice` per delivery with the recipient's own parts
(address, unsubscribe link, the line saying why they get it).

Texts are plain text as typed; the HTML part escapes every one of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.html import escape, linebreaks

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
    label = "URGENT ALERT" if kind == kinds.URGENT_ALERT else post.get_kind_display()
    prefix = "[Practice] " if post.practice else ""
    urgent = "Urgent alert: " if kind == kinds.URGENT_ALERT else ""
    lines = [f"{label} from {agency} (verified public agency)", post.title, post.body]
    if post.event_starts_at:
        lines.append(f"When: {_local(post.event_starts_at)}. Where: {post.event_place}")
    if post.rfi_area or post.rfi_from:
        window = " to ".join(x for x in (_local(post.rfi_from), _local(post.rfi_until)) if x)
        lines.append(f"About: {post.rfi_area} {window}".strip())
    if post.case_number:
        lines.append(f"Case number: {post.case_number}")
    if post.practice:
        lines.insert(0, "PRACTICE: only your agency's staff receive this post.")
    ttl = 86400
    if post.expires_at:
        ttl = max(60, min(ttl, int((post.expires_at - timezone.now()).total_seconds())))
    return Content(kind=kind, subject=f"{prefix}{urgent}{post.title} ({agency})",
                   title=f"{prefix}{urgent}{post.title}", lines=tuple(lines),
                   url=links.agency_post(post.pk), tag=f"agency-post-{post.pk}", ttl=ttl,
                   why=f"{agency} posted it to your neighborhood", summary=post.body,
                   target=("agency-post", post.pk))


def reply(item: Any) -> Content:
    author = item.author.user.display_name
    about = item.post.title or item.post.body[:60]
    return Content(kind=kinds.REPLY_TO_ME, subject=f"{author} replied to your post: {about}",
                   title=f"{author} replied to your post", lines=(f"“{about}”", item.body),
                   url=links.post(item.post_id), tag=f"post-{item.post_id}-replies",
                   ttl=86400, why="someone replied to your post", summary=item.body,
                   target=("post", item.post_id))


def neighborhood_post(item: Any) -> Content:
    author = item.author.user.display_name
    title = item.title or item.body[:60]
    return Content(kind=kinds.NEIGHBORHOOD_POST,
                   subject=f"{title} ({author}, {item.neighborhood.name})", title=title,
                   lines=(f"{author} posted in {item.neighborhood.name}", item.body),
                   url=links.post(item.pk), tag=f"post-{item.pk}", ttl=86400,
                   why=f"a neighbor posted in {item.neighborhood.name}", summary=item.body,
                   target=("post", item.pk))


def notice(content: Content, *, delivery_id: int, message_id: str, user: Any,
           channel: str) -> Notice:
    """The message for one recipient: `content` plus their address and unsubscribe link.
    Its link to the post records the open when followed (links.opened)."""
    link = (links.opened(delivery_id, *content.target) if content.target is not None
            else content.url)
    footer = _footer(content, user, channel)
    text = "\n\n".join([*content.lines, f"Read it on townsquare: {link}"])
    text += _text_footer(footer)
    html = "".join(linebreaks(escape(line)) for line in content.lines)
    html += f'<p><a href="{escape(link)}">Read it on townsquare</a></p>'
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
    noun = "post" if total == 1 else "posts"
    content = Content(
        kind=kinds.NEIGHBORHOOD_POST, subject=f"{total} new {noun} in {neighborhood}",
        title=f"{total} new {noun} in {neighborhood}", lines=(), url=links.feed(),
        tag=f"digest-{delivery_id}", ttl=86400, summary="",
        why=f"you chose one daily email of the new posts in {neighborhood}")
    footer = _footer(content, user, kinds.EMAIL, setting=(
        "New posts in your neighborhood by email are on in your settings, as one daily "
        "digest; the unsubscribe link turns them off."))
    when = f"{since.astimezone(zone):%a %b %d, %I:%M %p}"
    items = [(item.title or item.body[:60], item.author.user.display_name,
              links.opened(delivery_id, "post", item.pk)) for item in posts]
    rest = total - len(items)
    more = f"And {rest} more: {content.url}" if rest > 0 else f"Your feed: {content.url}"
    text = "\n\n".join([f"New in {neighborhood} since {when}:",
                         *(f"{title} ({author})\n{link}" for title, author, link in items),
                         more])
    html = f"<p>New in {escape(neighborhood)} since {escape(when)}:</p><ul>"
    html += "".join(f'<li><a href="{escape(link)}">{escape(title)}</a> ({escape(author)})'
                    "</li>" for title, author, link in items)
    html += "</ul>"
    label = f"And {rest} more on your feed" if rest > 0 else "Your feed"
    html += f'<p><a href="{escape(content.url)}">{label}</a></p>'
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
        setting = (f"Urgent alerts cannot be muted on their own; the link turns {channel} "
                   "notifications off altogether.")
    elif not setting:
        setting = f"{kinds.KIND_LABELS[content.kind]} by {channel} are on in your settings."
    return Footer(f"You get this because {content.why}. {setting}",
                  links.unsubscribe(user.pk, channel, content.kind), links.settings_page())


def _text_footer(footer: Footer) -> str:
    return "\n\n-- \n" + "\n".join((footer.why, f"Unsubscribe: {footer.unsubscribe}",
                                    f"All your settings: {footer.settings}")) + "\n"


def _html_page(body: str, footer: Footer) -> str:
    body += ('<hr><p style="font-size:small">' + escape(footer.why) + "<br>"
             f'<a href="{escape(footer.unsubscribe)}">Unsubscribe</a> · '
             f'<a href="{escape(footer.settings)}">All your settings</a></p>')
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
