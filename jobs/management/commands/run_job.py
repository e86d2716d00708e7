import sys
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs import registry


class Command(BaseCommand):
    help = "Run a scheduled job now (for operators and the demo). --list prints the job names."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?")
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD), at the current time of day.")
        parser.add_argument("--list", action="store_true", help="Print one job name a line.")

    def handle(self, *args, name=None, date=None, list=False, **options):
        if list:
            for job_name in sorted(registry.JOBS):
                self.stdout.write(job_name)
            return
        if not name:
            raise CommandError("Name a job to run, or use --list.")
        if name not in registry.JOBS:
            raise CommandError(f"No job called {name!r}. Use --list to see the jobs.")
        now = None
        if date:
            try:
                day = datetime.strptime(date, "%Y-%m-%d").date()
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
            clock = timezone.localtime().time().replace(microsecond=0)
            now = datetime.combine(day, clock, tzinfo=timezone.get_current_timezone())
        record = registry.run(name, now=now, trigger="manual")
        self.stdout.write(f"{name}: {record.outcome} {record.counts or record.error}")
        if record.outcome == record.Outcome.FAILED:
            sys.exit(1)
