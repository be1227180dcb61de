from townsquare.posts.models.posts import Category, Post, Reply, Thank
from townsquare.posts.models.reports import Report

__all__ = ["Category", "Post", "Reply", "Report", "Thank"]
