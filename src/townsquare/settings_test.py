"""Settings for the test suite: the real settings, with fast hashing and a local cache."""

import os

os.environ["TOWNSQUARE_TESTING"] = "1"

from townsquare.settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One test database file per test run, so that runs in parallel never share one.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }
