"""API tokens: shown once, stored hashed, tied to an active account."""

from __future__ import annotations

import hashlib

from townsquare.accounts import actions as accounts
from townsquare.accounts.models import ApiToken, User
from townsquare.core.models import AuditLog


def test_a_token_authenticates_its_account_and_only_its_hash_is_stored(roles):
    user = roles["neighbor"]

    token = accounts.issue_token(user, label="phone")

    record = ApiToken.objects.get()
    assert token.startswith("ts_") and len(token) > 40
    assert record.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (record.prefix, record.label) == (token[:10], "phone")
    assert accounts.authenticate_token(token) == user
    assert AuditLog.objects.filter(action="accounts.issue_token").count() == 1


def test_each_issue_makes_a_new_token(roles):
    first = accounts.issue_token(roles["neighbor"])
    second = accounts.issue_token(roles["neighbor"])

    assert first != second
    assert ApiToken.objects.count() == 2


def test_use_is_recorded(roles):
    token = accounts.issue_token(roles["neighbor"])

    accounts.authenticate_token(token)

    assert ApiToken.objects.get().last_used_at is not None


def test_unknown_empty_and_oversized_tokens_authenticate_nobody(roles):
    accounts.issue_token(roles["neighbor"])

    assert accounts.authenticate_token("ts_guess") is None
    assert accounts.authenticate_token("") is None
    assert accounts.authenticate_token("ts_" + "x" * 300) is None


def test_a_deactivated_accounts_token_stops_working(roles):
    token = accounts.issue_token(roles["neighbor"])
    User.objects.filter(pk=roles["neighbor"].pk).update(is_active=False)

    assert accounts.authenticate_token(token) is None
