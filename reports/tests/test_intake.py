"""The intake: a submission is one INSERT; moments later the worker receives it.

The report is stored at once with its tracking number (status 'submitted'); the worker's intake then
writes its audit event, routes it, starts its verification clock (counted from the submission) and
sends the confirmation — each report exactly once, however many workers run.
"""

from datetime import timedelta

import pytest

from audit.models import AuditEvent
from core.scheduler import run_tick_jobs
from core.testing import run_concurrently, wait_for
from core.tests.test_worker import worker  # noqa: F401 (the fixture: a real `manage.py run_worker`)
from deadlines.models import Deadline
from notifications.models import Notification
from reports import actions
from reports.models import Report, Status
from reports.tests.conftest import receive, submit

pytestmark = pytest.mark.usefixtures("media")


def events_of(report):
    return AuditEvent.objects.filter(object_type="reports.report", object_id=str(report.pk))


def test_a_submission_is_stored_with_its_number_and_nothing_else_happens_before_the_intake(siti, tangsi):
    report = submit(siti, tangsi, intake=False)

    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED
    assert report.number.startswith("LP-")
    assert not events_of(report).exists()
    assert not Deadline.objects.for_case(report).exists()
    assert not Notification.objects.exists()


def test_the_intake_audits_it_confirms_it_and_counts_verification_from_the_submission(siti, tangsi, city):
    report = submit(siti, tangsi, intake=False)
    submitted_at = report.created_at - timedelta(hours=2)  # the worker was down for two hours
    Report.objects.filter(pk=report.pk).update(created_at=submitted_at)

    assert actions.receive_submissions() == 1

    report.refresh_from_db()
    assert report.status == Status.RECEIVED
    [event] = events_of(report)
    assert (event.action, event.public, event.actor) == ("report.received", True, siti)
    assert event.public_text == "Laporan diterima dan menunggu verifikasi."
    clock = Deadline.objects.for_case(report).get(kind=actions.CLOCK_VERIFY)
    assert clock.started_at == submitted_at
    assert clock.due_at == city.calendar().add_working_days(submitted_at, actions.VERIFY_DAYS)
    assert report.due_at == clock.due_at
    confirmation = Notification.objects.get(user=siti, template="report_received", channel="sms")
    assert report.number in confirmation.body


def test_the_intake_routes_a_report_to_the_opd_of_its_kecamatan(siti, tangsi):
    report = submit(siti, tangsi, category_code="kebersihan-lingkungan", intake=False)
    assert report.opd.code == "dlh"  # the category's own OPD until the intake routes it

    receive(report)

    assert report.opd.code == "camat-binjai-kota"
    [event] = events_of(report)
    assert event.after["opd"] == report.opd_id


def test_a_report_is_received_once_however_often_the_intake_runs(siti, tangsi):
    report = submit(siti, tangsi)

    assert actions.receive_submissions() == 0
    assert events_of(report).count() == 1
    assert Notification.objects.filter(template="report_received", channel="sms").count() == 1


def test_the_worker_tick_takes_in_a_backlog_larger_than_one_batch(siti, tangsi, monkeypatch):
    monkeypatch.setattr(actions, "INTAKE_BATCH", 2)
    reports = [submit(siti, tangsi, intake=False, photos=[]) for _ in range(5)]

    handled = run_tick_jobs(budget=60)  # however slow the machine, within the tick's time

    assert handled == {"reports.actions.receive_submissions": 5}
    assert set(Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("status", flat=True)) == {
        Status.RECEIVED
    }


def test_the_running_worker_receives_a_report_and_texts_the_confirmation(worker, siti, tangsi):  # noqa: F811
    report = submit(siti, tangsi, intake=False, photos=[])

    wait_for(
        lambda: Report.objects.get(pk=report.pk).status == Status.RECEIVED,
        message="worker tidak pernah menerima laporan",
    )
    sms_log = worker.sms_log
    wait_for(lambda: sms_log.exists() and report.number in sms_log.read_text(), message="konfirmasi tidak terkirim")


@pytest.fixture
def backlog(transactional_db, city, siti, tangsi):
    """Two hundred reports submitted while no worker was running: twenty intake batches, so that the last
    tick's batches and the tasks the intake lets queue up stay a small part of the whole."""
    return [submit(siti, tangsi, intake=False, photos=[]) for _ in range(200)]


def test_confirmations_go_out_while_the_running_worker_drains_a_backlog(backlog, worker):  # noqa: F811
    confirmations = Notification.objects.filter(template="report_received", channel="sms")
    wait_for(
        lambda: confirmations.filter(status=Notification.Status.SENT).count() == len(backlog),
        timeout=120,
        message="tidak semua konfirmasi terkirim",
    )

    # The task loop delivered while the scheduler thread was still taking the backlog in, not after it (it
    # delivered a handful while the intake held the interpreter and, on SQLite, the write lock throughout).
    last_taken_in = max(confirmations.values_list("created_at", flat=True))
    sent_before = confirmations.filter(sent_at__lt=last_taken_in).count()
    assert sent_before > len(backlog) // 2, f"{sent_before} dari {len(backlog)} terkirim selama intake"
    assert not Report.objects.filter(status=Status.SUBMITTED).exists()
    for report in backlog:
        assert events_of(report).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_in_the_same_backlog_receive_every_report_exactly_once(city, siti, tangsi):
    reports = [submit(siti, tangsi, intake=False, photos=[]) for _ in range(30)]

    def intake():
        total = 0
        while count := actions.receive_submissions(limit=5):
            total += count
        return total

    first, second = run_concurrently(intake, intake)

    assert first + second == len(reports)
    assert first and second  # SKIP LOCKED shared the backlog between them
    for report in reports:
        assert events_of(report).count() == 1
        assert Deadline.objects.for_case(report).filter(kind=actions.CLOCK_VERIFY).count() == 1
    assert Notification.objects.filter(template="report_received", channel="sms").count() == len(reports)
