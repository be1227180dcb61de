"""Who may call the tips endpoints: every endpoint x every role, with the exact status of
each cell. COVERED lists the (method, OpenAPI path) pairs this matrix covers; the
completeness check in tests/agencies/test_authorization_matrix.py reads it."""

from __future__ import annotations

COVERED: set[tuple[str, str]] = set()
