"""Path and query parameters shared by several routers."""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Query

# Ids are 64-bit: a larger number would overflow the database driver, not just miss.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
SearchText = Annotated[str, Query(min_length=1, max_length=200, description="Words to find.")]
