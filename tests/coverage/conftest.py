from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient()
