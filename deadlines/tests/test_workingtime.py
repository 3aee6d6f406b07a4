"""Working-time arithmetic on Binjai's real calendar: Mon–Thu 08:00–16:00, Fri 08:00–16:30 WIB, national holidays."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deadlines.tests.conftest import wib
from deadlines.workingtime import WorkingCalendar


def test_three_working_days_from_friday_afternoon_is_the_next_wednesday_same_time(calendar):
    assert calendar.add_working_days(wib(2026, 12, 4, 15, 0), 3) == wib(2026, 12, 9, 15, 0)


def test_working_days_skip_the_christmas_holidays(calendar):
    # Thursday 24 December (cuti bersama) and Friday 25 December (Natal) do not count,
    # so the first working day after Wednesday 23 December is Monday 28, the second Tuesday 29.
    assert calendar.add_working_days(wib(2026, 12, 23, 10, 0), 1) == wib(2026, 12, 28, 10, 0)
    assert calendar.add_working_days(wib(2026, 12, 23, 10, 0), 2) == wib(2026, 12, 29, 10, 0)


def test_working_days_counted_from_the_next_opening_when_started_after_hours(calendar):
    assert calendar.add_working_days(wib(2026, 12, 8, 20, 0), 1) == wib(2026, 12, 10, 8, 0)
    assert calendar.add_working_days(wib(2026, 12, 5, 11, 0), 1) == wib(2026, 12, 8, 8, 0)


def test_working_day_deadline_is_the_closing_time_when_the_target_day_closes_earlier(calendar):
    # Friday closes at 16:30, Monday at 16:00.
    assert calendar.add_working_days(wib(2026, 12, 4, 16, 15), 1) == wib(2026, 12, 7, 16, 0)


def test_working_hours_run_over_the_night_and_the_weekend(calendar):
    # Friday 14:00–16:30 uses 2.5 hours; the other 1.5 hours are Monday morning.
    assert calendar.add_working_hours(wib(2026, 12, 4, 14, 0), 4) == wib(2026, 12, 7, 9, 30)
    # "SIUP 1×24 jam" counts working hours: three eight-hour days from Monday 08:00.
    assert calendar.add_working_hours(wib(2026, 12, 7, 8, 0), 24) == wib(2026, 12, 9, 16, 0)


def test_working_hours_started_outside_office_hours_count_from_the_next_opening(calendar):
    assert calendar.add_working_hours(wib(2026, 12, 5, 10, 0), 2) == wib(2026, 12, 7, 10, 0)
    assert calendar.add_working_hours(wib(2026, 12, 7, 6, 0), 1) == wib(2026, 12, 7, 9, 0)
    assert calendar.add_working_hours(wib(2026, 12, 7, 16, 0), 1) == wib(2026, 12, 8, 9, 0)


def test_working_hours_skip_holidays(calendar):
    assert calendar.add_working_hours(wib(2026, 12, 23, 15, 0), 2) == wib(2026, 12, 28, 9, 0)


def test_a_moment_given_in_utc_is_read_in_the_city_zone(calendar):
    # 08:00 UTC on Friday is 15:00 WIB.
    friday_afternoon_utc = wib(2026, 12, 4, 15, 0).astimezone(ZoneInfo("UTC"))
    assert calendar.add_working_days(friday_afternoon_utc, 3) == wib(2026, 12, 9, 15, 0)


def test_working_seconds_between_counts_only_office_hours(calendar):
    assert calendar.working_seconds_between(wib(2026, 12, 4, 15, 0), wib(2026, 12, 7, 9, 0)) == 9000
    assert calendar.working_seconds_between(wib(2026, 12, 23, 15, 0), wib(2026, 12, 28, 9, 0)) == 7200
    assert calendar.working_seconds_between(wib(2026, 12, 5, 9, 0), wib(2026, 12, 6, 17, 0)) == 0
    assert calendar.working_seconds_between(wib(2026, 12, 7, 9, 0), wib(2026, 12, 7, 8, 0)) == 0


def test_adding_and_measuring_working_time_agree_for_any_start_and_amount(calendar):
    start = wib(2026, 12, 18, 0, 0)
    amounts = [0, 1, 1799, 3600, 5 * 3600 + 17, 8 * 3600, 8.5 * 3600, 30 * 3600, 100 * 3600]
    for step in range(0, 7 * 24 * 2):
        moment = start + timedelta(minutes=30 * step + 7)
        for seconds in amounts:
            due = calendar.add_working_seconds(moment, seconds)
            assert calendar.working_seconds_between(moment, due) == int(seconds), (moment, seconds)
            assert calendar.next_working_moment(due) == due or due.time() in (time(16, 0), time(16, 30))


def test_palu_counts_the_same_rule_in_its_own_zone(palu):
    wita = ZoneInfo("Asia/Makassar")
    friday = palu.calendar().add_working_days(wib(2026, 12, 4, 15, 0).replace(tzinfo=wita), 3)
    assert friday.tzinfo == wita and (friday.date(), friday.time()) == (date(2026, 12, 9), time(15, 0))


def test_negative_amounts_and_a_calendar_without_working_days_are_refused():
    empty = WorkingCalendar(zone=ZoneInfo("Asia/Jakarta"), hours={})
    with pytest.raises(ValueError):
        empty.add_working_hours(wib(2026, 12, 7, 9, 0), 1)
    week = WorkingCalendar(zone=ZoneInfo("Asia/Jakarta"), hours={0: (time(8), time(16))})
    with pytest.raises(ValueError):
        week.add_working_seconds(wib(2026, 12, 7, 9, 0), -1)
    with pytest.raises(ValueError):
        week.add_working_days(wib(2026, 12, 7, 9, 0), -1)


def test_a_moment_without_time_zone_is_refused_rather_than_read_in_the_server_zone(calendar):
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add_working_hours(wib(2026, 12, 7, 9, 0).replace(tzinfo=None), 1)
