import base64

import pytest

from notifications import delivery, sms
from notifications.models import Notification
from notifications.tests.conftest import free_port, queue_code

pytestmark = pytest.mark.django_db


def test_the_gateway_receives_the_sms_as_json_with_basic_auth_and_the_reference(sms_gateway):
    message = queue_code("+6281234567801", channel="sms", code="735100")

    assert delivery.deliver(message.pk) is True

    [(headers, body)] = sms_gateway.requests
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"binjai:rahasia-gateway").decode()
    assert headers["Content-Type"] == "application/json"
    assert body == {"to": "+6281234567801", "message": message.body, "reference": message.message_id.strip("<>")}
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    assert message.delivery_attempts.get().backend == "notifications.sms.HttpSmsGatewayBackend"


def test_a_gateway_server_error_is_retried_with_the_same_reference(sms_gateway):
    sms_gateway.responses = [500, 503]
    message = queue_code("+6281234567801", channel="sms")

    for _ in range(3):
        Notification.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
        delivery.deliver_due()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.SENT, 3)
    assert [ok for ok in message.delivery_attempts.order_by("id").values_list("ok", flat=True)] == [False, False, True]
    assert "HTTP 500" in message.delivery_attempts.order_by("id").first().error
    assert len({body["reference"] for _, body in sms_gateway.requests}) == 1


def test_wrong_gateway_credentials_fail_the_message_without_retrying(sms_gateway):
    sms_gateway.responses = [401]
    message = queue_code("+6281234567801", channel="sms")

    assert delivery.deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.FAILED, 1)
    assert "HTTP 401" in message.last_error


@pytest.mark.parametrize("status", [408, 429])
def test_a_gateway_asking_to_slow_down_is_retried(sms_gateway, status):
    sms_gateway.responses = [status]
    message = queue_code("+6281234567801", channel="sms")

    delivery.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == Notification.Status.PENDING


def test_a_gateway_that_does_not_answer_in_time_is_retried_later(sms_gateway, settings):
    sms_gateway.delay = 1
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    message = queue_code("+6281234567801", channel="sms")

    assert delivery.deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.PENDING, 1)
    assert "timed out" in message.last_error


def test_an_unreachable_gateway_is_a_retryable_error(settings):
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/kirim"
    settings.SMS_GATEWAY_TIMEOUT = 2
    with pytest.raises(sms.SmsError, match="tidak dapat dihubungi") as raised:
        sms.HttpSmsGatewayBackend().send("+6281234567801", "Halo", "ref-1")
    assert not isinstance(raised.value, sms.SmsRejected)
