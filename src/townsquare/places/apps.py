from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "townsquare.places"
    label = "places"
