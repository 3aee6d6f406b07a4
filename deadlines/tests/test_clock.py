"""Domain apps start, pause, resume and stop their SLA clocks through deadlines.clock."""

import pytest
from django.db import transaction

from deadlines import clock
from deadlines.clock import DeadlineError
from deadlines.models import Deadline
from deadlines.tests.conftest import wib

pytestmark = pytest.mark.django_db

HOUR = 3600
KIND = "report.verify"


def start(case, opd, at, *, days=None, hours=None, holder=None, kind=KIND):
    return clock.start(
        case,
        kind,
        title=f"Laporan {case}: verifikasi",
        opd=opd,
        working_days=days,
        working_hours=hours,
        holder=holder,
        url="/laporan/1/",
        now=at,
    )


def test_three_working_days_from_friday_afternoon_are_due_wednesday_and_near_on_wednesday_morning(case, pupr, budi):
    deadline = start(case, pupr, wib(2026, 12, 4, 15, 0), days=3, holder=budi)
    assert deadline.state == Deadline.State.RUNNING
    assert deadline.due_at == wib(2026, 12, 9, 15, 0)
    # Friday 15:00–16:30, Monday, Tuesday and Wednesday until 15:00: 24.5 working hours.
    assert deadline.allowed_seconds == int(24.5 * HOUR)
    # 75% of 24.5 h is 18 h 22 min 30 s: Friday 1.5 h, Monday 8 h, Tuesday 8 h, then 52.5 min on Wednesday.
    assert deadline.near_at == wib(2026, 12, 9, 8, 52, 30)
    assert deadline.case == case and deadline.holder == budi and deadline.opd == pupr


def test_an_sla_in_working_hours_is_due_after_that_much_office_time(case, pupr):
    deadline = start(case, pupr, wib(2026, 12, 7, 8, 0), hours=8)
    assert deadline.allowed_seconds == 8 * HOUR
    assert deadline.due_at == wib(2026, 12, 7, 16, 0)
    assert deadline.near_at == wib(2026, 12, 7, 14, 0)


def test_a_clock_started_on_the_weekend_runs_from_monday_opening(case, pupr):
    deadline = start(case, pupr, wib(2026, 12, 5, 11, 0), hours=2)
    assert deadline.due_at == wib(2026, 12, 7, 10, 0)


def test_starting_the_same_clock_twice_is_refused_but_other_kinds_and_cases_are_independent(case, other_case, pupr):
    start(case, pupr, wib(2026, 12, 7, 9, 0), days=3)
    with pytest.raises(DeadlineError, match="sudah berjalan"):
        start(case, pupr, wib(2026, 12, 7, 10, 0), days=3)
    start(case, pupr, wib(2026, 12, 7, 10, 0), days=5, kind="report.follow_up_plan")
    start(other_case, pupr, wib(2026, 12, 7, 10, 0), days=3)
    assert Deadline.objects.live().count() == 3


def test_a_finished_clock_can_be_started_again_for_a_new_step(case, pupr):
    start(case, pupr, wib(2026, 12, 7, 9, 0), days=3)
    clock.stop(case, KIND, now=wib(2026, 12, 7, 11, 0))
    again = start(case, pupr, wib(2026, 12, 8, 9, 0), days=3)
    assert again.state == Deadline.State.RUNNING
    assert list(clock.live_deadlines_for(case)) == [again]


@pytest.mark.parametrize(
    "units",
    [{}, {"days": 3, "hours": 8}, {"days": 0}, {"days": 1.5}, {"hours": 0}, {"hours": -2}],
)
def test_an_sla_must_be_a_positive_amount_in_exactly_one_unit(case, pupr, units):
    with pytest.raises(ValueError):
        start(case, pupr, wib(2026, 12, 7, 9, 0), **units)
    assert not Deadline.objects.exists()


def test_pausing_on_friday_and_resuming_next_tuesday_keeps_the_remaining_working_time(case, pupr, calendar):
    # Thursday 08:00 + 3 working days = Tuesday 08:00; 24.5 working hours in all.
    deadline = start(case, pupr, wib(2026, 12, 3, 8, 0), days=3)
    assert deadline.due_at == wib(2026, 12, 8, 8, 0)

    # Friday 10:00 the officer asks the citizen for a photo: 10 h used, 14.5 h left.
    paused = clock.pause(case, KIND, now=wib(2026, 12, 4, 10, 0))
    assert paused.state == Deadline.State.PAUSED
    assert paused.remaining_seconds == int(14.5 * HOUR)

    # The citizen answers on Tuesday 10:00: Tuesday 6 h, Wednesday 8 h, Thursday 0.5 h.
    resumed = clock.resume(case, KIND, now=wib(2026, 12, 8, 10, 0))
    assert resumed.state == Deadline.State.RUNNING
    assert resumed.due_at == wib(2026, 12, 10, 8, 30)
    assert calendar.working_seconds_between(wib(2026, 12, 8, 10, 0), resumed.due_at) == int(14.5 * HOUR)
    # The near point is still where a quarter of the 24.5 h (6 h 7.5 min) is left.
    assert calendar.working_seconds_between(resumed.near_at, resumed.due_at) == int(24.5 * HOUR / 4)
    assert resumed.paused_at is None and resumed.remaining_seconds is None


