"""Every write about agencies goes through these functions (API, pages, admin, commands)."""

from townsquare.agencies.actions.drafts import delete_draft, drafts, get_draft, save_draft
from townsquare.agencies.actions.engagement import (
    delete_agency_reply,
    hide_agency_reply,
    mark_read,
    record_opened,
    reply_to_agency_post,
    thank_agency_post,
    unthank_agency_post,
)
from townsquare.agencies.actions.images import attach_image
from townsquare.agencies.actions.onboarding import (
    apply_for_agency,
    approve_agency,
    create_agency,
    reject_agency,
)
from townsquare.agencies.actions.publishing import (
    AudienceUnconfirmed,
    publish_agency_post,
    update_agency_post,
    withdraw_agency_post,
)
from townsquare.agencies.actions.records import (
    export_agency,
    export_audit_log,
    record_replies_read,
)
from townsquare.agencies.actions.staff import (
    add_agency_staff,
    change_staff_role,
    remove_agency_staff,
)

__all__ = [
    "AudienceUnconfirmed",
    "add_agency_staff",
    "apply_for_agency",
    "approve_agency",
    "attach_image",
    "change_staff_role",
    "create_agency",
    "delete_draft",
    "delete_agency_reply",
    "drafts",
    "export_agency",
    "export_audit_log",
    "get_draft",
    "hide_agency_reply",
    "mark_read",
    "publish_agency_post",
    "record_opened",
    "record_replies_read",
    "reject_agency",
    "remove_agency_staff",
    "reply_to_agency_post",
    "save_draft",
    "thank_agency_post",
    "unthank_agency_post",
    "update_agency_post",
    "withdraw_agency_post",
]
