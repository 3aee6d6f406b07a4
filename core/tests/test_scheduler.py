"""The periodic-job scheduler: every worker runs it, each job is enqueued once per interval; tick jobs run
batch after batch for at most TICK_BUDGET seconds a tick, and the task loop catches up between ticks."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from core import scheduler
from core.management.commands import run_worker
from core.models import PeriodicJob
from core.scheduler import SCHEDULE, catch_up, enqueue_due_jobs, run_tick_jobs
from core.testing import run_concurrently, wait_for
from notifications.tasks import deliver_due_notifications

NOON = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
ALL_JOBS = sorted(name for name, _, _ in SCHEDULE)
TASK_PATHS = sorted(path for _, _, path in SCHEDULE)
EVERY_MINUTE = sorted(name for name, every, _ in SCHEDULE if every == timedelta(minutes=1))
EVERY_MINUTE_PATHS = sorted(path for _, every, path in SCHEDULE if every == timedelta(minutes=1))


def enqueued_task_paths():
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.mark.django_db
def test_each_job_is_enqueued_once_per_interval_and_again_when_the_interval_has_passed():
    assert sorted(enqueue_due_jobs(NOON)) == ALL_JOBS
    assert enqueued_task_paths() == TASK_PATHS

    assert enqueue_due_jobs(NOON + timedelta(seconds=5)) == []
    assert enqueue_due_jobs(NOON + timedelta(seconds=59)) == []
    assert enqueued_task_paths() == TASK_PATHS

    assert sorted(enqueue_due_jobs(NOON + timedelta(minutes=1))) == EVERY_MINUTE
    assert enqueued_task_paths() == sorted(TASK_PATHS + EVERY_MINUTE_PATHS)
    assert PeriodicJob.objects.get(name="deadlines.scan").next_run_at == NOON + timedelta(minutes=2)


@pytest.mark.django_db
def test_a_worker_that_was_down_catches_up_with_one_run_not_one_per_missed_minute():
    enqueue_due_jobs(NOON)
    enqueue_due_jobs(NOON + timedelta(hours=1))
    # Each job due again after the hour once (a daily job not yet), however many minutes were missed.
    due_again = [path for _, every, path in SCHEDULE if every <= timedelta(hours=1)]
    assert enqueued_task_paths() == sorted(TASK_PATHS + due_again)
    assert PeriodicJob.objects.get(name="deadlines.scan").next_run_at == NOON + timedelta(hours=1, minutes=1)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_scheduling_at_the_same_moment_enqueue_each_job_once():
    def run_two_schedulers(now):
        won = run_concurrently(lambda: enqueue_due_jobs(now), lambda: enqueue_due_jobs(now))
        return sorted(won[0] + won[1])

    # First run ever: both workers also race to create the job rows.
    assert run_two_schedulers(NOON) == ALL_JOBS
    assert run_two_schedulers(NOON + timedelta(minutes=1)) == EVERY_MINUTE
    assert enqueued_task_paths() == sorted(TASK_PATHS + EVERY_MINUTE_PATHS)
    assert PeriodicJob.objects.count() == len(SCHEDULE)


# --- Tick jobs: batch after batch, for at most TICK_BUDGET seconds a tick ------------------------


class Backlog:
    """The work of a stand-in tick job: `items` waiting, taken two at a time."""

    items = 0


def take_two():
    taken = min(2, Backlog.items)
    Backlog.items -= taken
    return taken


JOB = f"{__name__}.take_two"


@pytest.fixture
def backlog(monkeypatch):
    monkeypatch.setattr(scheduler, "TICK_JOBS", [JOB])
    monkeypatch.setattr(Backlog, "items", 0)
    return Backlog


def test_a_tick_takes_batch_after_batch_until_the_job_finds_nothing(backlog):
    backlog.items = 7
    assert run_tick_jobs() == {JOB: 7}
    assert run_tick_jobs() == {JOB: 0}


def test_a_tick_whose_time_is_up_stops_after_the_batch_in_hand_and_the_next_carries_on(backlog):
    backlog.items = 7
    assert run_tick_jobs(budget=0) == {JOB: 2}
    assert run_tick_jobs(budget=0) == {JOB: 2}
    assert backlog.items == 3


def test_between_ticks_of_a_backlog_the_worker_lets_the_task_loop_catch_up_and_checks_the_periodic_jobs(
    backlog, monkeypatch
):
    """A backlog that outlasts many ticks: after each tick the scheduler thread waits for the task loop to run
    what the tick queued, checks the periodic jobs, and ticks again at once (an idle tick waits a second)."""
    backlog.items = 10**9
    monkeypatch.setattr(scheduler, "TICK_BUDGET", 0.01)
    steps = []
    stop = threading.Event()
    monkeypatch.setattr(run_worker, "enqueue_due_jobs", lambda: steps.append(("periodic", backlog.items)))
    monkeypatch.setattr(run_worker, "catch_up", lambda stop: steps.append(("catch_up", backlog.items)))
    loop = threading.Thread(target=run_worker.Command()._schedule_loop, args=(stop,), daemon=True)
    loop.start()
    try:
        wait_for(lambda: len(steps) >= 6, timeout=10, message="penjadwal tidak kembali ke tugas berkala")
    finally:
        stop.set()
        loop.join(timeout=10)
    assert [step for step, _ in steps[:6]] == ["periodic", "catch_up"] * 3
    left = [items for _, items in steps[:6]]
    assert left[0] > left[1] == left[2] > left[3] == left[4] > left[5]  # each tick took a part and came back


@pytest.mark.django_db
def test_catching_up_waits_while_the_task_loop_is_behind_but_not_forever(monkeypatch):
    monkeypatch.setattr(scheduler, "CATCH_UP_POLL", 0.01)
    monkeypatch.setattr(scheduler, "TASKS_AHEAD", 1)
    stop = threading.Event()
    deliver_due_notifications.enqueue()
    assert catch_up(stop, longest=5) is True  # one task ready: near enough, straight on

    second = deliver_due_notifications.enqueue()
    assert catch_up(stop, longest=0.1) is False  # no task loop ran them: the intake goes on after a while
    DBTaskResult.objects.filter(pk=second.id).update(status="SUCCESSFUL")
    assert catch_up(stop, longest=5) is True
    stop.set()
    deliver_due_notifications.enqueue()
    assert catch_up(stop, longest=5) is False  # the worker is stopping
