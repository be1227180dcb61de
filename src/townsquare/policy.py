"""Who may see and do what. The one place that decides it.

Views, API handlers, selectors, searches and exports ask these functions; they never
decide visibility themselves. Rules (docs/privacy.md):

- A verified resident sees the live posts of their own neighborhood, and the live posts of
  nearby neighborhoods whose author chose to share them. Unverified residents see none.
- Leads moderate their own neighborhood; operators moderate everywhere.
- Nobody but the resident and operators ever sees a home address or home point; other
  residents see the display name, the neighborhood and at most the street.
- THE PRIVACY WALL (docs/agencies.md, docs/privacy.md): agency staff are not residents and
  not operators, so every resident rule above gives them nothing: no resident posts or
  replies, no member lists, no addresses, in any endpoint, search, export or the admin.
  What they do see is decided in the "Agencies" section below: their own agency's posts
  and the replies to them, repliers named by display name and neighborhood only.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q

if TYPE_CHECKING:
    from townsquare.accounts.models import Resident
    from townsquare.agencies.models import Agency, AgencyPost, AgencyReply, AgencyStaff
    from townsquare.posts.models import Post, Reply
    from townsquare.questions.models import Question


def resident_of(user: Any) -> Resident | None:
    """The caller's resident profile (cached on the user object), or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_ts_resident", False)
    if cached is not False:
        return cached
    from townsquare.accounts.models import Resident

    resident = (
        Resident.objects.select_related("neighborhood", "neighborhood__city")
        .filter(user=user)
        .first()
    )
    user._ts_resident = resident
    return resident


_UNKNOWN: Any = object()


def prime(user: Any, *, resident: Resident | None = _UNKNOWN,
          agency_staff: AgencyStaff | None = _UNKNOWN) -> None:
    """Tell the per-user cache what a batch load already knows (a resident profile, or that
    there is none; the agency membership, or that there is none), so that asking the policy
    about many users costs no query per user. What is not given is looked up when asked."""
    if resident is not _UNKNOWN:
        user._ts_resident = resident
    if agency_staff is not _UNKNOWN:
        user._ts_agency_staff = agency_staff


def verified_resident_of(user: Any) -> Resident | None:
    resident = resident_of(user)
    return resident if resident is not None and resident.is_verified else None


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def can_grant_operator(user: Any) -> bool:
    """Make or unmake operators and superusers: superusers only."""
    return is_operator(user) and bool(user.is_superuser)


def may_become_operator(user: Any) -> bool:
    """Agency staff accounts (any membership, past ones too) are never operators: operators
    see what the privacy wall keeps from agencies."""
    from townsquare.agencies.models import AgencyStaff

    return not AgencyStaff.objects.filter(user=user).exists()


def nearby_ids(resident: Resident) -> list[int]:
    cached = getattr(resident, "_ts_nearby", None)
    if cached is None:
        cached = sorted(resident.neighborhood.nearby.values_list("id", flat=True))
        resident._ts_nearby = cached
    return cached


