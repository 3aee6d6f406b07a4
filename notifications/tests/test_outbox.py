import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend

from conftest import make_citizen
from notifications.models import Notification
from notifications.outbox import notify_user, queue
from notifications.tasks import deliver_due_notifications, deliver_notification
from notifications.tests.conftest import queue_code

CODE_CONTEXT = {"code": "482913", "minutes": 10}


class Registration(Exception):
    """Stands in for whatever makes the change fail after the message was queued."""


@pytest.mark.django_db
def test_a_message_queued_in_a_transaction_that_rolls_back_does_not_exist():
    with pytest.raises(Registration), transaction.atomic():
        queue_code("siti@example.org")
        raise Registration
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_the_transaction_of_a_change_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        queue(channel="sms", recipient="+6281234567801", template="verification_code", context=CODE_CONTEXT)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_queueing_the_same_dedupe_key_again_returns_the_first_message():
    first = queue_code("siti@example.org", code="111111", dedupe_key="otp:42")
    again = queue_code("siti@example.org", code="222222", dedupe_key="otp:42")
    assert again == first
    assert Notification.objects.get().body == first.body
    assert "111111" in first.body


@pytest.mark.django_db
def test_an_email_is_rendered_in_bahasa_indonesia_with_its_subject_line_split_off():
    message = queue_code("siti@example.org")
    assert message.subject == "Kode verifikasi akun Anda"
    assert message.body.startswith("Yth. Siti Aminah,")
    assert "Subjek:" not in message.body
    assert "Jangan berikan kode ini kepada siapa pun" in message.body


@pytest.mark.django_db
def test_delivery_is_handed_to_a_worker_only_after_the_change_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = queue_code("siti@example.org")
    assert default_task_backend.results == []

    for callback in callbacks:
        callback()
    [handed_off] = default_task_backend.results
    assert handed_off.task.name == deliver_notification.name
    assert handed_off.args == [message.pk]


@pytest.mark.django_db
def test_the_sweep_delivers_a_message_whose_hand_off_was_lost(mailoutbox):
    # Under the test transaction on_commit never fires: exactly a lost hand-off.
    message = queue_code("siti@example.org")

    assert deliver_due_notifications.call() == 1

    [sent] = mailoutbox
    assert sent.to == ["siti@example.org"]
    assert sent.extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT


def test_notify_user_uses_every_verified_channel_of_a_citizen(siti):
    messages = queue_in_transaction(siti)
    assert sorted((m.channel, m.recipient) for m in messages) == [
        ("email", "siti@example.org"),
        ("sms", "+6281234567801"),
    ]
    assert all(m.user == siti for m in messages)


def test_notify_user_skips_the_unverified_channels_of_a_citizen(city):
    unverified = make_citizen(
        "1275014505900010", "Rina Wati", phone="+6281234567899", email="rina@example.org", verified=False
    )
    assert queue_in_transaction(unverified) == []

    unverified.phone_verified_at = timezone.now()
    unverified.save()
    [sms] = queue_in_transaction(unverified)
    assert (sms.channel, sms.recipient) == ("sms", "+6281234567899")


def test_notify_user_reaches_an_officer_on_contacts_entered_by_the_city_admin(irma):
    messages = queue_in_transaction(irma)
    assert sorted(m.recipient for m in messages) == ["+6281300000004", "irma@inspektorat.example.org"]


def test_notify_user_with_a_dedupe_key_queues_each_channel_once(siti):
    first = queue_in_transaction(siti, dedupe_key="laporan:7:diterima")
    again = queue_in_transaction(siti, dedupe_key="laporan:7:diterima")
    assert again == first
    assert Notification.objects.count() == 2


def queue_in_transaction(user, **kwargs):
    with transaction.atomic():
        return notify_user(user, "verification_code", CODE_CONTEXT, **kwargs)
