"""The one clock: which day it is in England, and how the portal writes a day.

The instant itself is Django's `timezone.now()`, its one spelling.

Services, selectors and views ask here; rules.py never ask the time: pure rules take `today` or `now` as
arguments (they may call today(now) to turn an instant they were given into a day), so a test can say which
day it is.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def today(now: datetime | None = None) -> date:
    """The calendar date in England at the instant `now` (aware), or at this instant."""
    at = timezone.now() if now is None else now
    if not isinstance(at, datetime):
        raise TypeError("now must be a datetime")
    if timezone.is_naive(at):
        raise ValueError("now must be timezone-aware")
    return at.astimezone(LONDON).date()


def long_date(day: date) -> str:
    """A day as the pages and messages write it (GOV.UK style): 24 November 2026."""
    return f"{day:%-d %B %Y}"


def day_and_month(day: date) -> str:
    """A day as a message's subject writes it, short: 4 December."""
    return f"{day:%-d %B}"


def time_and_day(at: datetime) -> str:
    """An instant in England as a message writes it: 17:00 on 4 December."""
    local = at.astimezone(LONDON)
    return f"{local:%H:%M} on {day_and_month(local.date())}"
