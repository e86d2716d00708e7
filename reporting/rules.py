"""The arithmetic of the managers' figures, as pure functions.

No ORM and no clock: callers pass `today` and the counts. Periods are half-open date ranges [start, end)
in England; the selectors turn them into instants at midnight Europe/London.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from core.clock import LONDON
from partners.workdays import is_working_day

# --------------------------------------------------------------------------------------
# 1. Periods
# --------------------------------------------------------------------------------------

LAST_MONTH = "last_month"
LAST_QUARTER = "last_quarter"
LAST_12_MONTHS = "last_12_months"
CUSTOM = "custom"
PRESETS = {
    LAST_MONTH: "Last month",
    LAST_QUARTER: "Last quarter",
    LAST_12_MONTHS: "Last 12 months",
    CUSTOM: "Choose dates",
}

CURRENT = "current"
PREVIOUS = "previous"
YEAR_AGO = "year_ago"
PERIOD_KEYS = (CURRENT, PREVIOUS, YEAR_AGO)
PERIOD_LABELS = {CURRENT: "This period", PREVIOUS: "Previous period", YEAR_AGO: "A year earlier"}

# Long custom periods make every query scan years of rows; five years is more than any board asks for.
MAX_PERIOD_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    """Dates from `start` up to but not including `end`."""

    start: date
    end: date

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError("A period must end after it starts")

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def whole_months(self) -> int | None:
        """How many calendar months the period spans, if it starts and ends on the 1st; otherwise None."""
        if self.start.day != 1 or self.end.day != 1:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def instants(self) -> tuple[datetime, datetime]:
        """The period as aware UTC instants: midnight in England on the first day and on `end`."""
        return midnight(self.start), midnight(self.end)

    def __str__(self):
        return f"{self.start:%-d %B %Y} to {self.last_day:%-d %B %Y}"


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def preset_period(preset: str, today: date) -> Period:
    """Last month and last quarter are the calendar month and quarter before the one `today` is in;
    the last 12 months are the twelve whole months before this one (this month is not over yet)."""
    this_month = today.replace(day=1)
    if preset == LAST_MONTH:
        return Period(this_month - relativedelta(months=1), this_month)
    if preset == LAST_QUARTER:
        this_quarter = this_month.replace(month=3 * ((today.month - 1) // 3) + 1)
        return Period(this_quarter - relativedelta(months=3), this_quarter)
    if preset == LAST_12_MONTHS:
        return Period(this_month - relativedelta(months=12), this_month)
    raise ValueError(f"Unknown period {preset!r}")


def previous_period(period: Period) -> Period:
    """The period of the same length immediately before.

    Whole calendar months step back by months (the quarter before a quarter, February before March),
    so a 28-day February is compared with all of January; anything else steps back by days.
    """
    months = period.whole_months
    if months:
        return Period(period.start - relativedelta(months=months), period.start)
    return Period(period.start - timedelta(days=period.days), period.start)


def year_earlier(period: Period) -> Period:
    """The same dates a year before (29 February becomes 28 February)."""
    return Period(period.start - relativedelta(years=1), period.end - relativedelta(years=1))


def comparisons(period: Period) -> dict[str, Period]:
    return {CURRENT: period, PREVIOUS: previous_period(period), YEAR_AGO: year_earlier(period)}


SAME_PERIOD_LABEL = "Previous period and a year earlier"


def shown_comparisons(period: Period) -> list[tuple[str, str, Period]]:
    """(key, label, period) for each column a page shows, each period once. Over 12 whole months the previous
    period is the same dates a year earlier: one column, named for both, instead of two alike."""
    periods = comparisons(period)
    if periods[PREVIOUS] == periods[YEAR_AGO]:
        return [(CURRENT, PERIOD_LABELS[CURRENT], period), (YEAR_AGO, SAME_PERIOD_LABEL, periods[YEAR_AGO])]
    return [(key, PERIOD_LABELS[key], periods[key]) for key in PERIOD_KEYS]


def month_starts(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s month up to (not including) `end`."""
    months, month = [], start.replace(day=1)
    while month < end:
        months.append(month)
        month += relativedelta(months=1)
    return months


TREND_MONTHS = 18
MAX_TREND_MONTHS = 60


def trend_start(period: Period) -> date:
    """The trend chart shows at least 18 months up to the period's end, or the whole period if it is longer."""
    earliest = period.end.replace(day=1) - relativedelta(months=TREND_MONTHS - (1 if period.end.day > 1 else 0))
    start = min(period.start.replace(day=1), earliest)
    return max(start, period.end.replace(day=1) - relativedelta(months=MAX_TREND_MONTHS))


# --------------------------------------------------------------------------------------
# 2. Ages and ethnic groups
# --------------------------------------------------------------------------------------

