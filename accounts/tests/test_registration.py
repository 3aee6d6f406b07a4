import pytest
from django.core.exceptions import ValidationError

from accounts import actions
from accounts.actions import do_register_citizen, do_verify_code
from accounts.models import User, VerificationCode
from accounts.tests.conftest import code_sent_to
from audit.models import AuditEvent
from conftest import PASSWORD, SITI_NIK
from notifications.models import Notification

MEDAN_NIK = "1271021208850003"


def register_siti(**overrides):
    values = dict(nik=SITI_NIK, full_name="Siti Aminah", phone="0812-3456-7801", email="", password=PASSWORD)
    values.update(overrides)
    return do_register_citizen(**values)


def registration_errors(**overrides):
    with pytest.raises(ValidationError) as caught:
        register_siti(**overrides)
    return caught.value.message_dict


@pytest.mark.argon2
def test_siti_registers_and_gets_her_code_by_sms(city):
    siti = register_siti()
    assert siti.is_citizen and siti.login_id == SITI_NIK
    assert siti.phone == "+6281234567801"
    assert siti.phone_verified_at is None and not siti.is_verified
    assert siti.password.startswith("argon2")
    sms = Notification.objects.get(channel="sms")
    assert sms.recipient == "+6281234567801" and sms.user == siti
    assert sms.body.startswith("Kota Binjai: kode verifikasi Anda")
    assert not Notification.objects.filter(channel="email").exists()
    do_verify_code(siti, VerificationCode.Channel.PHONE, code_sent_to("+6281234567801"))
    siti.refresh_from_db()
    assert siti.is_verified
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "account.registered",
        "account.phone_verified",
    ]


def test_with_an_email_address_a_second_code_goes_by_email(city):
    siti = register_siti(email=" Siti@Example.ORG ")
    assert siti.email == "siti@example.org"
    email = Notification.objects.get(channel="email")
    assert email.recipient == "siti@example.org" and email.subject == "Kode verifikasi akun Anda"
    do_verify_code(siti, VerificationCode.Channel.EMAIL, code_sent_to("siti@example.org"))
    siti.refresh_from_db()
    assert siti.email_verified_at is not None and siti.phone_verified_at is None


def test_the_nik_is_never_in_the_messages_or_the_audit_trail(city):
    register_siti(email="siti@example.org")
    for message in Notification.objects.all():
        assert SITI_NIK not in message.body and SITI_NIK not in message.subject
    for event in AuditEvent.objects.all():
        assert SITI_NIK not in repr(event.content())


def test_a_nik_registers_only_once(city):
    register_siti()
    errors = registration_errors(phone="081234567899")
    assert errors == {"nik": ["NIK ini sudah terdaftar. Silakan masuk atau hubungi admin jika bukan Anda."]}
    assert User.objects.count() == 1


def test_the_loser_of_a_registration_race_gets_the_same_message(city, monkeypatch):
    register_siti()
    # The other request passed its checks before this one committed.
    monkeypatch.setattr(
        actions,
        "check_registration",
        lambda **values: {**values, "phone": "+6281234567899"},
    )
    errors = registration_errors()
    assert errors == {"nik": ["NIK ini sudah terdaftar. Silakan masuk atau hubungi admin jika bukan Anda."]}
    assert User.objects.count() == 1


def test_a_nik_of_another_city_is_told_why_it_cannot_register(city):
    errors = registration_errors(nik=MEDAN_NIK)
    assert errors["nik"] == [
        "NIK ini bukan NIK penduduk Kota Binjai (harus diawali 1275). Pendaftaran hanya untuk penduduk kota."
    ]


def test_a_city_open_to_non_residents_lets_them_register(city):
    city.residents_only_registration = False
    city.save()
    from cities.models import forget_current_city

    forget_current_city()
    assert register_siti(nik=MEDAN_NIK).login_id == MEDAN_NIK


