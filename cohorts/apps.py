from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self):
        from partners.access import register_app

        from . import access

        register_app(access)
