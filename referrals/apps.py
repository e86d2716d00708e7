from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        from partners.access import register_rule

        from .access import RULES

        for action, (rule, message) in RULES.items():
            register_rule(action, rule, message)
