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
                   why=f"{agency} posted it to your neighborhood", summary=post.body)


def reply(item: Any) -> Content:
    author = item.author.user.display_name
    about = item.post.title or item.post.body[:60]
    return Content(kind=kinds.REPLY_TO_ME, subject=f"{author} replied to your post: {about}",
                   title=f"{author} replied to your post", lines=(f"“{about}”", item.body),
                   url=links.post(item.post_id), tag=f"post-{item.post_id}-replies",
                   ttl=86400, why="someone replied to your post", summary=item.body)


def neighborhood_post(item: Any) -> Content:
    author = item.author.user.display_name
    title = item.title or item.body[:60]
    return Content(kind=kinds.NEIGHBORHOOD_POST,
                   subject=f"{title} ({author}, {item.neighborhood.name})", title=title,
                   lines=(f"{author} posted in {item.neighborhood.name}", item.body),
                   url=links.post(item.pk), tag=f"post-{item.pk}", ttl=86400,
                   why=f"a neighbor posted in {item.neighborhood.name}", summary=item.body)


def notice(content: Content, *, delivery_id: int, message_id: str, user: Any,
           channel: str) -> Notice:
    """The message for one recipient: `content` plus their address and unsubscribe link."""
    unsubscribe = links.unsubscribe(user.pk, channel, content.kind)
    if content.urgent:
        setting = (f"Urgent alerts cannot be muted on their own; the link turns {channel} "
                   "notifications off altogether.")
    else:
        setting = f"{kinds.KIND_LABELS[content.kind]} by {channel} are on in your settings."
    footer = (f"You get this because {content.why}. {setting}",
              f"Unsubscribe: {unsubscribe}", f"All your settings: {links.settings_page()}")
    text = "\n\n".join([*content.lines, f"Read it on townsquare: {content.url}"])
    text += "\n\n-- \n" + "\n".join(footer) + "\n"
    html = "".join(linebreaks(escape(line)) for line in content.lines)
    html += f'<p><a href="{escape(content.url)}">Read it on townsquare</a></p>'
    html += ('<hr><p style="font-size:small">' + escape(footer[0]) + "<br>"
             f'<a href="{escape(unsubscribe)}">Unsubscribe</a> · '
             f'<a href="{escape(links.settings_page())}">All your settings</a></p>')
    html = f'<!doctype html><html><body>{html}</body></html>'
    return Notice(
        delivery_id=delivery_id, message_id=message_id, kind=content.kind,
        urgent=content.urgent, subject=content.subject, text=text, html=html,
        url=content.url, tag=content.tag, to_email=user.email, to_name=user.display_name,
        unsubscribe_url=unsubscribe,
        unsubscribe_mailto=links.unsubscribe_mailto(user.pk, channel, content.kind),
        ttl=content.ttl,
        push_payload={"title": content.title, "body": _short(content.summary), "url": content.url,
                      "tag": content.tag, "urgent": content.urgent, "delivery": delivery_id},
    )


def _short(text: str) -> str:
    return text if len(text) <= PUSH_BODY_CHARS else text[:PUSH_BODY_CHARS - 1] + "…"
