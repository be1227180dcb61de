"""FeedItem, moved here from posts (posts/0003_feeditem_moves_to_feeds): state only.

The table `posts_feeditem`, its rows and its indexes were made by posts/0001 and posts/0002
and stay as they are; nothing is copied. A new database gets them from those migrations.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agencies', '0001_initial'),
        ('places', '0001_initial'),
        ('posts', '0003_feeditem_moves_to_feeds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='FeedItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField()),
                        ('share_nearby', models.BooleanField(default=False)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('agency_post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='feed_items', to='agencies.agencypost')),
                        ('neighborhood', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='places.neighborhood')),
                        ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='feed_items', to='posts.post')),
                    ],
                    options={
                        'db_table': 'posts_feeditem',
                        'indexes': [models.Index(fields=['neighborhood', '-created_at', '-id'], name='feed_nbhd_keyset'), models.Index(condition=models.Q(('share_nearby', True)), fields=['neighborhood', '-created_at', '-id'], name='feed_nbhd_shared_keyset'), models.Index(condition=models.Q(('agency_post__isnull', False)), fields=['neighborhood', '-created_at', '-id'], name='feed_nbhd_agency_keyset')],
                    },
                ),
            ],
        ),
    ]
