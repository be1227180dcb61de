import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
django.setup(set_prefix=False)  # what get_asgi_application() does, with our handler:

from townsquare.web.guards import GuardedASGIHandler  # noqa: E402

# Django's handler, refusing oversized bodies before reading them (web/guards.py).
application = GuardedASGIHandler()