def feed_neighborhoods(resident: Resident) -> tuple[int, list[int]]:
    """(own neighborhood id, nearby ids whose shared posts the resident follows), the nearby
    ids in ascending order: the nearby neighborhoods minus the muted ones, in one query.

    Every feed page asks this, so the statement is written out: the ORM's form of it (an
    `exclude(...__in=subquery)` on the through table) cost about four times as much per call,
    nearly all of it in composing the SQL (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute(_followed_nearby_sql(), [resident.neighborhood_id, resident.pk])
        followed = [row[0] for row in cursor.fetchall()]
    return resident.neighborhood_id, followed


@functools.cache
def _followed_nearby_sql() -> str:
    from townsquare.accounts.models import Resident
    from townsquare.places.models import Neighborhood

    def table_and_columns(field: Any) -> tuple[str, str, str]:
        through = field.remote_field.through._meta
        return (connection.ops.quote_name(through.db_table),
                connection.ops.quote_name(field.m2m_column_name()),
                connection.ops.quote_name(field.m2m_reverse_name()))

    nearby, nearby_from, nearby_to = table_and_columns(Neighborhood._meta.get_field("nearby"))
    muted, muted_resident, muted_nbhd = table_and_columns(
        Resident._meta.get_field("muted_nearby"))
    return (f"SELECT {nearby_to} FROM {nearby} WHERE {nearby_from} = %s"  # noqa: S608
            f" AND {nearby_to} NOT IN (SELECT {muted_nbhd} FROM {muted}"
            f" WHERE {muted_resident} = %s) ORDER BY 1")


# --- Posts --------------------------------------------------------------------------------
def visible_posts_q(user: Any) -> Q:
    """A filter on Post that keeps exactly the posts `user` may read. Q(pk__in=[]) if none."""
    if is_operator(user):
        return Q(deleted_at__isnull=True)
    resident = verified_resident_of(user)
    if resident is None:
        return Q(pk__in=[])
    live = Q(deleted_at__isnull=True) & (Q(hidden_at__isnull=True) | Q(author=resident))
    local = Q(neighborhood_id=resident.neighborhood_id)
    shared = Q(neighborhood_id__in=nearby_ids(resident), share_nearby=True)
    return live & (local | shared)


def can_view_post(user: Any, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    if resident is None:
        return False
    if post.hidden_at is not None and post.author_id != resident.pk:
        return can_moderate_neighborhood(user, post.neighborhood_id)
    if post.neighborhood_id == resident.neighborhood_id:
        return True
    return post.share_nearby and post.neighborhood_id in nearby_ids(resident)


def can_post(user: Any) -> bool:
    return verified_resident_of(user) is not None


def can_reply(user: Any, post: Post) -> bool:
    return post.is_live and verified_resident_of(user) is not None and can_view_post(user, post)


def can_thank(user: Any, post: Post) -> bool:
    """Verified residents who may see the post, while it is live."""
    return post.is_live and verified_resident_of(user) is not None and can_view_post(user, post)


def can_report(user: Any, post: Post) -> bool:
    """Verified residents who may see the post (hidden ones included, for their authors)."""
    return verified_resident_of(user) is not None and can_view_post(user, post)


def can_edit_post(user: Any, post: Post) -> bool:
    resident = verified_resident_of(user)
    return resident is not None and post.deleted_at is None and post.author_id == resident.pk


def can_edit_reply(user: Any, reply: Reply) -> bool:
    resident = verified_resident_of(user)
    return resident is not None and reply.deleted_at is None and reply.author_id == resident.pk


def can_view_reply(user: Any, reply: Reply) -> bool:
    if reply.deleted_at is not None:
        return False
    if reply.hidden_at is not None:
        resident = resident_of(user)
        is_author = resident is not None and reply.author_id == resident.pk
        if not (is_author or can_moderate_neighborhood(user, reply.post.neighborhood_id)):
            return False
    return can_view_post(user, reply.post)


# --- Moderation ---------------------------------------------------------------------------
def can_moderate_neighborhood(user: Any, neighborhood_id: int) -> bool:
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    return (
        resident is not None and resident.is_lead and resident.neighborhood_id == neighborhood_id
    )


def can_moderate_post(user: Any, post: Post) -> bool:
    return post.deleted_at is None and can_moderate_neighborhood(user, post.neighborhood_id)


def can_use_moderation(user: Any) -> bool:
    """Leads (of their own neighborhood) and operators have a moderation queue."""
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    return resident is not None and resident.is_lead


def moderated_neighborhoods_q(user: Any, field: str = "neighborhood_id") -> Q:
    """A filter that keeps rows of neighborhoods `user` moderates."""
    if is_operator(user):
        return Q()
    resident = verified_resident_of(user)
    if resident is None or not resident.is_lead:
        return Q(pk__in=[])
    return Q(**{field: resident.neighborhood_id})


# --- Residents ----------------------------------------------------------------------------
def can_invite(user: Any) -> bool:
    return verified_resident_of(user) is not None


def can_view_members(user: Any, neighborhood_id: int) -> bool:
    """Member lists (names and streets) are for verified residents of that neighborhood."""
    if is_operator(user):
        return True
    resident = verified_resident_of(user)
    return resident is not None and resident.neighborhood_id == neighborhood_id


def can_see_home_address(user: Any, resident: Resident) -> bool:
    """Only the resident themself and operators (who mail the postcards)."""
    return is_operator(user) or (
        getattr(user, "is_authenticated", False) and resident.user_id == user.pk
    )


def public_resident_label(resident: Resident) -> dict[str, str]:
    """What other residents may know about a resident: name, neighborhood, street."""
    return {
        "display_name": resident.user.display_name,
        "neighborhood": resident.neighborhood.name,
        "street": resident.street,
    }



# --- Agencies: staff roles and the privacy wall ---------------------------------------------
# Roles of AgencyStaff.role. Operators (is_staff) are never agency staff and agency staff are
# never residents or operators: agencies/actions/staff.py refuses both kinds of account.
ADMIN, PUBLISHER, TIPS = "admin", "publisher", "tips"


def agency_staff_of(user: Any) -> AgencyStaff | None:
    """The caller's active membership of an approved agency (cached on the user), or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_ts_agency_staff", False)
    if cached is not False:
        return cached
    from townsquare.agencies.models import Agency, AgencyStaff

    staff = (
        AgencyStaff.objects.select_related("agency", "agency__city")
        .filter(user=user, active=True, agency__status=Agency.Status.APPROVED)
        .order_by("pk")
        .first()
    )
    user._ts_agency_staff = staff
    return staff


