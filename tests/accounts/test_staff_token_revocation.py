"""The upgrade revokes the API tokens agency staff got with their password alone."""

from __future__ import annotations

import importlib

from django.apps import apps

from townsquare.accounts import actions as accounts
from townsquare.accounts.models import ApiToken

migration = importlib.import_module(
    "townsquare.accounts.migrations.0002_revoke_password_only_staff_tokens")


def test_password_only_staff_tokens_are_revoked_operator_and_resident_tokens_stay(
        agency_roles):
    officer, resident = agency_roles["publisher"], agency_roles["resident_in"]
    accounts.issue_token(officer, label="api")  # as POST /auth/token made them before
    accounts.issue_token(officer, label="cli")  # printed by an operator
    accounts.issue_token(resident, label="api")

    migration.revoke_password_only_staff_tokens(apps, None)

    assert sorted(ApiToken.objects.values_list("user__email", "label")) == sorted(
        [(officer.email, "cli"), (resident.email, "api")])
