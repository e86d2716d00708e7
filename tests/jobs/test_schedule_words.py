"""The jobs page says each schedule in words and when it next runs, counting from the moment it is asked."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab

from jobs import rules

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize("schedule, words", [
    (crontab(minute="*"), "Every minute"),
    (crontab(minute="*/5"), "Every 5 minutes"),
    (crontab(minute=15), "Every hour at 15 minutes past"),
    (crontab(minute=30, hour=7, day_of_week="mon-fri"), "Every weekday at 07:30"),
    (crontab(minute=45, hour="8-17", day_of_week="mon-fri"), "Every hour from 08:45 to 17:45 on weekdays"),
    (crontab(minute="*/15", hour="8-17", day_of_week="mon-fri"), "Every 15 minutes between 08:00 and 17:45 on weekdays"),
    (crontab(minute=0, hour=6), "Every day at 06:00"),
    (crontab(minute=30, hour=2, day_of_week="sun"), "Every Sunday at 02:30"),
    (crontab(minute=0, hour="6,18"), "Every day at 06:00 and 18:00"),
    (crontab(minute=0, hour=9, day_of_month=1), "Every day at 09:00 on day 1 of the month"),
    (None, "Not scheduled"),
])
def test_a_schedule_reads_as_a_person_would_say_it(schedule, words):
    assert rules.describe(schedule) == words


def test_no_schedule_shows_cron_text(settings):
    for schedule in settings.JOB_SCHEDULE.values():
        words = rules.describe(schedule)
        assert words.startswith("Every") and "*" not in words and "hour 8-17" not in words


def test_the_next_run_of_minute_45_of_hours_8_to_17_is_08_45_not_08_44():
    schedule = crontab(minute=45, hour="8-17", day_of_week="mon-fri")
    wednesday_morning = datetime(2026, 12, 2, 6, 22, 30, 923239, tzinfo=UTC)
    assert rules.next_run(schedule, wednesday_morning, LONDON) == datetime(2026, 12, 2, 8, 45, tzinfo=LONDON)


def test_the_next_run_is_after_now_even_at_the_very_minute():
    schedule = crontab(minute=45, hour="8-17", day_of_week="mon-fri")
    assert rules.next_run(schedule, datetime(2026, 12, 2, 8, 45, tzinfo=LONDON), LONDON) == \
        datetime(2026, 12, 2, 9, 45, tzinfo=LONDON)
    friday_evening = datetime(2026, 12, 4, 17, 50, tzinfo=LONDON)
    assert rules.next_run(schedule, friday_evening, LONDON) == datetime(2026, 12, 7, 8, 45, tzinfo=LONDON)


def test_the_next_run_is_in_london_time_across_the_clock_change():
    digest = crontab(minute=30, hour=7, day_of_week="mon-fri")
    friday_before_clocks_go_forward = datetime(2026, 3, 27, 8, 0, tzinfo=LONDON)
    assert rules.next_run(digest, friday_before_clocks_go_forward, LONDON) == datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    # 01:30 does not exist on 29 March 2026: the run is at 02:30 BST, the same instant as 01:30 GMT.
    skipped = rules.next_run(crontab(minute=30, hour=1), datetime(2026, 3, 29, 0, 0, tzinfo=UTC), LONDON)
    assert skipped == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_every_minute_runs_at_the_next_whole_minute():
    now = datetime(2026, 12, 2, 10, 0, 0, 1, tzinfo=LONDON)
    assert rules.next_run(crontab(minute="*"), now, LONDON) == datetime(2026, 12, 2, 10, 1, tzinfo=LONDON)
