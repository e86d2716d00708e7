from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        from partners.access import register_app

        from . import access

        register_app(access)

        from referrals.search import register_identifier

        from .search import crime_reference

        register_identifier("crime_reference", crime_reference)
