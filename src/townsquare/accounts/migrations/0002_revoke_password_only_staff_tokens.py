"""Agency staff could once get an API token with their password alone (POST
/api/v1/auth/token, label "api"). Since then that takes a second-factor code too; the
tokens made before it are revoked here, so none made from a password alone remains.
Tokens an operator printed with `townsquare issue_token` (label "cli" or their own) stay."""

from django.db import migrations


def revoke_password_only_staff_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    AgencyStaff = apps.get_model("agencies", "AgencyStaff")
    staff_users = AgencyStaff.objects.values("user_id")
    ApiToken.objects.filter(label="api", user_id__in=staff_users).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("agencies", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(revoke_password_only_staff_tokens, migrations.RunPython.noop),
    ]
