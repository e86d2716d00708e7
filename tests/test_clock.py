"""The one clock: the day in England, whatever the server's time zone."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from core import clock


def test_the_day_is_englands_across_midnight_in_summer_time():
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    assert clock.today(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert clock.today(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)


def test_without_an_instant_it_is_today_now():
    with time_machine.travel(datetime(2026, 3, 29, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2026, 3, 30)


def test_a_naive_time_or_a_date_is_refused():
    with pytest.raises(ValueError):
        clock.today(datetime(2026, 7, 1, 12, 0))
    with pytest.raises(TypeError):
        clock.today(date(2026, 7, 1))