def agency_role(user: Any, agency: Agency | int) -> str | None:
    """The caller's role in `agency`, or None if they are not its (active) staff."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    staff = agency_staff_of(user)
    return staff.role if staff is not None and staff.agency_id == agency_id else None


def needs_second_factor(user: Any) -> bool:
    """Agency staff act for a public agency: their pages (and the API through the browser
    session) need a second factor (TOTP) on top of the password. Residents and operators
    sign in with the password alone."""
    return agency_staff_of(user) is not None


def can_view_agency_internal(user: Any, agency: Agency) -> bool:
    """The agency's own lists: all its posts (scheduled, practice, withdrawn), reach."""
    return is_operator(user) or agency_role(user, agency) is not None


def can_publish(user: Any, agency: Agency) -> bool:
    """Write, edit, schedule posts and attach images: publishers and admins."""
    return agency.is_approved and agency_role(user, agency) in {ADMIN, PUBLISHER}


def can_withdraw(user: Any, agency: Agency) -> bool:
    """Publishers and admins; operators too, to take down what should not be up."""
    return can_publish(user, agency) or is_operator(user)


def _withdrawn(post: AgencyPost) -> bool:
    from townsquare.agencies.models import AgencyPost

    return post.current_status() == AgencyPost.Status.WITHDRAWN


def can_edit_agency_post(user: Any, post: AgencyPost) -> bool:
    """The agency's publishers and admins, until the post is withdrawn."""
    return can_publish(user, post.agency) and not _withdrawn(post)


def can_withdraw_agency_post(user: Any, post: AgencyPost) -> bool:
    """Who may withdraw (can_withdraw), while the post is not withdrawn yet."""
    return can_withdraw(user, post.agency) and not _withdrawn(post)


def can_manage_staff(user: Any, agency: Agency) -> bool:
    return is_operator(user) or agency_role(user, agency) == ADMIN


def can_read_replies(user: Any, agency: Agency) -> bool:
    """Every staff role reads the replies to the agency's posts (and operators)."""
    return is_operator(user) or agency_role(user, agency) in {ADMIN, PUBLISHER, TIPS}


def can_handle_replies(user: Any, agency: Agency) -> bool:
    """Hide an abusive reply: the tips desk and admins, and operators."""
    return is_operator(user) or agency_role(user, agency) in {ADMIN, TIPS}


def can_view_audit(user: Any, agency: Agency) -> bool:
    return is_operator(user) or agency_role(user, agency) == ADMIN


def can_export(user: Any, agency: Agency) -> bool:
    """Public-records exports of all posts and replies: agency admins and operators."""
    return is_operator(user) or agency_role(user, agency) == ADMIN


