from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


def _close_event_streams() -> None:
    # Imported when the server stops, not at start-up: commands need no views.
    from townsquare.web.views.notifications import close_event_streams

    close_event_streams()


class WebConfig(AppConfig):
    name = "townsquare.web"
    label = "web"

    def ready(self) -> None:
        from townsquare.core import shutdown

        # Open inbox streams must not hold a graceful stop for minutes.
        shutdown.register(_close_event_streams)


class OperatorAdminConfig(admin_apps.AdminConfig):
    """Django's admin (in INSTALLED_APPS in its place), on the operators' site."""

    default = False  # WebConfig stays this module's app

    default_site = "townsquare.web.admin_site.OperatorSite"
