"""The retention rule (docs/domain.md, data protection), as pure functions.

A young person's records are kept for RETENTION_YEARS (default 6) after their last referral,
intervention or case closes, or until their RETENTION_MIN_AGE-th (default 25th) birthday if that is
later; then the retention job anonymises them. Anything still open keeps the record, however old.
No ORM and no clock: the job passes `today` and the dates it read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from core import clock

from . import rules

# A referral in one of these is live work: the young person's record is never due while one exists.
OPEN_REFERRAL_STATUSES = (rules.SUBMITTED, rules.IN_TRIAGE, rules.INFO_REQUESTED, rules.ALLOCATED)

# What replaces free text a caseworker or referrer wrote; names and identifiers become empty instead.
REMOVED = "Removed under the retention rule"

# The day of the year an anonymised date of birth keeps (see anonymised_date_of_birth).
KEPT_MONTH, KEPT_DAY = 7, 1


def anniversary(day: date, years: int) -> date:
    """`day` moved on (or back) by whole years; 29 February becomes 1 March in a common year.

    This is how referrals.rules.age_on counts birthdays (someone born on 29 February turns a year
    older on 1 March in a common year), and for a retention period it errs on keeping the record a
    day longer, never on removing it a day early.
    """
    moved = day + relativedelta(years=years)
    if (day.month, day.day) == (2, 29) and moved.day == 28:
        return date(moved.year, 3, 1)
    return moved


def retention_due_on(date_of_birth: date, last_activity_on: date, years: int, min_age: int) -> date:
    """The day the record may be anonymised: `years` after the last activity or the `min_age`-th birthday, the later."""
    if years < 0 or min_age < 0:
        raise ValueError("The retention period and age must not be negative")
    return max(anniversary(last_activity_on, years), anniversary(date_of_birth, min_age))


def is_due(date_of_birth: date, last_activity_on: date, today: date, *, open_work: bool, years: int, min_age: int) -> bool:
    """True once the retention period is over and nothing about the young person is still open."""
    if open_work:
        return False
    return today >= retention_due_on(date_of_birth, last_activity_on, years, min_age)


def referral_activity_at(*, closed_at: datetime | None, decided_at: datetime | None, received_at: datetime | None,
                         created_at: datetime) -> datetime:
    """When a referral last counted: its closure, else its decision, else its submission (a draft: its creation)."""
    return closed_at or decided_at or received_at or created_at


def as_day(value: date | datetime | None) -> date | None:
    """A stored instant as its day in Europe/London; a plain date as it is."""
    if value is None or not isinstance(value, datetime):
        return value
    return clock.today(value)


def last_activity_on(values: Iterable[date | datetime | None]) -> date | None:
    """The latest of the dates given (referral decisions or closures, intervention ends, case closures)."""
    days = [day for day in (as_day(v) for v in values) if day is not None]
    return max(days) if days else None


def anonymised_date_of_birth(date_of_birth: date) -> date:
    """1 July of the birth year.

    The managers' figures need an age (age at referral, age bands, Checkpoint's 10 to 17); the exact
    day identifies a person. The middle of the year keeps any age computed from it within a year of
    the truth and unbiased on average, with no change to the tables or the reports that read them.
    """
    return date(date_of_birth.year, KEPT_MONTH, KEPT_DAY)


def rule_text(years: int, min_age: int) -> str:
    """How an auditor reads the rule that was applied (stored on each retention action)."""
    return f"{years} years after the last referral, intervention or case closed, or the {min_age}th birthday if later"
