from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "townsquare.agencies"
    label = "agencies"
    verbose_name = "Public agencies"
