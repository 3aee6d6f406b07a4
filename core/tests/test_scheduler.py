"""The periodic-job scheduler: every worker runs it, each job is enqueued once per interval."""

from datetime import UTC, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from core.models import PeriodicJob
from core.scheduler import SCHEDULE, enqueue_due_jobs
from core.testing import run_concurrently

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
