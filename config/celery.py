import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, before_task_publish, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _make(*folders):
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)


@celeryd_init.connect
@beat_init.connect
@before_task_publish.connect
def make_broker_folders(**_):
    """The demo's filesystem broker (no Redis) needs its folders, which kombu reads and writes without making."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    _make(*(options.get(name) for name in ("data_folder_in", "data_folder_out", "processed_folder")))


@beat_init.connect
def make_schedule_folder(**_):
    from django.conf import settings

    _make(Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent)
