"""Working days in England and Wales: Monday to Friday, less bank holidays (the `holidays` package).

Pure functions; the caller passes dates. Shared by triage SLAs and diversion-case due dates.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset:
    # England and Wales share one list of bank holidays; subdiv "ENG" gives it.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, n: int) -> date:
    """The date n working days after `day` (n=0: `day` itself if working, else the next working day)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return day if is_working_day(day) else next_working_day(day)
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
