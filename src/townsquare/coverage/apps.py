from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "townsquare.coverage"
    label = "coverage"