def test_a_clock_paused_after_its_deadline_resumes_already_due(case, pupr):
    start(case, pupr, wib(2026, 12, 7, 8, 0), hours=2)
    assert clock.pause(case, KIND, now=wib(2026, 12, 7, 11, 0)).remaining_seconds == 0
    resumed = clock.resume(case, KIND, now=wib(2026, 12, 8, 9, 0))
    assert resumed.due_at == wib(2026, 12, 8, 9, 0)


def test_pause_and_resume_only_fit_a_running_and_a_paused_clock(case, pupr):
    with pytest.raises(DeadlineError, match="Tidak ada tenggat"):
        clock.pause(case, KIND, now=wib(2026, 12, 7, 9, 0))
    start(case, pupr, wib(2026, 12, 7, 9, 0), days=3)
    with pytest.raises(DeadlineError, match="tidak sedang dijeda"):
        clock.resume(case, KIND, now=wib(2026, 12, 7, 10, 0))
    clock.pause(case, KIND, now=wib(2026, 12, 7, 10, 0))
    with pytest.raises(DeadlineError, match="tidak sedang berjalan"):
        clock.pause(case, KIND, now=wib(2026, 12, 7, 11, 0))


def test_stopping_before_the_due_moment_is_met_and_after_it_missed(case, other_case, pupr):
    start(case, pupr, wib(2026, 12, 7, 8, 0), hours=8)
    met = clock.stop(case, KIND, now=wib(2026, 12, 7, 15, 59))
    assert (met.state, met.finished_at) == (Deadline.State.MET, wib(2026, 12, 7, 15, 59))
    start(other_case, pupr, wib(2026, 12, 7, 8, 0), hours=8)
    assert clock.stop(other_case, KIND, now=wib(2026, 12, 7, 16, 1)).state == Deadline.State.MISSED


def test_a_paused_clock_is_judged_by_the_time_it_had_used_when_paused(case, other_case, pupr):
    start(case, pupr, wib(2026, 12, 7, 8, 0), hours=8)
    clock.pause(case, KIND, now=wib(2026, 12, 7, 12, 0))
    # The citizen withdraws a week later: the officer was not late.
    assert clock.stop(case, KIND, now=wib(2026, 12, 14, 9, 0)).state == Deadline.State.MET
    start(other_case, pupr, wib(2026, 12, 7, 8, 0), hours=2)
    clock.pause(other_case, KIND, now=wib(2026, 12, 7, 12, 0))
    assert clock.stop(other_case, KIND, now=wib(2026, 12, 14, 9, 0)).state == Deadline.State.MISSED


def test_cancelled_clocks_are_no_longer_live(case, pupr):
    start(case, pupr, wib(2026, 12, 7, 8, 0), hours=8)
    cancelled = clock.cancel(case, KIND, now=wib(2026, 12, 7, 9, 0))
    assert cancelled.state == Deadline.State.CANCELLED
    assert list(clock.live_deadlines_for(case)) == []
    with pytest.raises(DeadlineError):
        clock.stop(case, KIND, now=wib(2026, 12, 7, 10, 0))


def test_reassigning_moves_the_clock_to_another_officer(case, pupr, budi, hendra):
    start(case, pupr, wib(2026, 12, 7, 8, 0), hours=8, holder=budi)
    assert clock.reassign(case, KIND, hendra).holder == hendra
    assert Deadline.objects.get().holder == hendra


@pytest.mark.django_db(transaction=True)
def test_clock_changes_outside_a_transaction_are_refused(case, pupr):
    with pytest.raises(RuntimeError, match="transaksi"):
        start(case, pupr, wib(2026, 12, 7, 8, 0), hours=8)
    with transaction.atomic():
        start(case, pupr, wib(2026, 12, 7, 8, 0), hours=8)
    with pytest.raises(RuntimeError, match="transaksi"):
        clock.pause(case, KIND, now=wib(2026, 12, 7, 9, 0))
