"""Periodic jobs, run from the worker side, never from a web request.

The schedule is code: (name, interval, task). Each worker process calls
`enqueue_due_jobs()` every few seconds; a conditional UPDATE on the job's
`next_run_at` lets exactly one of them win each run, however many workers
there are, and the winner enqueues the task for any worker to execute.

TICK_JOBS are lighter and more urgent: plain functions every worker's scheduler
thread calls itself on each tick (every second), batch after batch while they
find work, for at most TICK_BUDGET seconds. Each claims its rows with SKIP
LOCKED, so several workers share the work instead of repeating it. While a tick
finds work the next follows at once, the periodic jobs checked in between, but
first catch_up() lets the task loop in the worker's main thread get within
TASKS_AHEAD tasks of the queue's end: so while the intake drains a backlog, the
confirmations it queues go out alongside, a few batches behind. (Without it the
intake, committing batch after batch, keeps the database's write lock on SQLite
and the task loop delivers next to nothing until the backlog is gone.)
"""

import logging
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from core.models import PeriodicJob

logger = logging.getLogger(__name__)

SCHEDULE = [
    # name, every, task (dotted path, imported lazily so apps stay independent)
    ("deadlines.scan", timedelta(minutes=1), "deadlines.tasks.scan_deadlines"),
    ("notifications.sweep", timedelta(minutes=1), "notifications.tasks.deliver_due_notifications"),
    ("reports.close_resolved", timedelta(minutes=15), "reports.tasks.close_resolved_reports"),
    ("clinics.materialize_sessions", timedelta(days=1), "clinics.tasks.materialize_upcoming_sessions"),
    ("clinics.no_shows", timedelta(minutes=5), "clinics.tasks.mark_no_shows"),
    ("clinics.reminders", timedelta(minutes=30), "clinics.tasks.send_reminders"),
    ("clinics.holidays", timedelta(minutes=5), "clinics.tasks.close_sessions_on_holidays"),
]

TICK_JOBS = [
    # A report is stored by one INSERT; its intake (audit event, clock, confirmation) follows here.
    "reports.actions.receive_submissions",
]


# Seconds a tick may spend on its jobs (each still takes at least one batch).
TICK_BUDGET = 0.2
# Between ticks that found work, the scheduler thread waits while more than this many tasks are ready to run
# (the task loop is behind), at most CATCH_UP_SECONDS, so that a long queue of other tasks slows the intake
# down but never stops it. The queue never runs dry meanwhile, so the task loop never pauses for its interval.
TASKS_AHEAD = 20
CATCH_UP_SECONDS = 5.0
CATCH_UP_POLL = 0.02


def run_tick_jobs(budget=None):
    """Run every tick job batch after batch until it finds nothing or the tick's time is up.

    Returns {path: items handled}; a job that handled anything may have work left for the next tick.
    """
    budget = TICK_BUDGET if budget is None else budget
    ends_at = time.monotonic() + budget
    handled = {}
    for path in TICK_JOBS:
        job = import_string(path)
        handled[path] = 0
        while True:
            count = job()
            handled[path] += count
            if not count or time.monotonic() >= ends_at:
                break
    return handled


def catch_up(stop, longest=None):
    """Wait until at most TASKS_AHEAD tasks are ready to run (the task loop has nearly caught up), `stop` is
    set or `longest` seconds (default CATCH_UP_SECONDS) have passed; returns True if the task loop caught up."""
    longest = CATCH_UP_SECONDS if longest is None else longest
    ends_at = time.monotonic() + longest
    while tasks_ready(more_than=TASKS_AHEAD):
        if stop.is_set() or time.monotonic() >= ends_at:
            return False
        stop.wait(CATCH_UP_POLL)
    return True


def tasks_ready(more_than=0):
    """Whether the database task queue holds more than `more_than` tasks ready to run (a short look at its
    partial index of ready tasks)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return False
    ready = DBTaskResult.objects.ready().filter(backend_name=backend.alias).order_by()
    return ready.values("pk")[more_than : more_than + 1].exists()


def enqueue_due_jobs(now=None):
    """Enqueue every job whose time has come; returns the names enqueued by this process."""
    now = now or timezone.now()
    enqueued = []
    for name, every, task_path in SCHEDULE:
        job, _ = PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            won = PeriodicJob.objects.filter(pk=job.pk, next_run_at__lte=now).update(
                next_run_at=now + every, last_enqueued_at=now
            )
            if won:
                import_string(task_path).enqueue()
                enqueued.append(name)
    if enqueued:
        logger.info("Tugas berkala dijadwalkan: %s", ", ".join(enqueued))
    return enqueued
