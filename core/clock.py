"""The one clock: what time it is, and which day it is in England.

Services, selectors and views ask here; rules.py never do: pure rules take `today` or `now` as arguments,
so a test can say which day it is.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """This instant, aware (UTC)."""
    return timezone.now()


def today(now: datetime | None = None) -> date:
    """The calendar date in England at the instant `now` (aware), or at this instant."""
    at = timezone.now() if now is None else now
    if timezone.is_naive(at):
        raise ValueError("now must be timezone-aware")
    return at.astimezone(LONDON).date()
