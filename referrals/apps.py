from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        from partners.access import register_rule, register_scope

        from .access import RULES, SCOPES

        for label, scope in SCOPES.items():
            register_scope(label, scope)
        for action, (rule, message) in RULES.items():
            register_rule(action, rule, message)
