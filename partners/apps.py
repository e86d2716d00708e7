from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner organisations"

    def ready(self):
        from . import signals  # noqa: F401
        from .signin import signals as signin_signals  # noqa: F401
