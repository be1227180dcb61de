from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """One fixed window of one rate limit (core/ratelimit.py). The key is a hash, so the
    table holds no email or address; rows past `expires_at` are deleted as new windows open."""

    key = models.CharField(max_length=64, primary_key=True)
    n = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # Unix time, seconds

    def __str__(self) -> str:
        return f"{self.key[:12]}… = {self.n}"
