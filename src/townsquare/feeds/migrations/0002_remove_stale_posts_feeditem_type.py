"""The content type `posts | feeditem`, and its four permissions, left behind when FeedItem
moved to this app (posts/0003, feeds/0001): removed where it is, nothing done where it is
not (a new database never had it), so running it again changes nothing.

Nothing refers to it: the admin's log keeps its entries (their content type is set to
null), and a group or account holding one of its permissions loses only that permission,
which named a model that no longer exists.
"""

from django.db import migrations


def remove_stale_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    database = schema_editor.connection.alias
    stale = ContentType.objects.using(database).filter(app_label="posts", model="feeditem")
    Permission.objects.using(database).filter(content_type__in=stale).delete()
    stale.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("feeds", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(remove_stale_type, migrations.RunPython.noop, elidable=True),
    ]
