"""A case's tips for the case file (docs/tips-and-questions.md): every tip of the agency
with a given case number, as CSV (the csv module) or PDF (reportlab, photos included).

Only the agency's tips staff and admins export, and every export is written to the audit
log with its case number, format and number of tips. Private tips name their sender as the
staff see them (display name, neighborhood); anonymous tips name no one. CSV cells a
spreadsheet would run as a formula are prefixed with an apostrophe (agencies/exports.py)."""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer

from townsquare import policy
from townsquare.agencies.models import Agency
from townsquare.core import audit
from townsquare.core.errors import Invalid, NotFound
from townsquare.tips import actions
from townsquare.tips.models import Tip, TipAttachment, TipMessage

CSV_COLUMNS = [
    "tip_id", "created_hour", "status", "anonymous", "sender_display_name",
    "sender_neighborhood", "agency_post_id", "agency_post_title", "lat", "lon", "case_number",
    "tags", "assignee", "hidden", "hidden_reason", "merged_into", "forwarded_from",
    "first_response_hour", "body", "messages", "attachments",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CASE_LENGTH = 60
PHOTO_WIDTH = 4 * inch


def case_tips(user: Any, agency: Agency, case: object) -> list[Tip]:
    """The agency's tips with this case number (hidden and merged ones too), oldest
    first, with their messages and attachments loaded in three queries."""
    actions.require_triage(user, agency)
    number = case.strip() if isinstance(case, str) else ""
    if not number or len(number) > MAX_CASE_LENGTH:
        raise Invalid(_("Type a case number."), {"case": [_("Type a case number.")]})
    tips = list(Tip.objects.filter(agency=agency, case_number=number)
                .select_related("agency_post", "assignee__user", "sender__user",
                                "sender__neighborhood")
                .prefetch_related("attachments")
                .order_by("created_hour", "id"))
    if not tips:
        raise NotFound(_("No tip has this case number."))
    by_tip: dict[int, list[TipMessage]] = {tip.pk: [] for tip in tips}
    for message in TipMessage.objects.filter(tip__in=tips).order_by("created_hour", "id"):
        by_tip[message.tip_id].append(message)
    for tip in tips:
        tip.export_messages = by_tip[tip.pk]
    return tips


def _audited(user: Any, agency: Agency, case: object, fmt: str) -> list[Tip]:
    tips = case_tips(user, agency, case)
    with transaction.atomic(durable=True):
        audit.record(user, "tips.export", None, agency=agency, case=tips[0].case_number,
                     format=fmt, tips=[tip.pk for tip in tips])
    return tips


def filename(agency: Agency, case: object, extension: str) -> str:
    number = slugify(case if isinstance(case, str) else "") or "case"
    return f"{agency.slug}-tips-{number}.{extension}"


# --- CSV -------------------------------------------------------------------------------------
def case_csv(user: Any, agency: Agency, case: object) -> bytes:
    tips = _audited(user, agency, case, "csv")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for tip in tips:
        writer.writerow({key: _cell(value) for key, value in _record(tip).items()})
    return out.getvalue().encode("utf-8")


def _record(tip: Tip) -> dict[str, Any]:
    sender = policy.tip_sender_label(tip) or {}
    photos = list(tip.attachments.all())
    return {
        "tip_id": tip.pk, "created_hour": _iso(tip.created_hour), "status": tip.status,
        "anonymous": "yes" if tip.anonymous else "no",
        "sender_display_name": sender.get("display_name", ""),
        "sender_neighborhood": sender.get("neighborhood", ""),
        "agency_post_id": tip.agency_post_id or "",
        "agency_post_title": tip.agency_post.title if tip.agency_post else "",
        "lat": "" if tip.lat is None else tip.lat, "lon": "" if tip.lon is None else tip.lon,
        "case_number": tip.case_number, "tags": ", ".join(tip.tags or []),
        "assignee": tip.assignee.user.email if tip.assignee else "",
        "hidden": "yes" if tip.hidden else "no", "hidden_reason": tip.hidden_reason,
        "merged_into": tip.merged_into_id or "", "forwarded_from": tip.forwarded_from_id or "",
        "first_response_hour": _iso(tip.first_response_hour), "body": tip.body,
        "messages": "\n".join(f"[{_iso(m.created_hour)}] {m.sender}: {m.body}"
                              for m in tip.export_messages),
        "attachments": ", ".join(f"tip-{tip.pk}-{n}.{_extension(a)}"
                                 for n, a in enumerate(photos, start=1)),
    }


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _extension(attachment: TipAttachment) -> str:
    return attachment.content_type.rsplit("/", 1)[-1]


# --- PDF -------------------------------------------------------------------------------------
def case_pdf(user: Any, agency: Agency, case: object) -> bytes:
    tips = _audited(user, agency, case, "pdf")
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=letter, title=_("Tips of case %(case)s") % {
        "case": tips[0].case_number}, leftMargin=inch, rightMargin=inch)
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(escape(_("%(agency)s: tips of case %(case)s") % {
            "agency": agency.name, "case": tips[0].case_number}), styles["Title"]),
    ]
    for tip in tips:
        story += _tip_flowables(tip, styles)
    document.build(story)
    return out.getvalue()


def _tip_flowables(tip: Tip, styles: Any) -> list[Any]:
    record = _record(tip)
    sender = (_("Anonymous") if tip.anonymous else
              f"{record['sender_display_name']}, {record['sender_neighborhood']}")
    facts = [
        (_("Sent"), record["created_hour"]), (_("Status"), tip.get_status_display()),
        (_("From"), sender), (_("About the post"), record["agency_post_title"]),
        (_("Place"), f"{tip.lat}, {tip.lon}" if tip.lat is not None else ""),
        (_("Tags"), record["tags"]), (_("Assigned to"), record["assignee"]),
    ]
    flowables: list[Any] = [
        Spacer(1, 12),
        Paragraph(escape(_("Tip %(id)s") % {"id": tip.pk}), styles["Heading2"]),
        *[Paragraph(f"<b>{escape(label)}:</b> {escape(str(value))}", styles["Normal"])
          for label, value in facts if value],
        Spacer(1, 6), _text(tip.body, styles["BodyText"]),
    ]
    if tip.export_messages:
        flowables.append(Paragraph(escape(_("Conversation")), styles["Heading3"]))
        for message in tip.export_messages:
            who = _("Agency") if message.sender == TipMessage.Sender.AGENCY else _("Tipster")
            flowables.append(_text(f"[{_iso(message.created_hour)}] {who}: {message.body}",
                                   styles["BodyText"]))
    for number, attachment in enumerate(tip.attachments.all(), start=1):
        flowables += [Paragraph(escape(_("Photo %(number)s") % {"number": number}),
                                styles["Heading3"]), _photo(attachment)]
    return flowables


def _text(value: str, style: Any) -> Paragraph:
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def _photo(attachment: TipAttachment) -> Image:
    data = io.BytesIO(attachment.data)
    width, height = ImageReader(data).getSize()
    data.seek(0)
    scale = min(1.0, PHOTO_WIDTH / width) if width else 1.0
    return Image(data, width=width * scale, height=height * scale)
