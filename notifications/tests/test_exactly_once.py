"""Never lost, never twice: racing workers and a worker killed mid-delivery.

Workers run as threads with their own connections and as separate
processes, on the test database: PostgreSQL, or SQLite's test file.
"""

import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.testing import database_url, run_concurrently, wait_for
from notifications import delivery
from notifications.models import DeliveryAttempt, Notification
from notifications.outbox import queue

pytestmark = pytest.mark.django_db(transaction=True)

SENT, SENDING, PENDING = Notification.Status.SENT, Notification.Status.SENDING, Notification.Status.PENDING


def queue_codes(count):
    with transaction.atomic():
        return [
            queue(
                channel="email",
                recipient=f"warga{number}@example.org",
                template="verification_code",
                context={"name": f"Warga {number}", "code": f"{number:06d}", "minutes": 10},
            )
            for number in range(count)
        ]


def test_workers_racing_for_the_same_messages_deliver_each_exactly_once(smtp_server):
    messages = queue_codes(30)
    ids = [message.pk for message in messages]
    # Three periodic sweeps and three per-message tasks (walking the queue backwards) at once.
    runs = [delivery.deliver_due] * 3 + [lambda: sum(delivery.deliver(pk) for pk in reversed(ids))] * 3
    sent = run_concurrently(*runs)

    assert sum(sent) == 30
    assert Counter(smtp_server.message_ids()) == Counter(message.message_id for message in messages)
    assert set(Notification.objects.values_list("status", "attempts")) == {(SENT, 1)}
    assert DeliveryAttempt.objects.filter(ok=True).count() == DeliveryAttempt.objects.count() == 30


def deliver_in_subprocess(smtp_server, *, lease_seconds):
    """`manage.py deliver_notifications` in its own process, on the test database, sending to the test server."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": settings.EMAIL_HOST,
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "KC_NOTIFICATION_LEASE_SECONDS": str(lease_seconds),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "deliver_notifications"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def kill_when_stalled(worker, smtp_server):
    try:
        wait_for(smtp_server.stalled.is_set, message="pengiriman tidak pernah sampai ke pesan yang macet")
    finally:
        worker.kill()
        worker.wait()


def wait_out_the_lease():
    stuck = Notification.objects.get(status=SENDING)
    time.sleep(max(0, (stuck.claimed_until - timezone.now()).total_seconds()) + 0.1)
    return stuck


def run_to_completion(worker):
    output, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors.decode()


def statuses(messages):
    return [Notification.objects.get(pk=message.pk).status for message in messages]


def test_a_delivery_killed_half_way_loses_nothing_and_sends_nothing_twice(smtp_server):
    messages = queue_codes(5)
    # The server sits on the third message's DATA; the worker is killed while waiting for the answer.
    smtp_server.stall_data_once.add(messages[2].message_id)

    kill_when_stalled(deliver_in_subprocess(smtp_server, lease_seconds=2), smtp_server)

    assert statuses(messages) == [SENT, SENT, SENDING, PENDING, PENDING]
    stuck = wait_out_the_lease()
    smtp_server.release.set()
    run_to_completion(deliver_in_subprocess(smtp_server, lease_seconds=60))

    assert statuses(messages) == [SENT] * 5
    assert Counter(smtp_server.message_ids()) == Counter(message.message_id for message in messages)
    unfinished, finished = stuck.delivery_attempts.order_by("id")
    assert unfinished.finished_at is None
    assert finished.ok
    assert Notification.objects.get(pk=stuck.pk).attempts == 2


def test_a_crash_after_the_server_accepted_repeats_the_message_with_the_same_message_id(smtp_server):
    """The documented window: accepted remotely, not yet recorded as sent. The receiver can spot the repeat."""
    messages = queue_codes(3)
    # The server accepts the second message, then never answers the QUIT; the worker dies before recording it.
    smtp_server.stall_quit_after.add(messages[1].message_id)

    kill_when_stalled(deliver_in_subprocess(smtp_server, lease_seconds=2), smtp_server)

    assert statuses(messages) == [SENT, SENDING, PENDING]
    wait_out_the_lease()
    smtp_server.release.set()
    run_to_completion(deliver_in_subprocess(smtp_server, lease_seconds=60))

    assert statuses(messages) == [SENT] * 3
    assert Counter(smtp_server.message_ids()) == {
        messages[0].message_id: 1,
        messages[1].message_id: 2,
        messages[2].message_id: 1,
    }
