from __future__ import annotations

from django.db import models

from townsquare.places.models import Neighborhood


class FeedItem(models.Model):
    """One row per (neighborhood, post) that a neighborhood's feed shows.

    A resident post has one row, in its own neighborhood; `share_nearby` marks it for the
    feeds of the neighborhoods that touch it. Feeds read this table with one keyset stream per
    neighborhood (own, plus each followed nearby one restricted to shared rows), all in one
    UNION ALL statement that the database merges (feeds/feed_query.py, docs/performance.md).
    Rows are removed when a post is deleted or hidden, so feed reads never filter them.

    An agency post has one row per targeted neighborhood (`agency_post` set, `post` null),
    written when it is published, with `created_at` = its publish time (possibly in the
    future: feed reads bound `created_at <= now`) and its `expires_at`, so feeds and the
    inbox drop an expired post at read time without a join (docs/agencies.md).

    Both foreign keys name their model by label, so this app imports neither posts nor
    agencies. The table keeps the name it had when the rows lived in posts.
    """

    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    share_nearby = models.BooleanField(default=False)
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="feed_items"
    )
    agency_post = models.ForeignKey(
        "agencies.AgencyPost", null=True, blank=True, on_delete=models.CASCADE,
        related_name="feed_items",
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "posts_feeditem"
        indexes = [
            models.Index(fields=["neighborhood", "-created_at", "-id"], name="feed_nbhd_keyset"),
            models.Index(
                fields=["neighborhood", "-created_at", "-id"],
                condition=models.Q(share_nearby=True),
                name="feed_nbhd_shared_keyset",
            ),
            # The inbox: a neighborhood's agency posts only.
            models.Index(
                fields=["neighborhood", "-created_at", "-id"],
                condition=models.Q(agency_post__isnull=False),
                name="feed_nbhd_agency_keyset",
            ),
        ]

    def __str__(self) -> str:
        return f"Feed item #{self.pk} in neighborhood #{self.neighborhood_id}"
