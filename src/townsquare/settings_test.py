"""Settings for the test suite: the real settings, with fast hashing and a local cache."""

import os

os.environ["TOWNSQUARE_TESTING"] = "1"

from townsquare.settings import *  # noqa: E402,F403
