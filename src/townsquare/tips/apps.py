from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "townsquare.tips"
    label = "tips"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from townsquare.tips import logfilter

        request_started.connect(logfilter.request_started, dispatch_uid="tips-log-started")
        request_finished.connect(logfilter.request_finished, dispatch_uid="tips-log-finished")
