"""The worker closes resolved reports nobody reopened: scheduled every 15 minutes, run as a task."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.scheduler import enqueue_due_jobs
from reports import actions
from reports.models import Report, Status
from reports.tasks import close_resolved_reports
from reports.tests.conftest import photo
from reports.tests.test_api import submit

pytestmark = pytest.mark.usefixtures("media")

TASK_PATH = "reports.tasks.close_resolved_reports"
NOON = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def enqueued():
    return DBTaskResult.objects.filter(task_path=TASK_PATH).count()


@pytest.mark.django_db
def test_the_scheduler_enqueues_the_closing_job_every_fifteen_minutes():
    assert "reports.close_resolved" in enqueue_due_jobs(NOON)
    assert enqueued() == 1

    enqueue_due_jobs(NOON + timedelta(minutes=14))
    assert enqueued() == 1

    assert "reports.close_resolved" in enqueue_due_jobs(NOON + timedelta(minutes=15))
    assert enqueued() == 2


def test_the_task_closes_reports_resolved_more_than_seven_days_ago(siti, bayu, budi, tangsi):
    def resolved(days_ago):
        report = submit(siti, tangsi)
        actions.do_verify(bayu, report)
        actions.do_disposition(bayu, report)
        actions.do_start_work(budi, report, "Tambal.")
        actions.do_resolve(budi, report, "Sudah ditambal.", [photo("bukti.jpg")])
        Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now() - timedelta(days=days_ago))
        return report

    old, recent = resolved(days_ago=8), resolved(days_ago=6)

    assert close_resolved_reports.call() == 1

    assert Report.objects.get(pk=old.pk).status == Status.CLOSED
    assert Report.objects.get(pk=recent.pk).status == Status.RESOLVED
    assert close_resolved_reports.call() == 0
