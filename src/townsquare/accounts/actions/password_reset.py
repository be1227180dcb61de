"""A forgotten password: the request for a link by email, and the new password.

Both the pages (web/views/password_reset.py) and the API (api/routers/password_reset.py)
call these, so the limits and the answers are the same everywhere:

* The request gives the same outcome whether or not an account uses the address: the mail
  job is queued either way (after commit), and the job looks the account up and mails only
  an existing, active one. Requests are limited per client address and per email address.
* The new password needs a valid link (accounts/password_reset_tokens.py: single use,
  expiring). It passes the password validators; then every API token of the account is
  revoked, and every session is signed out (the session keeps a hash of the password).
  Staff sign in again with their second factor, as always.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from townsquare.accounts import tasks
from townsquare.accounts.models import ApiToken, User
from townsquare.accounts.password_reset_tokens import reset_tokens, user_of
from townsquare.accounts.validation import clean_email, clean_password
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Invalid


def request_password_reset(email: object, *, client: str) -> None:
    """Queue a reset link for `email`. Says nothing about whether the account exists."""
    address = clean_email(email)
    limited = _("Too many password reset requests. Please wait and try again later.")
    ratelimit.hit("password_reset_client", client, message=limited)
    ratelimit.hit("password_reset_email", address, message=limited)
    with transaction.atomic(durable=True):
        transaction.on_commit(lambda: tasks.send_password_reset.enqueue(email=address))


def check_reset_link(uid: object, token: object) -> User:
    """The account of a valid (unused, unexpired, unaltered) link; Invalid otherwise."""
    user = user_of(uid)
    if user is None or not isinstance(token, str) or not reset_tokens.check_token(user, token):
        raise Invalid(_("This password reset link is used, expired or incomplete. "
                        "Ask for a new one."))
    return user


def reset_password(uid: object, token: object, password: object, *, client: str) -> User:
    """Set a new password through a reset link; revoke the account's API tokens."""
    ratelimit.hit("password_reset_confirm", client,
                  message=_("Too many attempts. Please wait and try again later."))
    user = check_reset_link(uid, token)
    new_password = clean_password(password, user)
    with transaction.atomic(durable=True):
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.password != user.password:  # another request used the link first
            raise Invalid(_("This password reset link is used, expired or incomplete. "
                            "Ask for a new one."))
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        revoked, _rows = ApiToken.objects.filter(user=locked).delete()
        audit.record(locked, "accounts.password_reset", locked, api_tokens_revoked=revoked)
    return locked
