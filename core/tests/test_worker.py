"""`manage.py run_worker`: the process `make run` starts beside the web server."""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from core.management.commands.run_worker import GracefulWorker
from core.testing import database_url, wait_for
from notifications.models import Notification
from notifications.outbox import queue


@pytest.fixture
def worker(transactional_db, city, tmp_path):
    sms_log = tmp_path / "sms.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "KC_SMS_BACKEND": "file",
        "KC_SMS_FILE_PATH": str(sms_log),
    }
    # Its output (a log line per task) goes to a file: a pipe read only at the end fills up and stops the worker.
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    process.sms_log = sms_log
    process.log = log
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def finished(task_path):
    return DBTaskResult.objects.filter(task_path=task_path, status="SUCCESSFUL").exists()


def test_the_worker_runs_the_periodic_jobs_without_any_web_request(worker):
    wait_for(lambda: finished("deadlines.tasks.scan_deadlines"), message="pemindai tenggat tidak berjalan")
    wait_for(lambda: finished("notifications.tasks.deliver_due_notifications"), message="penyapu outbox tidak berjalan")


def test_a_message_queued_by_a_change_is_delivered_by_the_worker(worker, siti):
    with transaction.atomic():
        message = queue(
            channel="sms",
            recipient=siti.phone,
            template="verification_code",
            context={"code": "123456", "minutes": 10, "name": "Siti"},
            user=siti,
        )
    wait_for(
        lambda: Notification.objects.get(pk=message.pk).status == Notification.Status.SENT,
        message="SMS tidak pernah terkirim oleh worker",
    )
    assert "123456" in worker.sms_log.read_text()


def test_ctrl_c_stops_the_worker_cleanly(worker):
    wait_for(lambda: finished("deadlines.tasks.scan_deadlines"), message="worker tidak pernah siap")
    worker.send_signal(signal.SIGINT)
    worker.wait(timeout=30)
    assert worker.returncode == 0, worker.log.read_text()


def test_sigterm_stops_the_worker_cleanly_too(worker):
    wait_for(lambda: finished("deadlines.tasks.scan_deadlines"), message="worker tidak pernah siap")
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    assert worker.returncode == 0, worker.log.read_text()


def idle_worker():
    return GracefulWorker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


def test_a_stop_signal_never_exits_in_the_middle_of_claiming_a_task():
    # The library's own handler calls sys.exit() wherever the signal lands, even inside the COMMIT
    # that claims a task; ours only asks the loop to end.
    worker = idle_worker()
    worker.shutdown(signal.SIGINT, None)
    assert worker.running is False


def test_a_second_stop_signal_forces_the_exit():
    worker = idle_worker()
    worker.shutdown(signal.SIGINT, None)
    with pytest.raises(SystemExit):
        worker.shutdown(signal.SIGINT, None)
    signal.signal(signal.SIGINT, signal.default_int_handler)
