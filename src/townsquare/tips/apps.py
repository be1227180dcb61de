from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "townsquare.tips"
    label = "tips"
