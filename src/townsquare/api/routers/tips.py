"""The tips endpoints of /api/v1/ (docs/api.md)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["tips"])
