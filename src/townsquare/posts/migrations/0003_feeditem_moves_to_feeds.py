"""FeedItem moves to the feeds app (feeds/0001_initial): gone from this app's state only.

The table (`posts_feeditem`) and its rows stay where they are; nothing is copied.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('posts', '0002_feeditem_agency_posts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='FeedItem')],
            database_operations=[],
        ),
    ]
