"""Background jobs of the agencies app. Each is idempotent: safe to run again after a crash."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from townsquare.agencies.models import AgencyPost, AgencyStaff
from townsquare.core.i18n import recipient_language


@task()
def send_staff_invitation(staff_id: int, link: str) -> bool:
    """Mail a new staff member their password-set link.

    Idempotent: the message has a stable Message-ID, and a membership removed meanwhile
    gets nothing. Retried by the worker's lease (core/tasks_recovery.py) if it dies.
    """
    staff = (AgencyStaff.objects.select_related("agency", "user")
             .filter(pk=staff_id, active=True).first())
    if staff is None:
        return False
    with recipient_language(staff.user):
        body = _(
            "You have been added to the staff of %(agency)s on townsquare (%(role)s).\n\n"
            "Set your password with this link (it works once, and for %(days)s days):\n"
            "%(link)s\n\n"
            "Then read the guide for agencies, docs/agencies.md, on what residents see and "
            "what your staff can and cannot see.\n"
        ) % {"agency": staff.agency.name, "role": staff.get_role_display(),
             "days": settings.PASSWORD_RESET_TIMEOUT // 86400, "link": link}
        subject = _("Your staff account at %(agency)s") % {"agency": staff.agency.name}
    EmailMessage(
        subject=subject,
        body=body, to=[staff.user.email],
        headers={"Message-ID": f"<agency-staff-{staff.pk}@townsquare>"},
    ).send()
    return True


@task()
def mark_published(post_id: int) -> bool:
    """Flip a scheduled post's stored status once its time has come.

    Only bookkeeping: every read uses `AgencyPost.current_status()`, which is right even if
    this runs late or never. Idempotent: a conditional UPDATE; a post whose time was moved
    later is left alone (its new time enqueued its own run).
    """
    return bool(AgencyPost.objects.filter(
        pk=post_id, status=AgencyPost.Status.SCHEDULED, publish_at__lte=timezone.now()
    ).update(status=AgencyPost.Status.PUBLISHED))