def can_redeliver_agency_post(user: Any, agency: Agency) -> bool:
    """Send an agency post's given-up messages again: the agency's admins, and operators."""
    return is_operator(user) or agency_role(user, agency) == ADMIN


def can_review_agencies(user: Any) -> bool:
    """Approve or reject agency applications."""
    return is_operator(user)


def is_targeted(resident: Resident, post: AgencyPost) -> bool:
    cache = getattr(post, "_ts_target_ids", None)
    if cache is None:
        cache = set(post.target_rows.values_list("neighborhood_id", flat=True))
        post._ts_target_ids = cache
    return resident.neighborhood_id in cache


def can_view_agency_post(user: Any, post: AgencyPost) -> bool:
    """Its agency's staff and operators always; a verified resident while it is live, not
    practice, and targeted at their neighborhood. Everyone else: it does not exist."""
    if agency_role(user, post.agency_id) is not None or is_operator(user):
        return True
    resident = verified_resident_of(user)
    if resident is None or post.practice or not post.is_live():
        return False
    return is_targeted(resident, post)


def can_reply_agency_post(user: Any, post: AgencyPost) -> bool:
    """Targeted verified residents; staff do not reply as residents do."""
    resident = verified_resident_of(user)
    return resident is not None and can_view_agency_post(user, post)


def can_thank_agency_post(user: Any, post: AgencyPost) -> bool:
    """The residents who may reply to it."""
    return can_reply_agency_post(user, post)


def can_delete_agency_reply(user: Any, reply: AgencyReply) -> bool:
    """Its author only (a verified resident), while it is not deleted."""
    resident = verified_resident_of(user)
    return resident is not None and reply.deleted_at is None and reply.author_id == resident.pk


def has_inbox(user: Any) -> bool:
    """Verified residents (agency posts sent to their neighborhood) and agency staff (their
    agency's posts that are out). Operators and everyone else have none."""
    resident = resident_of(user)
    if resident is not None:
        return resident.is_verified  # residents are never agency staff: no second look
    return agency_staff_of(user) is not None


def is_in_inbox(user: Any, post: AgencyPost) -> bool:
    """A verified resident's inbox: the posts they may see. Staff's inbox: their agency's
    posts that are published (not scheduled, not withdrawn)."""
    if verified_resident_of(user) is not None:
        return can_view_agency_post(user, post)
    from townsquare.agencies.models import AgencyPost

    return (agency_role(user, post.agency_id) is not None
            and post.current_status() == AgencyPost.Status.PUBLISHED)


def can_view_agency_reply(user: Any, reply: AgencyReply) -> bool:
    """That agency's staff (and operators); residents of the replier's own neighborhood who
    may see the post. Hidden replies: staff, operators and their author only."""
    if reply.deleted_at is not None:
        return False
    if is_operator(user) or can_read_replies(user, reply.post.agency):
        return True
    resident = verified_resident_of(user)
    if resident is None or not can_view_agency_post(user, reply.post):
        return False
    if reply.author_id == resident.pk:
        return True
    return reply.hidden_at is None and reply.neighborhood_id == resident.neighborhood_id


def visible_agency_replies_q(user: Any, post: AgencyPost) -> Q:
    """A filter on AgencyReply (of `post`) keeping exactly the replies `user` may read."""
    alive = Q(deleted_at__isnull=True)
    if is_operator(user) or can_read_replies(user, post.agency):
        return alive
    resident = verified_resident_of(user)
    if resident is None or not can_view_agency_post(user, post):
        return Q(pk__in=[])
    neighbors = Q(neighborhood_id=resident.neighborhood_id, hidden_at__isnull=True)
    return alive & (neighbors | Q(author_id=resident.pk))


def agency_reply_author_label(reply: AgencyReply) -> dict[str, str]:
    """What anyone, the agency included, learns about a replier: name and neighborhood."""
    return {"display_name": reply.author.user.display_name,
            "neighborhood": reply.neighborhood.name}


# --- Tips: who may send, read and triage them (docs/tips-and-questions.md) ------------------
def can_send_tip(user: Any, agency: Agency) -> bool:
    """Anyone may send a tip to an approved agency: signed in or not."""
    return agency.is_approved


