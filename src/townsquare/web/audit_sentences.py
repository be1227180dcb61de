"""The agency audit log as sentences people read ("alma@police.gov published “Grey van”
to 2 neighborhoods (4 residents)"), not action names: one translatable sentence per action
the agencies app records, with the entry's data; an action without one reads as a generic
sentence. The posts' titles come from one query per page of entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townsquare.agencies.models import AgencyPost, AgencyStaff

POST_TYPE = "agencies.agencypost"

def _roles() -> dict[str, str]:
    """Short role names, read in the sentence (the role choices explain themselves)."""
    return {AgencyStaff.Role.ADMIN: _("admin"), AgencyStaff.Role.PUBLISHER: _("publisher"),
            AgencyStaff.Role.TIPS: _("tips handler")}


def _n(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _fill(text: str, value: object, **more: str) -> str:
    """A text chosen by ngettext (called with its literals, so they are extracted)."""
    return text % {"count": f"{_n(value):,}", **more}


def _role(value: object) -> str:
    return _roles().get(str(value), str(value))


def _published(who: str, title: str, data: dict[str, Any], scheduled: bool) -> str:
    places = _fill(ngettext("%(count)s neighborhood", "%(count)s neighborhoods",
                            _n(data.get("neighborhoods"))), data.get("neighborhoods"))
    people = _fill(ngettext("%(count)s resident", "%(count)s residents",
                            _n(data.get("audience"))), data.get("audience"))
    values = {"who": who, "title": title, "places": places, "people": people}
    if data.get("practice"):
        return _("%(who)s published the practice post “%(title)s” (only staff see it)") % values
    if scheduled:
        return _("%(who)s scheduled “%(title)s” for %(places)s (%(people)s)") % values
    return _("%(who)s published “%(title)s” to %(places)s (%(people)s)") % values


Sentence = Callable[[str, str, dict[str, Any]], str]

SENTENCES: dict[str, Sentence] = {
    "agencies.post_published": lambda who, title, d: _published(who, title, d, False),
    "agencies.post_scheduled": lambda who, title, d: _published(who, title, d, True),
    "agencies.post_edited": lambda who, title, d: _(
        "%(who)s edited “%(title)s” (%(fields)s)") % {
        "who": who, "title": title, "fields": ", ".join(str(f) for f in d.get("fields", []))},
    "agencies.post_withdrawn": lambda who, title, d: (_(
        "%(who)s withdrew “%(title)s”: %(note)s") if d.get("note") else _(
        "%(who)s withdrew “%(title)s”")) % {"who": who, "title": title, "note": d.get("note")},
    "agencies.post_updated_thread": lambda who, title, d: _(
        "%(who)s posted an update to “%(title)s”") % {"who": who, "title": title},
    "agencies.image_attached": lambda who, title, d: _(
        "%(who)s attached an image to “%(title)s”") % {"who": who, "title": title},
    "agencies.replies_read": lambda who, title, d: _fill(ngettext(
        "%(who)s read %(count)s reply to “%(title)s”",
        "%(who)s read %(count)s replies to “%(title)s”", _n(d.get("count"))),
        d.get("count"), who=who, title=title),
    "agencies.reply_hidden": lambda who, title, d: _(
        "%(who)s hid a reply to “%(title)s”") % {"who": who, "title": title},
    "agencies.staff_added": lambda who, title, d: _(
        "%(who)s added %(email)s to the staff as %(role)s") % {
        "who": who, "email": d.get("email", ""), "role": _role(d.get("role"))},
    "agencies.staff_role_changed": lambda who, title, d: _(
        "%(who)s made %(email)s %(role)s (was %(previous)s)") % {
        "who": who, "email": d.get("email", ""), "role": _role(d.get("role")),
        "previous": _role(d.get("previous_role"))},
    "agencies.staff_removed": lambda who, title, d: _(
        "%(who)s removed %(email)s (%(role)s) from the staff") % {
        "who": who, "email": d.get("email", ""), "role": _role(d.get("role"))},
    "agencies.apply": lambda who, title, d: _(
        "%(who)s applied to join as %(name)s") % {"who": who, "name": d.get("name", "")},
    "agencies.approve": lambda who, title, d: _(
        "%(who)s approved the agency") % {"who": who},
    "agencies.reject": lambda who, title, d: _(
        "%(who)s rejected the application") % {"who": who},
    "agencies.create": lambda who, title, d: _(
        "%(who)s created the agency %(name)s") % {"who": who, "name": d.get("name", "")},
    "agencies.export": lambda who, title, d: _(
        "%(who)s exported the records (%(format)s: %(posts)s, %(replies)s)") % {
        "who": who, "format": str(d.get("format", "")).upper(),
        "posts": _fill(ngettext("%(count)s post", "%(count)s posts", _n(d.get("posts"))),
                       d.get("posts")),
        "replies": _fill(ngettext("%(count)s reply", "%(count)s replies",
                                  _n(d.get("replies"))), d.get("replies"))},
    "agencies.audit_exported": lambda who, title, d: _(
        "%(who)s downloaded the audit log") % {"who": who},
    "notifications.redeliver": lambda who, title, d: _fill(ngettext(
        "%(who)s sent %(count)s given-up message of “%(title)s” again",
        "%(who)s sent %(count)s given-up messages of “%(title)s” again", _n(d.get("count"))),
        d.get("count"), who=who, title=title),
}


def who_of(entry: Any) -> str:
    return _("the system") if entry.actor_label in ("", "system") else entry.actor_label


def sentence(entry: Any, titles: dict[str, str]) -> str:
    """The entry as a sentence; `titles`: post titles by id (see titles_of)."""
    who = who_of(entry)
    title = titles.get(str(entry.target_id)) or titles.get(str(entry.data.get("post", ""))) \
        or _("a post")
    render = SENTENCES.get(entry.action)
    if render is None:
        return _("%(who)s: %(action)s") % {"who": who, "action": entry.action}
    return render(who, title, dict(entry.data or {}))


def titles_of(entries: list[Any]) -> dict[str, str]:
    """The titles of the posts the entries are about, in one query."""
    ids = {str(e.target_id) for e in entries if e.target_type == POST_TYPE}
    ids |= {str(e.data.get("post")) for e in entries if (e.data or {}).get("post")}
    wanted = [int(i) for i in ids if i.isdigit()]
    if not wanted:
        return {}
    return {str(pk): title for pk, title in
            AgencyPost.objects.filter(pk__in=wanted).values_list("pk", "title")}


def sentences(entries: list[Any]) -> list[tuple[Any, str]]:
    titles = titles_of(entries)
    return [(entry, sentence(entry, titles)) for entry in entries]
