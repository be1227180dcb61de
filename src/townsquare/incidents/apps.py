from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "townsquare.incidents"
    label = "incidents"
