import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_tasks import default_task_backend

from accounts.models import User
from conftest import PASSWORD
from core.testing import free_port
from notifications import delivery
from notifications.models import Notification
from notifications.tests.conftest import queue_code

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture
def city_admin(city):
    return User.objects.create_superuser("199901012020121001", PASSWORD, full_name="Admin Kota")


@pytest.fixture
def failed_message(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    message = queue_code("siti@example.org")
    delivery.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Notification.Status.FAILED
    return message


def test_the_admin_lists_messages_filtered_by_status(client, city_admin, failed_message):
    sent = queue_code("+6281234567801", channel="sms")
    delivery.deliver(sent.pk)
    client.force_login(city_admin)

    page = client.get(CHANGELIST, {"status__exact": "failed"})

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [failed_message]


def test_a_message_shows_its_body_read_only_and_its_delivery_log(client, city_admin, failed_message):
    client.force_login(city_admin)

    page = client.get(reverse("admin:notifications_notification_change", args=[failed_message.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "482913" in html
    assert 'name="body"' not in html
    assert "ConnectionRefusedError" in html
    assert "django.core.mail.backends.smtp.EmailBackend" in html


def test_kirim_ulang_gives_failed_messages_fresh_tries_and_skips_the_others(
    client, city_admin, failed_message, django_capture_on_commit_callbacks
):
    sent = queue_code("+6281234567801", channel="sms")
    delivery.deliver(sent.pk)
    client.force_login(city_admin)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            CHANGELIST,
            {"action": "resend_failed", "_selected_action": [failed_message.pk, sent.pk]},
            follow=True,
        )

    assert [str(m) for m in page.context["messages"]] == [
        "1 notifikasi dijadwalkan untuk dikirim ulang.",
        "1 notifikasi dilewati karena tidak berstatus gagal.",
    ]
    failed_message.refresh_from_db()
    assert (failed_message.status, failed_message.attempts) == (Notification.Status.PENDING, 0)
    assert [result.args for result in default_task_backend.results] == [[failed_message.pk]]
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT


def test_messages_cannot_be_written_or_deleted_by_hand(client, city_admin, failed_message):
    client.force_login(city_admin)

    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert client.get(reverse("admin:notifications_notification_delete", args=[failed_message.pk])).status_code == 403


@pytest.mark.parametrize("who", ["siti", "budi", "irma"])
def test_citizens_and_officers_without_admin_access_do_not_see_the_outbox(client, who, request, failed_message):
    client.force_login(request.getfixturevalue(who))

    page = client.get(CHANGELIST)

    assert page.status_code == 302
    assert page.url.startswith(reverse("admin:login"))


def test_staff_who_may_only_view_the_outbox_cannot_resend(client, city, failed_message):
    clerk = User.objects.create_superuser("199901012020121002", PASSWORD, full_name="Staf Pemantau")
    User.objects.filter(pk=clerk.pk).update(is_superuser=False)
    clerk.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(clerk)

    assert "resend_failed" not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "resend_failed", "_selected_action": [failed_message.pk]})

    failed_message.refresh_from_db()
    assert failed_message.status == Notification.Status.FAILED
    assert default_task_backend.results == []
