from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        from partners.access import register_app

        from . import access

        register_app(access)
