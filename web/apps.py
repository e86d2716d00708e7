from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages and commands across apps (no models): see web/__init__.py."""

    name = "web"
