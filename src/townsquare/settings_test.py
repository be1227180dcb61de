"""Settings for the test suite: the real settings, with fast hashing and a local cache."""

import os

os.environ["TOWNSQUARE_TESTING"] = "1"

from townsquare.settings import *  # noqa: E402,F403

# One test database per test run, so that runs side by side (on one machine, against one
# PostgreSQL server) never share, drop or flush each other's.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }
else:
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"  # noqa: F405
    }
