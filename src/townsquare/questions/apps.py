from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "townsquare.questions"
    label = "questions"
