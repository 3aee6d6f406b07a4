import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import free_port
from notifications import delivery
from notifications.models import Notification
from notifications.tests.conftest import queue_code

pytestmark = pytest.mark.django_db


def make_due(message):
    Notification.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_an_email_goes_through_the_smtp_server_carrying_its_message_id(smtp_server):
    message = queue_code("siti@example.org")

    assert delivery.deliver(message.pk) is True

    [received] = smtp_server.accepted
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "siti@example.org"
    assert received["Subject"] == "Kode verifikasi akun Anda"
    assert "482913" in received.get_payload(decode=True).decode()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_until) == (Notification.Status.SENT, 1, None)
    assert message.sent_at is not None
    [attempt] = message.delivery_attempts.all()
    assert (attempt.ok, attempt.backend) == (True, "django.core.mail.backends.smtp.EmailBackend")
    assert attempt.finished_at is not None


def test_a_sent_message_is_not_sent_again(smtp_server):
    message = queue_code("siti@example.org")
    delivery.deliver(message.pk)

    assert delivery.deliver(message.pk) is False
    assert delivery.deliver_due() == 0
    assert len(smtp_server.accepted) == 1


def test_a_recipient_refused_by_the_smtp_server_fails_at_once(smtp_server):
    smtp_server.refused_recipients.add("tidak-ada@example.org")
    message = queue_code("tidak-ada@example.org")

    assert delivery.deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.FAILED, 1)
    assert "550" in message.last_error
    assert smtp_server.accepted == []


def test_an_unreachable_smtp_server_is_retried_later_with_backoff(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    message = queue_code("siti@example.org")

    before = timezone.now()
    assert delivery.deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_until) == (Notification.Status.PENDING, 1, None)
    assert before + timedelta(seconds=54) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    assert "ConnectionRefusedError" in message.last_error
    [attempt] = message.delivery_attempts.all()
    assert attempt.ok is False and "ConnectionRefusedError" in attempt.error

    # Not due yet: neither the task nor the sweep touches it.
    assert delivery.deliver(message.pk) is False
    assert delivery.deliver_due() == 0
    assert message.delivery_attempts.count() == 1

    make_due(message)
    before = timezone.now()
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.attempts == 2
    assert before + timedelta(seconds=108) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=120)


@pytest.mark.parametrize(
    "attempts, shortest, longest",
    [(1, 54, 60), (2, 108, 120), (4, 432, 480), (6, 1728, 1920), (7, 3240, 3600), (30, 3240, 3600)],
)
def test_retries_wait_twice_as_long_each_time_up_to_an_hour(attempts, shortest, longest):
    for _ in range(20):
        assert timedelta(seconds=shortest) <= delivery.retry_delay(attempts) <= timedelta(seconds=longest)


def test_a_message_fails_for_good_after_the_last_allowed_attempt(settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = queue_code("siti@example.org")

    for _ in range(3):
        make_due(message)
        delivery.deliver_due()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.FAILED, 3)
    assert message.delivery_attempts.filter(ok=False).count() == 3
    make_due(message)
    assert delivery.deliver_due() == 0
    assert message.delivery_attempts.count() == 3


def test_a_message_held_by_a_live_worker_is_left_alone_until_its_lease_runs_out(settings, mailoutbox):
    settings.NOTIFICATION_LEASE_SECONDS = 60
    message = queue_code("siti@example.org")

    held, attempt = delivery.claim(message.pk)
    assert held.status == Notification.Status.SENDING
    assert held.claimed_until > timezone.now() + timedelta(seconds=55)
    assert delivery.claim(message.pk) == (None, None)
    assert delivery.deliver_due() == 0

    # The worker died mid-send: its lease runs out and another worker takes over.
    Notification.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert delivery.deliver_due() == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.SENT, 2)
    [unfinished, finished] = message.delivery_attempts.order_by("id")
    assert unfinished == attempt and unfinished.finished_at is None
    assert finished.ok
    assert len(mailoutbox) == 1


def test_a_message_whose_worker_dies_on_every_try_fails_after_the_last_allowed_attempt(settings, mailoutbox):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    message = queue_code("siti@example.org")
    for _ in range(3):
        assert delivery.claim(message.pk)[0] is not None
        # The worker crashes while sending: its lease runs out.
        Notification.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))

    assert delivery.deliver_due() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        Notification.Status.FAILED,
        3,
        delivery.WORKER_DIED,
    )
    assert [(a.ok, a.error) for a in message.delivery_attempts.all()] == [(False, delivery.WORKER_DIED)] * 3
    assert mailoutbox == []
    # The admin's "kirim ulang" gives it a fresh set of tries.
    assert delivery.resend(Notification.objects.filter(pk=message.pk)) == 1


def test_a_late_failure_does_not_undo_another_workers_success(mailoutbox):
    message = queue_code("siti@example.org")
    slow, slow_attempt = delivery.claim(message.pk)
    Notification.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert delivery.deliver(message.pk) is True

    delivery.record_failure(slow, slow_attempt, TimeoutError("timed out"))

    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    assert message.last_error == ""
    slow_attempt.refresh_from_db()
    assert slow_attempt.ok is False and "TimeoutError" in slow_attempt.error


def test_an_sms_through_the_file_backend_is_one_json_line_with_its_reference(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "sms.log"
    first = queue_code("+6281234567801", channel="sms", code="111111")
    second = queue_code("+6281234567802", channel="sms", code="222222")

    assert delivery.deliver_due() == 2

    lines = [json.loads(line) for line in settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["reference"]) for line in lines] == [
        ("+6281234567801", first.message_id.strip("<>")),
        ("+6281234567802", second.message_id.strip("<>")),
    ]
    assert "kode verifikasi Anda 111111" in lines[0]["message"]
    assert first.delivery_attempts.get().backend == "notifications.sms.FileSmsBackend"


def test_an_sms_through_the_console_backend_shows_up_in_the_worker_terminal(settings, capsys):
    settings.SMS_BACKEND = "console"
    queue_code("+6281234567801", channel="sms", code="735100")

    assert delivery.deliver_due() == 1

    printed = capsys.readouterr().out
    assert "+6281234567801" in printed and "735100" in printed
