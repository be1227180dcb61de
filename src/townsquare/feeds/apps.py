from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """The feed rows that resident posts and agency posts share, their writes and their reads
    (docs/feeds.md). Below posts and agencies: it imports neither."""

    name = "townsquare.feeds"
    label = "feeds"
