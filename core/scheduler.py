"""Periodic jobs, run from the worker side, never from a web request.

The schedule is code: (name, interval, task). Each worker process calls
`enqueue_due_jobs()` every few seconds; a conditional UPDATE on the job's
`next_run_at` lets exactly one of them win each run, however many workers
there are, and the winner enqueues the task for any worker to execute.

TICK_JOBS are lighter and more urgent: plain functions every worker's scheduler
thread calls itself on each tick (every second). Each claims its rows with
SKIP LOCKED, so several workers share the work instead of repeating it.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

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
]

TICK_JOBS = [
    # A report is stored by one INSERT; its intake (audit event, clock, confirmation) follows here.
    "reports.actions.receive_submissions",
]


def run_tick_jobs():
    """Run every tick job once, each until it has no more work; returns {path: items handled}."""
    handled = {}
    for path in TICK_JOBS:
        job = import_string(path)
        handled[path] = 0
        while True:
            count = job()
            handled[path] += count
            if not count:
                break
    return handled


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