def can_send_private_tip(user: Any) -> bool:
    """A private tip names its sender to the agency: residents only (staff and operators
    send anonymous tips, as everyone without an account does)."""
    return resident_of(user) is not None


def is_agency_staff_of(user: Any, agency: Agency) -> bool:
    return agency_role(user, agency) is not None


def can_triage_tips(user: Any, agency: Agency) -> bool:
    """Read tips, answer tipsters, triage: the agency's tips staff and admins only. Not its
    publishers, not operators: a tip is for the desk that handles it."""
    return agency.is_approved and agency_role(user, agency) in {ADMIN, TIPS}


def can_view_tip(user: Any, tip: Any) -> bool:
    return can_triage_tips(user, tip.agency)


def can_forward_tip(user: Any, tip: Any, to_agency: Agency) -> bool:
    return (can_triage_tips(user, tip.agency) and to_agency.is_approved
            and to_agency.pk != tip.agency_id)


def tip_sender_label(tip: Any) -> dict[str, str] | None:
    """What the staff learn about the sender of a private tip: name and neighborhood.
    Anonymous tips: nothing (None)."""
    if tip.anonymous or tip.sender is None:
        return None
    return {"display_name": tip.sender.user.display_name,
            "neighborhood": tip.sender.neighborhood.name}


# --- Questions to an agency (docs/tips-and-questions.md) ------------------------------------
def agency_serves(agency: Agency, neighborhood_id: int, city_id: int) -> bool:
    """Whether `agency`'s jurisdiction holds the neighborhood (of city `city_id`). The
    jurisdiction's ids are cached on the agency object for the request."""
    if agency.all_neighborhoods:
        return agency.city_id == city_id
    served = getattr(agency, "_ts_served", None)
    if served is None:
        served = set(agency.jurisdiction.values_list("pk", flat=True))
        agency._ts_served = served
    return neighborhood_id in served


def _served_resident(user: Any, agency: Agency) -> Resident | None:
    resident = verified_resident_of(user)
    if resident is None or not agency.is_approved:
        return None
    if not agency_serves(agency, resident.neighborhood_id, resident.neighborhood.city_id):
        return None
    return resident


def can_ask_question(user: Any, agency: Agency) -> bool:
    """Verified residents of a neighborhood the agency serves."""
    return _served_resident(user, agency) is not None


def can_view_questions(user: Any, agency: Agency) -> bool:
    """The agency's questions: verified residents of its jurisdiction, its staff (every
    role), operators."""
    return (is_operator(user) or agency_role(user, agency) is not None
            or _served_resident(user, agency) is not None)


def visible_questions_q(user: Any, agency: Agency) -> Q:
    """A filter on Question (of `agency`) keeping exactly the ones `user` may read: staff
    and operators all of them (hidden ones marked), residents of the jurisdiction the ones
    not hidden plus their own."""
    if is_operator(user) or agency_role(user, agency) is not None:
        return Q(agency_id=agency.pk)
    resident = _served_resident(user, agency)
    if resident is None:
        return Q(pk__in=[])
    return Q(agency_id=agency.pk) & (Q(hidden_at__isnull=True) | Q(asker_id=resident.pk))


def can_view_question(user: Any, question: Question) -> bool:
    """One question, as visible_questions_q decides for a list (answered: the answer too)."""
    if is_operator(user) or agency_role(user, question.agency_id) is not None:
        return True
    resident = _served_resident(user, question.agency)
    return resident is not None and (question.hidden_at is None
                                     or question.asker_id == resident.pk)


def can_vote_question(user: Any, question: Question) -> bool:
    """Residents of the jurisdiction upvote an open question that is not hidden."""
    return (question.status == "open" and question.hidden_at is None
            and _served_resident(user, question.agency) is not None)


def can_answer_questions(user: Any, agency: Agency) -> bool:
    """Answering speaks for the agency in public, as a post does: publishers and admins.
    The tips desk reads questions and hides abusive ones, but does not answer."""
    return can_publish(user, agency)


