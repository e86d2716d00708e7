from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        from partners.access import register_scope

        from .access import SCOPES

        for label, scope in SCOPES.items():
            register_scope(label, scope)
