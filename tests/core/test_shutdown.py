"""What `townsquare serve` runs when it stops: the hooks the apps registered in core."""

from __future__ import annotations

import pytest

from townsquare.core import shutdown


@pytest.fixture
def registry():
    saved = list(shutdown._callbacks)
    yield
    shutdown._callbacks[:] = saved


def test_stopping_ends_the_inbox_streams_through_the_hook_the_web_app_registered():
    from townsquare.web.views import notifications as views

    assert not views.STREAMS_CLOSING.is_set()
    try:
        shutdown.run()  # what serve's loop calls once a stop signal is seen
        assert views.STREAMS_CLOSING.is_set()
    finally:
        views.STREAMS_CLOSING.clear()


def test_hooks_run_once_each_in_order_and_a_failing_one_does_not_stop_the_rest(
        registry, caplog):
    calls: list[str] = []

    def first() -> None:
        calls.append("first")
        raise RuntimeError("broken hook")

    def second() -> None:
        calls.append("second")

    shutdown._callbacks.clear()
    shutdown.register(first)
    shutdown.register(second)
    shutdown.register(first)  # registered once only
    shutdown.run()
    assert calls == ["first", "second"]
    assert [r.getMessage() for r in caplog.records] == [
        f"Shutdown callback {first!r} failed"]
