from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Scheduled jobs: the registry, locks and run records that every app's jobs share."""

    name = "jobs"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its jobs in jobs.py; importing registers them.
        autodiscover_modules("jobs")
