"""`townsquare verify_resident` and `townsquare issue_token`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from tests.cli.conftest import townsquare
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import ApiToken, Resident
from townsquare.core.models import AuditLog


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def unverified(city, email: str) -> Resident:
    user = factories.make_resident(factories.nbhd(city, "Elm"), verified=False, email=email)
    return Resident.objects.get(user=user)


def test_verify_resident_verifies_everyone_named_and_audits_it(city):
    ann, bob = unverified(city, "ann@example.org"), unverified(city, "bob@example.org")

    output = run("verify_resident", "ann@example.org", "BOB@example.org")

    assert output == ("ann@example.org verified (Elm).\n"
                      "bob@example.org verified (Elm).\n")
    for resident in (ann, bob):
        resident.refresh_from_db()
        assert resident.verification_method == "operator"
        assert resident.verified_at is not None
    assert factories.nbhd(city, "Elm").verified_members == 2
    entries = AuditLog.objects.filter(action="accounts.verify_resident").order_by("id")
    assert [(e.target_id, e.data, e.actor_label) for e in entries] == [
        (str(ann.pk), {"method": "operator"}, "system"),
        (str(bob.pk), {"method": "operator"}, "system"),
    ]


def test_verify_resident_twice_says_so_and_counts_once(city):
    unverified(city, "ann@example.org")
    run("verify_resident", "ann@example.org")

    output = run("verify_resident", "ann@example.org")

    assert output == "ann@example.org was already verified (Elm).\n"
    assert factories.nbhd(city, "Elm").verified_members == 1


def test_an_unknown_email_changes_nothing_for_the_others(city):
    ann = unverified(city, "ann@example.org")

    with pytest.raises(CommandError) as raised:
        run("verify_resident", "ann@example.org", "nobody@example.org", "ghost@example.org")

    assert str(raised.value) == (
        "No resident with the email nobody@example.org, ghost@example.org. Nobody was verified.")
    ann.refresh_from_db()
    assert ann.verified_at is None
    assert AuditLog.objects.filter(action="accounts.verify_resident").count() == 0


def test_an_account_without_a_home_is_not_a_resident(roles):
    with pytest.raises(CommandError, match="No resident with the email"):
        run("verify_resident", roles["operator"].email)


def test_issue_token_prints_a_token_that_authenticates_the_account(roles):
    output = run("issue_token", roles["neighbor"].email)

    token = output.strip()
    assert output == token + "\n" and token.startswith("ts_")
    assert accounts.authenticate_token(token) == roles["neighbor"]
    assert ApiToken.objects.get(user=roles["neighbor"]).label == "cli"


def test_issue_token_for_an_unknown_email_fails(db):
    with pytest.raises(CommandError, match="No account with the email nobody@example.org"):
        run("issue_token", "nobody@example.org")
    assert ApiToken.objects.count() == 0


def test_issue_token_refuses_a_deactivated_account(roles):
    user = roles["neighbor"]
    user.is_active = False
    user.save(update_fields=["is_active"])

    with pytest.raises(CommandError, match="deactivated"):
        run("issue_token", user.email)


def test_errors_exit_non_zero_from_the_shell(migrated_var_dir):
    verify = townsquare(migrated_var_dir, "verify_resident", "nobody@example.org")
    token = townsquare(migrated_var_dir, "issue_token", "nobody@example.org")

    assert (verify.returncode, verify.stdout) == (1, "")
    assert "No resident with the email nobody@example.org" in verify.stderr
    assert (token.returncode, token.stdout) == (1, "")
    assert "No account with the email nobody@example.org" in token.stderr
