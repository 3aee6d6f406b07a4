from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.actions import RESEND_INTERVAL, do_register_citizen, do_send_code, do_verify_code
from accounts.models import VerificationCode
from accounts.tests.conftest import code_sent_to
from conftest import ANDI_NIK, PASSWORD, SITI_NIK
from notifications.models import Notification

PHONE = VerificationCode.Channel.PHONE
EMAIL = VerificationCode.Channel.EMAIL
SITI_PHONE = "+6281234567801"


@pytest.fixture
def new_siti(city):
    """Siti just registered: her code is on its way, nothing verified yet."""
    return do_register_citizen(
        nik=SITI_NIK, full_name="Siti Aminah", phone="081234567801", email="siti@example.org", password=PASSWORD
    )


def sent_at(user, channel=PHONE):
    return user.verification_codes.filter(channel=channel).latest("created_at").created_at


def refusal(user, code, channel=PHONE, **kwargs):
    with pytest.raises(ValidationError) as caught:
        do_verify_code(user, channel, code, **kwargs)
    return caught.value


def wrong(code):
    return "000000" if code != "000000" else "111111"


def test_the_right_code_verifies_her_phone(new_siti):
    do_verify_code(new_siti, PHONE, code_sent_to(SITI_PHONE))
    new_siti.refresh_from_db()
    assert new_siti.phone_verified_at is not None
    assert new_siti.email_verified_at is None


def test_a_used_code_does_not_work_twice(new_siti):
    code = code_sent_to(SITI_PHONE)
    do_verify_code(new_siti, PHONE, code)
    assert refusal(new_siti, code).code == "used"


def test_a_wrong_code_says_how_many_tries_are_left_and_counts_them(new_siti, settings):
    settings.OTP_MAX_ATTEMPTS = 5
    code = code_sent_to(SITI_PHONE)
    error = refusal(new_siti, wrong(code))
    assert error.code == "wrong_code"
    assert error.messages == ["Kode salah. Sisa percobaan: 4."]
    assert refusal(new_siti, wrong(code)).messages == ["Kode salah. Sisa percobaan: 3."]
    # The count is committed, not rolled back with the error.
    assert new_siti.verification_codes.get(channel=PHONE).attempts == 2


def test_after_too_many_wrong_codes_even_the_right_one_is_refused(new_siti, settings):
    settings.OTP_MAX_ATTEMPTS = 3
    code = code_sent_to(SITI_PHONE)
    refusal(new_siti, wrong(code))
    refusal(new_siti, wrong(code))
    assert refusal(new_siti, wrong(code)).messages == ["Kode salah. Kesempatan habis; minta kode baru."]
    error = refusal(new_siti, code)
    assert error.code == "too_many_attempts"
    assert error.messages == ["Terlalu banyak percobaan salah. Minta kode baru."]
    new_siti.refresh_from_db()
    assert new_siti.phone_verified_at is None


def test_a_code_expires_after_its_time(new_siti, settings):
    code = code_sent_to(SITI_PHONE)
    expiry = sent_at(new_siti) + timedelta(minutes=settings.OTP_TTL_MINUTES)
    error = refusal(new_siti, code, now=expiry)
    assert error.code == "expired"
    assert error.messages == ["Kode sudah kedaluwarsa. Minta kode baru."]
    do_verify_code(new_siti, PHONE, code, now=expiry - timedelta(seconds=1))


def test_a_new_code_cannot_be_asked_for_within_a_minute(new_siti):
    with pytest.raises(ValidationError) as caught:
        do_send_code(new_siti, PHONE, now=sent_at(new_siti) + timedelta(seconds=30))
    assert caught.value.code == "too_soon"
    assert caught.value.messages == ["Kode baru saja dikirim. Tunggu 31 detik sebelum meminta lagi."]
    assert Notification.objects.filter(recipient=SITI_PHONE).count() == 1


def test_after_a_resend_only_the_new_code_works(new_siti):
    old_code = code_sent_to(SITI_PHONE)
    later = sent_at(new_siti) + RESEND_INTERVAL
    new_code = do_send_code(new_siti, PHONE, now=later)
    assert code_sent_to(SITI_PHONE) == new_code
    if old_code != new_code:  # one chance in a million they coincide
        assert refusal(new_siti, old_code, now=later).code == "wrong_code"
    # Also dead in the table itself, not only shadowed by the newer code.
    old = new_siti.verification_codes.filter(channel=PHONE).order_by("created_at").first()
    assert old.expires_at == later
    do_verify_code(new_siti, PHONE, new_code, now=later)


