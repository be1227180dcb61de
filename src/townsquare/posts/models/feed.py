from __future__ import annotations

from django.db import models

from townsquare.places.models import Neighborhood
from townsquare.posts.models.posts import Post


class FeedItem(models.Model):
    """One row per (neighborhood, post) that a neighborhood's feed shows.

    A resident post has one row, in its own neighborhood; `share_nearby` marks it for the
    feeds of the neighborhoods that touch it. Feeds read this table with one keyset query per
    neighborhood (own, plus each followed nearby one restricted to shared rows) and merge.
    Rows are removed when a post is deleted or hidden, so feed reads never filter them.
    """

    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    share_nearby = models.BooleanField(default=False)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_items"
    )

    class Meta:
        indexes = [
            models.Index(fields=["neighborhood", "-created_at", "-id"], name="feed_nbhd_keyset"),
            models.Index(
                fields=["neighborhood", "-created_at", "-id"],
                condition=models.Q(share_nearby=True),
                name="feed_nbhd_shared_keyset",
            ),
        ]
