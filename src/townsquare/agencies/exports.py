"""Public-records exports of an agency's posts and the replies to them, as CSV and JSON.

Repliers appear as display name and neighborhood only, as everywhere the agency looks.
Deleted replies are left out (their author took them back); hidden ones are included and
marked. CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab
or carriage return) are prefixed with an apostrophe: reply text is typed by the public, and
an export is opened in spreadsheets. The JSON export keeps every text exactly as typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from townsquare import policy
from townsquare.agencies.models import Agency, AgencyPost, AgencyReply
from townsquare.core.models import AuditLog

CSV_COLUMNS = [
    "record", "post_id", "reply_id", "created_at", "kind", "title", "body", "status",
    "practice", "case_number", "publish_at", "expires_at", "edited_at", "withdrawn_at",
    "audience_size", "neighborhoods", "author", "replier_display_name",
    "replier_neighborhood", "hidden",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def post_record(post: AgencyPost, targets: list[str]) -> dict[str, Any]:
    return {
        "id": post.pk, "kind": post.kind, "title": post.title, "body": post.body,
        "status": post.current_status(), "practice": post.practice,
        "case_number": post.case_number, "created_at": _iso(post.created_at),
        "publish_at": _iso(post.publish_at), "expires_at": _iso(post.expires_at),
        "edited_at": _iso(post.edited_at), "withdrawn_at": _iso(post.withdrawn_at),
        "event_starts_at": _iso(post.event_starts_at), "event_place": post.event_place,
        "rfi_area": post.rfi_area, "rfi_from": _iso(post.rfi_from),
        "rfi_until": _iso(post.rfi_until), "audience_size": post.audience_size,
        "neighborhoods": targets,
        "author": post.author.display_name if post.author else "",
    }


def reply_record(reply: AgencyReply) -> dict[str, Any]:
    label = policy.agency_reply_author_label(reply)
    return {"id": reply.pk, "created_at": _iso(reply.created_at), "body": reply.body,
            "replier": label, "hidden": reply.hidden_at is not None}


def to_json(agency: Agency, posts: list[dict[str, Any]], exported_at: dt.datetime) -> bytes:
    document = {"agency": {"slug": agency.slug, "name": agency.name, "kind": agency.kind},
                "exported_at": _iso(exported_at), "posts": posts}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def to_csv(posts: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for post in posts:
        writer.writerow(_safe({
            "record": "post", "post_id": post["id"], "reply_id": "",
            "created_at": post["created_at"], "kind": post["kind"], "title": post["title"],
            "body": post["body"], "status": post["status"],
            "practice": "yes" if post["practice"] else "no",
            "case_number": post["case_number"], "publish_at": post["publish_at"],
            "expires_at": post["expires_at"] or "", "edited_at": post["edited_at"] or "",
            "withdrawn_at": post["withdrawn_at"] or "",
            "audience_size": post["audience_size"],
            "neighborhoods": "; ".join(post["neighborhoods"]), "author": post["author"],
            "replier_display_name": "", "replier_neighborhood": "", "hidden": "",
        }))
        for reply in post["replies"]:
            writer.writerow(_safe({
                "record": "reply", "post_id": post["id"], "reply_id": reply["id"],
                "created_at": reply["created_at"], "kind": "", "title": "",
                "body": reply["body"], "status": "", "practice": "", "case_number": "",
                "publish_at": "", "expires_at": "", "edited_at": "", "withdrawn_at": "",
                "audience_size": "", "neighborhoods": "", "author": "",
                "replier_display_name": reply["replier"]["display_name"],
                "replier_neighborhood": reply["replier"]["neighborhood"],
                "hidden": "yes" if reply["hidden"] else "no",
            }))
    # A byte-order mark, so spreadsheet programs read the UTF-8 as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def audit_csv(entries: list[AuditLog]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "created_at", "actor", "action",
                                             "target_type", "target_id", "data"],
                            lineterminator="\r\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow(_safe({
            "id": entry.pk, "created_at": _iso(entry.created_at), "actor": entry.actor_label,
            "action": entry.action, "target_type": entry.target_type,
            "target_id": entry.target_id,
            "data": json.dumps(entry.data, sort_keys=True, ensure_ascii=False),
        }))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(row: dict[str, Any]) -> dict[str, Any]:
    return {k: ("'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
            for k, v in row.items()}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
