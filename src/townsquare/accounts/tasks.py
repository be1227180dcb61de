"""Background jobs of the accounts app. Each is idempotent: safe to run again after a crash."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from townsquare.accounts import codes, postcard_pdf
from townsquare.accounts.models import (
    Invitation,
    PostcardBatch,
    Resident,
    User,
    VerificationCode,
)
from townsquare.core.i18n import recipient_language


def postcard_path(batch: PostcardBatch) -> Path:
    return Path(settings.VAR_DIR) / "postcards" / f"postcards-{batch.pk}.pdf"


@task()
def render_postcard_batch(batch_id: int) -> str:
    """Make one code per resident of the batch and render the printable PDF.

    Codes exist only in memory and in the PDF; the database keeps their keyed hashes.
    Re-running (after a crash) revokes the unused codes of the earlier attempt first.
    """
    batch = PostcardBatch.objects.get(pk=batch_id)
    if batch.status == PostcardBatch.Status.READY:
        return batch.file_name
    residents = list(
        batch.residents.select_related("user", "neighborhood__city").order_by(
            "neighborhood__name", "home_address", "pk"
        )
    )
    now = timezone.now()
    expires = now + timedelta(days=settings.TOWNSQUARE_POSTCARD_CODE_DAYS)
    cards, rows = [], []
    for resident in residents:
        code = codes.new_code()
        rows.append(VerificationCode(resident=resident, batch=batch,
                                     code_hash=codes.hash_code(code), expires_at=expires))
        cards.append(postcard_pdf.Card(
            name=resident.user.display_name,
            mailing_lines=_mailing_lines(resident),
            neighborhood=resident.neighborhood.name,
            city=resident.neighborhood.city.name,
            code=code,
            link=f"{settings.SITE_URL}/verify/?code={code}",
            expires=timezone.localdate(expires),
        ))
    path = postcard_path(batch)
    with recipient_language():
        postcard_pdf.render(cards, path)
    with transaction.atomic():
        batch.codes.filter(used_at__isnull=True).update(revoked_at=now)
        VerificationCode.objects.bulk_create(rows, batch_size=500)
        batch.file_name = path.name
        batch.status = PostcardBatch.Status.READY
        batch.save(update_fields=["file_name", "status"])
    return path.name


def _mailing_lines(resident: Resident) -> list[str]:
    from townsquare.accounts.mailing import mailing_addresses

    mailing = mailing_addresses([resident])[0]
    if mailing.complete:
        return list(mailing.lines)
    # Held back since the batch was made: the operator addresses it by hand.
    with recipient_language():
        return [mailing.reason, resident.neighborhood.city.name]


@task()
def send_invitation(invitation_id: int, token: str) -> bool:
    invitation = (
        Invitation.objects.select_related("inviter__user", "inviter__neighborhood")
        .filter(pk=invitation_id, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        return False
    inviter = invitation.inviter
    link = f"{settings.SITE_URL}/invitations/{token}/"
    names = {"inviter": inviter.user.display_name, "neighborhood": inviter.neighborhood.name}
    with recipient_language():  # an address, not yet an account: the site's language
        body = _(
            "%(inviter)s invited you to join %(neighborhood)s on townsquare, the private "
            "network for neighbors.\n\n"
            "Open this link to sign up (or sign in) and join, verified by your neighbor:\n"
            "%(link)s\n\n"
            "The invitation is valid until %(until)s and works once.\n"
        ) % {**names, "link": link, "until": _date(invitation.expires_at)}
        subject = _("%(inviter)s invited you to %(neighborhood)s") % names
    EmailMessage(
        subject=subject,
        body=body,
        to=[invitation.email],
        headers={"Message-ID": f"<invitation-{invitation.pk}@townsquare>"},
    ).send()
    return True


def _date(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%B %d, %Y}"


@task()
def send_password_reset(email: str) -> bool:
    """Mail a reset link to the account that uses `email`, if there is one.

    Queued for every request, so the request says nothing about the account; an unknown
    address ends here. Running again sends another link, which is harmless: each works
    until the password changes or PASSWORD_RESET_TIMEOUT passes.
    """
    from townsquare.accounts.password_reset_tokens import reset_link

    user = User.objects.filter(email=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    with recipient_language(user):
        body = _(
            "Someone (we hope you) asked to reset the password of your townsquare account.\n\n"
            "Open this link to choose a new password:\n%(link)s\n\n"
            "The link works once, for %(hours)d hours. Setting a new password signs you out "
            "everywhere and ends the API tokens of your account.\n\n"
            "If you did not ask for this, ignore this message: your password stays as it is.\n"
        ) % {"link": reset_link(user), "hours": hours}
        subject = _("Reset your townsquare password")
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return True
