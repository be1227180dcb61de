from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone

from townsquare.posts.models import Post


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], object]:
    """`with clock(moment):` makes Django's clock read `moment` (to create equal times)."""

    @contextmanager
    def at(moment: dt.datetime) -> Iterator[None]:
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "now", lambda: moment)
            yield

    return at


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)
