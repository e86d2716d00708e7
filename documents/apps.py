from django.apps import AppConfig
from django.core.signals import setting_changed


class DocumentsConfig(AppConfig):
    name = "documents"

    def ready(self):
        from partners.access import register_app

        from . import access

        register_app(access)
        setting_changed.connect(_storages_changed)


def _storages_changed(setting, **kwargs):
    if setting == "STORAGES":
        from django.utils.functional import empty

        from .models import DOCUMENTS_STORAGE

        DOCUMENTS_STORAGE._wrapped = empty
