"""Agency staff: invited by email (an agency admin, an operator, or the CLI), roles changed,
removed. Staff use work accounts: an email that belongs to a resident or an operator is
refused, which is what keeps the privacy wall in policy.py simple."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.models import Resident, User
from townsquare.agencies import links, tasks
from townsquare.agencies.models import Agency, AgencyStaff
from townsquare.core import audit
from townsquare.core.errors import Conflict, Forbidden, Invalid, NotFound
from townsquare.core.text import clean_email, clean_text


def add_agency_staff(agency: Agency, email: object, role: object, *, actor: Any = None,
                     display_name: object = "", send_email: bool = True
                     ) -> tuple[AgencyStaff, str]:
    """Create the account if missing (unusable password) or attach an existing non-resident
    account; return the membership and a one-time password-set link.

    `actor` None is the operator's command line. With `send_email`, the link is mailed to
    the new member after the commit; the command line prints it instead.
    """
    _require(policy.can_manage_staff(actor, agency) if actor is not None else True,
             _("Only the agency's admins and operators manage its staff."))
    if not agency.is_approved:
        raise Conflict(_("The agency has not been approved yet."))
    address = clean_email(email)
    chosen_role = _clean_role(role)
    if agency.email_domain and not _in_domain(address, agency.email_domain):
        raise Invalid(_("Staff use their work email."), {"email": [
            _("Use an address at %(domain)s, the agency's email domain.")
            % {"domain": agency.email_domain}]})
    name = clean_text(display_name, field="display_name", max_length=80, required=False)
    try:
        with transaction.atomic(durable=True):
            user = User.objects.select_for_update().filter(email=address).first()
            if user is None:
                user = User.objects.create_user(
                    email=address, password=None, display_name=name or address.split("@")[0])
            _check_account(user, agency)
            staff = AgencyStaff.objects.filter(agency=agency, user=user).first()
            if staff is not None and staff.active:
                raise Conflict(_("This account is already on the agency's staff."),
                               {"email": [_("Already on the staff; change the role instead.")]})
            if staff is None:
                staff = AgencyStaff.objects.create(agency=agency, user=user, role=chosen_role)
            else:  # removed earlier, invited back
                staff.active, staff.role = True, chosen_role
                staff.save(update_fields=["active", "role"])
            audit.record(actor, "agencies.staff_added", staff, agency=agency,
                         email=address, role=chosen_role)
            link = links.password_set_link(user)
            if send_email:
                transaction.on_commit(lambda: tasks.send_staff_invitation.enqueue(
                    staff_id=staff.pk, link=link))
    except IntegrityError as exc:  # the same invitation twice at the same moment
        raise Conflict(_("This account is already on the agency's staff.")) from exc
    return staff, link


def change_staff_role(actor: Any, staff: AgencyStaff, role: object) -> AgencyStaff:
    _require(policy.can_manage_staff(actor, staff.agency),
             _("Only the agency's admins and operators manage its staff."))
    chosen_role = _clean_role(role)
    if not staff.active:
        raise NotFound(_("No such staff member."))
    if staff.role == chosen_role:
        return staff
    with transaction.atomic(durable=True):
        _keep_an_admin(staff, leaving=chosen_role != AgencyStaff.Role.ADMIN)
        before = staff.role
        staff.role = chosen_role
        staff.save(update_fields=["role"])
        audit.record(actor, "agencies.staff_role_changed", staff, agency=staff.agency,
                     email=staff.user.email, role=chosen_role, previous_role=before)
    return staff


def remove_agency_staff(actor: Any, staff: AgencyStaff) -> None:
    """The membership ends (kept, inactive, for the audit trail); the account stays."""
    _require(policy.can_manage_staff(actor, staff.agency),
             _("Only the agency's admins and operators manage its staff."))
    if not staff.active:
        raise NotFound(_("No such staff member."))
    with transaction.atomic(durable=True):
        _keep_an_admin(staff, leaving=True)
        AgencyStaff.objects.filter(pk=staff.pk).update(active=False)
        audit.record(actor, "agencies.staff_removed", staff, agency=staff.agency,
                     email=staff.user.email, role=staff.role)
    staff.active = False


def _keep_an_admin(staff: AgencyStaff, *, leaving: bool) -> None:
    """An agency must keep one admin, or nobody could manage it but the operators."""
    if not leaving or staff.role != AgencyStaff.Role.ADMIN:
        return
    admins = list(AgencyStaff.objects.select_for_update()
                  .filter(agency_id=staff.agency_id, role=AgencyStaff.Role.ADMIN, active=True)
                  .values_list("pk", flat=True))
    if admins == [staff.pk]:
        raise Conflict(_("The agency's last admin cannot leave; make someone else admin first."))


def _check_account(user: User, agency: Agency) -> None:
    if Resident.objects.filter(user=user).exists():
        raise Conflict(_("This email belongs to a resident's account."), {"email": [
            _("This email belongs to a resident's account. Staff use a separate work account "
              "(so the agency never sees a resident's own neighborhood).")]})
    if user.is_staff or user.is_superuser:
        raise Conflict(_("This email belongs to an operator."), {"email": [
            _("Operators cannot be agency staff; use another account.")]})
    if not user.is_active:
        message = _("This account is deactivated.")
        raise Conflict(message, {"email": [message]})
    other = (AgencyStaff.objects.filter(user=user, active=True).exclude(agency=agency)
             .select_related("agency").first())
    if other is not None:
        raise Conflict(_("This account belongs to another agency's staff."), {"email": [
            _("This account is on the staff of %(agency)s; one agency per account.")
            % {"agency": other.agency.name}]})


def _clean_role(role: object) -> str:
    if role not in AgencyStaff.Role.values:
        raise Invalid(_("Choose a role."), {"role": [
            _("Choose one of: %(roles)s.") % {"roles": ", ".join(AgencyStaff.Role.values)}]})
    return str(role)


def _in_domain(email: str, domain: str) -> bool:
    host = email.rsplit("@", 1)[-1].lower()
    return host == domain or host.endswith("." + domain)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)
