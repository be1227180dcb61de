"""Every text of the coverage pages is marked for translation: each GET row of the pages'
matrix read in the pseudo-language, as tests/web/test_translations.py reads the others."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.coverage.helpers import import_counts, launch
from tests.coverage.test_pages_matrix import MATRIX
from tests.web.agency_helpers import ROLES
from tests.web.test_translations import (  # noqa: F401  (fixtures)
    _read_matrix,
    pseudo,
    pseudo_locale,
)

SOURCE = "Testville census 2025"


@pytest.mark.usefixtures("pseudo")
def test_every_coverage_page_is_marked_for_translation(agency_roles, city, settings):
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 2
    today = dt.datetime.now(dt.UTC)
    for name, days_ago in (("Birch", 90), ("Cedar", 60), ("Dogwood", 30), ("Elm", 0)):
        launch(city, name, 2, today - dt.timedelta(days=days_ago))
    import_counts(city, "neighborhood,households\nalder,100\nbirch,300\n", source=SOURCE)

    # The source is typed by the operator: not ours to translate.
    result = _read_matrix(MATRIX, {"source": SOURCE}, ROLES, agency_roles)

    assert result["problems"] == {}
    # The city page, an unknown city, the recruiting page, and the error pages of the two
    # flyer rows that let no one in (the flyers themselves are PDFs, not read); the
    # evidence page and an unknown city's.
    assert result["read"] == 7