def test_every_wrong_field_is_reported_at_once(city):
    errors = registration_errors(nik="12345", full_name="  ", phone="12345", email="bukan-email", password="12345678")
    assert errors["nik"] == ["NIK harus terdiri dari 16 digit angka."]
    assert errors["full_name"] == ["Nama lengkap wajib diisi."]
    assert errors["phone"] == ["Nomor HP tidak valid (contoh: 0812xxxxxxxx)."]
    assert errors["email"] == ["Alamat e-mail tidak valid."]
    assert len(errors["password"]) >= 2  # too common and entirely numeric
    assert not User.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("password", ["pendek1", "password123", "Siti Aminah", "siti aminah 1"])
def test_a_weak_password_is_refused(city, password):
    assert "password" in registration_errors(password=password)


def test_a_password_like_the_nik_is_refused(city):
    assert "password" in registration_errors(password=f"x{SITI_NIK}")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [("081234567801", "+6281234567801"), ("+62 812-3456-7801", "+6281234567801"), ("6281234567801", "+6281234567801")],
)
def test_phone_numbers_are_stored_in_one_form(written, normalised):
    assert actions.normalise_phone(written) == normalised


@pytest.mark.parametrize(
    "phone", ["", "12345", "0212345678", "0812345", "08123456789012345", "08１２34567801", "08²234567801"]
)
def test_a_number_that_is_not_an_indonesian_mobile_is_refused(phone):
    with pytest.raises(ValidationError):
        actions.normalise_phone(phone)


def test_a_name_too_long_is_refused(city):
    assert registration_errors(full_name="A" * 151)["full_name"] == ["Nama lengkap paling banyak 150 karakter."]


def test_a_failure_half_way_leaves_no_half_written_account(city, monkeypatch):
    def gateway_template_broken(**kwargs):
        raise RuntimeError("template verification_code hilang")

    monkeypatch.setattr(actions, "queue", gateway_template_broken)
    with pytest.raises(RuntimeError):
        register_siti()
    assert not User.objects.exists()
    assert not VerificationCode.objects.exists()
    assert not AuditEvent.objects.exists()


def test_without_a_city_profile_registration_says_so(db):
    with pytest.raises(ValidationError, match="Profil kota belum dimuat"):
        register_siti()


# --- the same through the API ---------------------------------------------------------


def api_register(api, **overrides):
    body = dict(nik=SITI_NIK, full_name="Siti Aminah", phone="081234567801", password=PASSWORD)
    body.update(overrides)
    return api.post("/api/v1/auth/register", body, format="json")


def test_registering_through_the_api_queues_the_codes(city, api):
    response = api_register(api, email="siti@example.org")
    assert response.status_code == 201
    assert response.json()["nik"] == SITI_NIK  # her own NIK, to herself
    assert response.json()["phone_verified"] is False
    assert set(Notification.objects.values_list("channel", "recipient")) == {
        ("sms", "+6281234567801"),
        ("email", "siti@example.org"),
    }
    verified = api.post(
        "/api/v1/auth/verify",
        {"nik": SITI_NIK, "channel": "phone", "code": code_sent_to("+6281234567801")},
        format="json",
    )
    assert verified.status_code == 200 and verified.json()["phone_verified"] is True


def test_a_duplicate_registration_answers_400_on_the_nik_field(city, api):
    assert api_register(api).status_code == 201
    response = api_register(api, phone="081234567899")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["nik"] == ["NIK ini sudah terdaftar. Silakan masuk atau hubungi admin jika bukan Anda."]
    assert "sudah terdaftar" in error["message"]


def test_a_non_binjai_nik_gets_a_clear_message_from_the_api(city, api):
    response = api_register(api, nik=MEDAN_NIK)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["nik"] == [
        "NIK ini bukan NIK penduduk Kota Binjai (harus diawali 1275). Pendaftaran hanya untuk penduduk kota."
    ]


def test_a_nik_of_the_wrong_length_gets_the_nik_rule_not_a_length_limit(city, api):
    response = api_register(api, nik="12750145059000021")
    assert response.json()["error"]["fields"]["nik"] == ["NIK harus terdiri dari 16 digit angka."]


def test_a_weak_password_and_a_bad_phone_through_the_api(city, api):
    response = api_register(api, password="12345678", phone="0812")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"password", "phone"}
    assert fields["phone"] == ["Nomor HP tidak valid (contoh: 0812xxxxxxxx)."]
    assert not User.objects.exists()
