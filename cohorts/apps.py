from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self):
        from partners.access import register_scope

        from .access import SCOPES

        for label, scope in SCOPES.items():
            register_scope(label, scope)