def test_a_verified_phone_gets_no_more_codes(new_siti):
    do_verify_code(new_siti, PHONE, code_sent_to(SITI_PHONE))
    with pytest.raises(ValidationError, match="Nomor HP Anda sudah terverifikasi"):
        do_send_code(new_siti, PHONE, now=timezone.now() + RESEND_INTERVAL)


def test_a_code_sent_to_an_old_number_does_not_verify_a_new_one(new_siti):
    code = code_sent_to(SITI_PHONE)
    new_siti.phone = "+6281234567899"
    new_siti.save()
    assert refusal(new_siti, code).code == "target_changed"


def test_no_code_for_a_channel_without_an_address(andi):
    andi.phone_verified_at = None
    andi.save()
    with pytest.raises(ValidationError) as caught:
        do_send_code(andi, EMAIL)
    assert caught.value.code == "no_target"
    assert refusal(andi, "123456", EMAIL).code == "no_code"


# --- through the API ------------------------------------------------------------------


def verify(api, nik, code, channel="phone"):
    return api.post("/api/v1/auth/verify", {"nik": nik, "channel": channel, "code": code}, format="json")


def resend(api, nik, channel="phone"):
    return api.post("/api/v1/auth/resend-code", {"nik": nik, "channel": channel}, format="json")


def test_the_api_verifies_the_email_with_its_code(new_siti, api):
    response = verify(api, SITI_NIK, code_sent_to("siti@example.org"), "email")
    assert response.status_code == 200
    assert response.json()["email_verified"] is True and response.json()["phone_verified"] is False


def test_the_api_tells_a_wrong_code_with_the_tries_left(new_siti, api, settings):
    settings.OTP_MAX_ATTEMPTS = 5
    response = verify(api, SITI_NIK, wrong(code_sent_to(SITI_PHONE)))
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "Kode salah. Sisa percobaan: 4.",
        "fields": {"non_field_errors": ["Kode salah. Sisa percobaan: 4."]},
    }


def test_the_api_tells_an_expired_code(new_siti, api):
    VerificationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = verify(api, SITI_NIK, code_sent_to(SITI_PHONE))
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Kode sudah kedaluwarsa. Minta kode baru."


def test_an_unknown_nik_is_answered_like_a_wrong_code(new_siti, api):
    unknown = verify(api, ANDI_NIK, "123456")
    wrong_code = verify(api, SITI_NIK, wrong(code_sent_to(SITI_PHONE)))
    assert unknown.status_code == wrong_code.status_code == 400
    assert unknown.json()["error"]["code"] == wrong_code.json()["error"]["code"] == "invalid"
    assert unknown.json()["error"]["message"] == "Kode salah."
    assert wrong_code.json()["error"]["message"].startswith("Kode salah.")
    assert set(unknown.json()["error"]["fields"]) == set(wrong_code.json()["error"]["fields"])


def test_the_api_resends_a_code_after_the_interval(new_siti, api):
    first = code_sent_to(SITI_PHONE)
    VerificationCode.objects.update(created_at=timezone.now() - RESEND_INTERVAL)
    response = resend(api, SITI_NIK)
    assert response.status_code == 202
    assert response.json() == {"detail": "Jika NIK terdaftar, kode baru telah dikirim."}
    assert Notification.objects.filter(recipient=SITI_PHONE).count() == 2
    second = code_sent_to(SITI_PHONE)
    if first != second:
        assert verify(api, SITI_NIK, first).status_code == 400
    assert verify(api, SITI_NIK, second).status_code == 200


def test_the_api_refuses_a_resend_too_soon(new_siti, api):
    response = resend(api, SITI_NIK)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Kode baru saja dikirim. Tunggu")


def test_a_resend_for_an_unknown_nik_answers_like_a_sent_code(city, api):
    response = resend(api, ANDI_NIK)
    assert response.status_code == 202
    assert response.json() == {"detail": "Jika NIK terdaftar, kode baru telah dikirim."}
    assert not Notification.objects.exists()


def test_the_api_checks_the_channel_and_the_code_length(new_siti, api):
    response = verify(api, SITI_NIK, "1234567", channel="fax")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"channel", "code"}
