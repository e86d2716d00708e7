"""A job's schedule in words, and when it next runs: pure functions of a crontab and `now`.

A schedule is anything with celery's crontab fields as sets: minute, hour, day_of_week (0 is Sunday),
day_of_month and month_of_year. Times are in the schedule's time zone (CELERY_TIMEZONE, Europe/London).
"""

from datetime import UTC, datetime, time, timedelta

DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]
WEEKDAYS = {1, 2, 3, 4, 5}
ALL_DAYS, ALL_HOURS, ALL_MINUTES = set(range(7)), set(range(24)), set(range(60))


def _runs_on(schedule, day):
    return (day.isoweekday() % 7 in schedule.day_of_week and day.day in schedule.day_of_month
            and day.month in schedule.month_of_year)


def next_run(schedule, now, tz):
    """The first moment after `now` (aware) at which the schedule is due, in `tz`.

    Celery's own estimate (remaining_estimate) counts from its clock, read a moment after ours, so adding it to our
    `now` landed a hair before the minute, and the page showed 08:44 for 08:45. This counts from `now` alone. A time
    that a clock change skips (01:30 on the last Sunday of March) runs at the same wall time an hour later.
    """
    local = now.astimezone(tz)
    for offset in range(366 * 4 + 1):  # a schedule on 29 February runs within four years
        day = local.date() + timedelta(days=offset)
        if not _runs_on(schedule, day):
            continue
        for hour in sorted(schedule.hour):
            for minute in sorted(schedule.minute):
                # Compared in UTC: two times of one zone compare by their wall clocks, which a clock change repeats.
                at = datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)
                if at > now:
                    return at.astimezone(tz)
    return None


def _clock(hour, minute):
    return f"{hour:02d}:{minute:02d}"


def _step(values, whole):
    """The step of `values` if they are every n-th of `whole` from its first (0, 5, 10 ... 55), else None."""
    ordered = sorted(values)
    if len(ordered) < 2 or ordered[0] != min(whole):
        return None
    step = ordered[1] - ordered[0]
    return step if ordered == list(range(ordered[0], max(whole) + 1, step)) else None


def _contiguous(values):
    ordered = sorted(values)
    return len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1))


def _and(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _days(schedule):
    """("Every weekday", "on weekdays"): the days as the opening of a sentence and as its ending."""
    days = set(schedule.day_of_week)
    if days == ALL_DAYS:
        return "Every day", ""
    if days == WEEKDAYS:
        return "Every weekday", " on weekdays"
    if days == {0, 6}:
        return "Every Saturday and Sunday", " on Saturdays and Sundays"
    names = [DAY_NAMES[d] for d in sorted(days, key=lambda d: (d + 6) % 7)]  # Monday first
    return f"Every {_and(names)}", f" on {_and([n + 's' for n in names])}"


def _calendar(schedule):
    words = ""
    if set(schedule.day_of_month) != set(range(1, 32)):
        words += f" on day {_and([str(d) for d in sorted(schedule.day_of_month)])} of the month"
    if set(schedule.month_of_year) != set(range(1, 13)):
        words += f" in {_and([MONTH_NAMES[m - 1] for m in sorted(schedule.month_of_year)])}"
    return words


def describe(schedule):
    """The schedule as a person says it: "Every weekday at 07:30", "Every 5 minutes"."""
    if schedule is None:
        return "Not scheduled"
    minutes, hours = sorted(schedule.minute), sorted(schedule.hour)
    opening, ending = _days(schedule)
    every_minute = set(minutes) == ALL_MINUTES
    step = _step(minutes, ALL_MINUTES)
    if len(hours) == 1 and len(minutes) == 1:
        return f"{opening} at {_clock(hours[0], minutes[0])}{_calendar(schedule)}"
    if set(hours) == ALL_HOURS:
        if every_minute:
            return f"Every minute{ending}{_calendar(schedule)}"
        if step:
            return f"Every {step} minutes{ending}{_calendar(schedule)}"
        if len(minutes) == 1:
            return f"Every hour at {minutes[0]} minutes past{ending}{_calendar(schedule)}"
    if _contiguous(hours):
        first, last = hours[0], hours[-1]
        if every_minute or step:
            every = "Every minute" if every_minute else f"Every {step} minutes"
            return f"{every} between {_clock(first, 0)} and {_clock(last, minutes[-1])}{ending}{_calendar(schedule)}"
        if len(minutes) == 1:
            return (f"Every hour from {_clock(first, minutes[0])} to {_clock(last, minutes[0])}{ending}"
                    f"{_calendar(schedule)}")
    times = [_clock(h, m) for h in hours for m in minutes]
    if len(times) <= 6:
        return f"{opening} at {_and(times)}{_calendar(schedule)}"
    return (f"At {_and([str(m) for m in minutes])} minutes past {_and([f'{h:02d}:00' for h in hours])}{ending}"
            f"{_calendar(schedule)}")