# Age at receipt, in whole years. The bands follow the youth justice split (10-17) and the adult
# ages the VRU works with up to 24; a child under 10 or anyone 25 or over is counted apart, as a
# data problem to look at (submission refuses 25 and over).
AGE_BANDS = (
    ("10_13", "10 to 13", 10, 13),
    ("14_15", "14 and 15", 14, 15),
    ("16_17", "16 and 17", 16, 17),
    ("18_20", "18 to 20", 18, 20),
    ("21_24", "21 to 24", 21, 24),
)
UNDER_10 = ("under_10", "Under 10")
OVER_24 = ("25_plus", "25 or over")
POPULATION_AGES = (10, 24)


def age_band(age: int) -> str:
    if age < 10:
        return UNDER_10[0]
    for key, _label, low, high in AGE_BANDS:
        if low <= age <= high:
            return key
    return OVER_24[0]


# The ONS 2021 high-level groups. Disproportionality compares these five, as forces do for stop and
# search: the 19 detailed groups give counts too small to say anything with confidence.
BROAD_GROUPS = (
    ("asian", "Asian, Asian British or Asian Welsh"),
    ("black", "Black, Black British, Black Welsh, Caribbean or African"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("white", "White"),
    ("other", "Other ethnic group"),
)
BROAD_SHORT = {"asian": "Asian", "black": "Black", "mixed": "Mixed", "white": "White", "other": "Other"}
COMPARATOR = "white"
NOT_STATED = "not_stated"


def broad_group(ethnicity: str) -> str | None:
    """"black_caribbean" -> "black"; None for "not stated" or blank, which no rate can use."""
    if not ethnicity or ethnicity == NOT_STATED:
        return None
    prefix = ethnicity.split("_", 1)[0]
    return prefix if prefix in dict(BROAD_GROUPS) else None


# --------------------------------------------------------------------------------------
# 3. Rates, relative rates and their confidence intervals
# --------------------------------------------------------------------------------------

Z_95 = 1.959964


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rate_per_1000(count: int, population: int) -> float | None:
    return 1000 * count / population if population else None


@dataclass(frozen=True)
class RelativeRate:
    rate: float
    low: float
    high: float


def relative_rate(a: int, n1: int, c: int, n2: int, z: float = Z_95) -> RelativeRate | None:
    """The rate a/n1 of a group against the comparator's c/n2, with a 95% confidence interval.

    The log method (Katz): ln RR ± z·sqrt(1/a − 1/n1 + 1/c − 1/n2). No answer when either group has
    no events or no base: a relative rate of 0 or infinity, and its interval, mean nothing.
    """
    if min(a, c) <= 0 or min(n1, n2) <= 0:
        return None
    if a > n1 or c > n2:
        raise ValueError("More events than the base they are counted in")
    rr = (a / n1) / (c / n2)
    se = math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0))
    return RelativeRate(rr, math.exp(math.log(rr) - z * se), math.exp(math.log(rr) + z * se))


# --------------------------------------------------------------------------------------
# 4. Percentiles, for the database that has no percentile_cont (SQLite, the demo)
# --------------------------------------------------------------------------------------


def percentile_cont(values, fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def percentile_of_counts(counts: dict, fraction: float) -> float | None:
    """percentile_cont of a distribution given as {value: how many}: the same answer as over the values themselves,
    without listing them (the rollup keeps hours to a decision this way)."""
    ordered = sorted((value, n) for value, n in counts.items() if n)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    position = fraction * (total - 1)
    low = math.floor(position)
    high = min(low + 1, total - 1)

    def value_at(rank):
        seen = 0
        for value, n in ordered:
            seen += n
            if rank < seen:
                return value
        return ordered[-1][0]

    first, second = value_at(low), value_at(high)
    return first + (second - first) * (position - low)


# --------------------------------------------------------------------------------------
# 5. The triage deadline as it stood when a referral arrived
# --------------------------------------------------------------------------------------

WORKDAY_END = time(17, 0)


def deadline_boundaries(start: date, end: date) -> list[datetime]:
    """17:00 in England on every working day from `start` to `end` inclusive, as UTC instants.

    A referral that is not urgent is due by the second of these that falls after it arrives
    (referrals.rules.triage_deadline: the working day after the effective day of receipt), so the
    figures can find the deadline a referral had on arrival even after a hand-back replaced it.
    """
    days = (end - start).days + 1
    return [
        datetime.combine(day, WORKDAY_END, tzinfo=LONDON).astimezone(UTC)
        for day in (start + timedelta(days=n) for n in range(days))
        if is_working_day(day)
    ]


# --------------------------------------------------------------------------------------
# 6. Suppression of small numbers in what leaves the VRU
# --------------------------------------------------------------------------------------

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


def is_small(count) -> bool:
    """1 to 4: few enough to point at a person. Zero is shown: it reveals nobody."""
    return count is not None and 0 < count < SUPPRESS_BELOW


def suppressed(count):
    return SUPPRESSED if is_small(count) else count
