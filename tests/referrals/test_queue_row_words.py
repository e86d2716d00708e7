"""The triage queue writes its rows' times itself (referral_tags.queue_row, for speed): they read exactly as
Django's timesince and date filters would write them, in England's time, summer and winter."""

import datetime
from zoneinfo import ZoneInfo

from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.timesince import timesince

from referrals.templatetags.referral_tags import deadline_text, time_since

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")


def test_time_since_reads_as_django_writes_it_from_seconds_to_months():
    now = datetime.datetime(2026, 7, 14, 9, 30, 15, 500000, tzinfo=UTC)
    for seconds in [-30, 0, 1, 59, 60, 61, 119, 3599, 3600, 3661, 7200, 86399, 86400, 90000, 172800, 604799, 604800,
                    608400, 691200, 1209600, 2419199, 2419200, 2592000, 5000000, 40000000]:
        at = now - datetime.timedelta(seconds=seconds, microseconds=seconds % 7 * 1000)
        assert time_since(at, now) == timesince(at, now), seconds


def test_the_deadline_is_written_in_englands_time_summer_and_winter():
    with timezone.override(LONDON):
        for at in (datetime.datetime(2026, 7, 14, 16, 0, tzinfo=UTC), datetime.datetime(2026, 12, 3, 17, 0, tzinfo=UTC),
                   datetime.datetime(2026, 3, 29, 23, 30, tzinfo=UTC)):
            assert deadline_text(at) == date_filter(timezone.localtime(at), "D j M H:i")
    assert deadline_text(datetime.datetime(2026, 7, 14, 16, 0, tzinfo=UTC)) == "Tue 14 Jul 17:00"
