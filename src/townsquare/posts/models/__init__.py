from townsquare.posts.models.feed import FeedItem
from townsquare.posts.models.posts import Category, Post, Reply, Thank
from townsquare.posts.models.reports import Report

__all__ = ["Category", "FeedItem", "Post", "Reply", "Report", "Thank"]
