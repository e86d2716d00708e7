from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        from partners.access import extend_scope, register_rule, register_scope

        from .access import EXTENSIONS, RULES, SCOPES

        for label, scope in SCOPES.items():
            register_scope(label, scope)
        for label, own in EXTENSIONS.items():
            extend_scope(label, own)
        for action, (rule, message) in RULES.items():
            register_rule(action, rule, message)
