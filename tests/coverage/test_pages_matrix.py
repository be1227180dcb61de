"""Who may open the coverage pages: every page x every role, with the exact status and a query
budget (tests/web/matrix.py). PAGES lists the page paths of the rows; the completeness check
in tests/web/test_access.py reads it."""

from __future__ import annotations

PAGES: list[str] = []