def can_pin_questions(user: Any, agency: Agency) -> bool:
    """The agency's FAQ is its public voice too: publishers and admins."""
    return can_publish(user, agency)


def can_hide_question(user: Any, question: Question) -> bool:
    """As an abusive reply (the agency's tips desk and admins, operators), and as a post
    (the lead of the asker's neighborhood)."""
    return (can_handle_replies(user, question.agency)
            or can_moderate_neighborhood(user, question.neighborhood_id))


def may_hear_outcome(user: Any, post: AgencyPost) -> bool:
    """Who is told what came of a request for information they replied to (the replies are
    the notification's recipients): verified residents, while the post is not withdrawn
    and not practice. Expired requests count: outcomes come after them."""
    return (verified_resident_of(user) is not None and not post.practice
            and not _withdrawn(post))


def question_asker_label(question: Question) -> dict[str, str]:
    """What anyone, the agency included, learns about an asker: name and neighborhood."""
    return {"display_name": question.asker.user.display_name,
            "neighborhood": question.neighborhood.name}




# --- Incidents, trends and series (docs/incidents.md) ---------------------------------------


def can_view_crime_numbers(user: Any) -> bool:
    """The crime pages and the incidents summary: everyone, signed in or not. A city's
    police incidents are public records, and they are shown no finer than the block."""
    return True


def can_view_series(user: Any, agency: Agency) -> bool:
    """The agency's series page (the Knox test and candidate series over its jurisdiction):
    its admins, publishers and tips staff, and operators (who look after every agency).
    Never residents: a list of linked incidents is investigative work, not a public page,
    even though each incident is public."""
    return agency.is_approved and (is_operator(user)
                                   or agency_role(user, agency) in {ADMIN, PUBLISHER, TIPS})


# --- Coverage (docs/coverage.md) --------------------------------------------------------------
# The coverage numbers (share launched, households reached, history, projection) are public:
# they hold no one's data. The recruiting tools are the operators'.
def can_use_recruiting_tools(user: Any) -> bool:
    """The recruiting page, its flyers and the household-count import: operators only."""
    return is_operator(user)


# --- Public agency pages ---
# An agency's public posts (alerts, advisories, news, events it did not mark as targeted) are
# readable by anyone on its public page. Requests for information and targeted posts stay
# for the verified residents of the targeted neighborhoods.
PUBLIC_AGENCY_POST_KINDS = ("alert", "advisory", "news", "event")


def public_agency_posts_q() -> Q:
    """A filter on AgencyPost keeping the posts anyone may read (before the time check):
    public kinds, not targeted, not practice, not withdrawn."""
    return (Q(kind__in=PUBLIC_AGENCY_POST_KINDS, targeted_only=False, practice=False)
            & ~Q(status="withdrawn"))


def is_public_agency_post(post: AgencyPost) -> bool:
    """Anyone may read it: a public kind, not targeted, not practice, published (an update
    follows its thread's first post)."""
    root = post.parent if post.parent_id is not None else post
    return (root.kind in PUBLIC_AGENCY_POST_KINDS and not root.targeted_only
            and not root.practice and not post.practice
            and post.current_status() == "published" and root.current_status() == "published")


def can_view_public_agency_page(user: Any, agency: Agency) -> bool:
    """The agency's public page: anyone, signed in or not, while the agency is approved."""
    return agency.is_approved


def can_view_public_agency_post(user: Any, post: AgencyPost) -> bool:
    """A public post's page: anyone; otherwise whoever may see the post itself."""
    return is_public_agency_post(post) or can_view_agency_post(user, post)


def public_alert_neighborhood(user: Any) -> int | None:
    """The neighborhood whose public alerts a resident who is not yet verified is shown
    (their home's); None for everyone else (verified residents have their inbox)."""
    resident = resident_of(user)
    if resident is None or resident.is_verified:
        return None
    return resident.neighborhood_id


def can_post_alert_update(user: Any, post: AgencyPost) -> bool:
    """An update or all-clear to a published post: its agency's publishers and admins, on
    a first post (not an update), not practice, not withdrawn."""
    return (post.parent_id is None and not post.practice and not _withdrawn(post)
            and can_publish(user, post.agency))
