"""The account pages with Django's test client: register, verify, log in, log out."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.views import PENDING_USER
from conftest import PASSWORD, SITI_NIK, make_citizen
from notifications.models import Notification

RINA_NIK = "1275015708920003"
MEDAN_NIK = "1271014505900002"

REGISTER = reverse("accounts:register")
VERIFY = reverse("accounts:verify")
RESEND = reverse("accounts:resend_code")
SKIP_EMAIL = reverse("accounts:skip_email")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


def registration(**overrides):
    data = {
        "nik": RINA_NIK,
        "full_name": "Rina Marlina",
        "phone": "0812-3456-7809",
        "email": "",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    return {**data, **overrides}


def sent_code(user, channel="sms"):
    message = Notification.objects.filter(user=user, channel=channel).latest("id")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


# --- register -------------------------------------------------------------------------


def test_register_page_labels_every_field_and_lets_the_server_validate(city, client):
    response = client.get(REGISTER)

    assert response.status_code == 200
    html = response.content.decode()
    for field in ("nik", "full_name", "phone", "email", "password", "password_again"):
        assert f'<label for="id_{field}">' in html
    assert "novalidate" in html
    assert "penduduk Kota Binjai (NIK diawali 1275)" in html


def test_empty_registration_explains_each_missing_field_in_indonesian(city, client):
    response = client.post(REGISTER, {})

    assert response.status_code == 200
    assert field_errors(response, "nik") == ["NIK wajib diisi."]
    assert field_errors(response, "full_name") == ["Nama lengkap wajib diisi."]
    assert field_errors(response, "phone") == ["Nomor HP wajib diisi."]
    assert field_errors(response, "password") == ["Kata sandi wajib diisi."]
    html = response.content.decode()
    assert 'id="id_nik_error"' in html and 'aria-invalid="true"' in html
    assert 'role="alert"' in html


def test_nik_of_another_city_is_refused_on_the_nik_field_and_no_account_is_made(city, client):
    response = client.post(REGISTER, registration(nik=MEDAN_NIK))

    assert response.status_code == 200
    [message] = field_errors(response, "nik")
    assert "bukan NIK penduduk Kota Binjai" in message
    assert not User.objects.filter(login_id=MEDAN_NIK).exists()


def test_action_errors_land_on_their_own_fields(city, client):
    response = client.post(REGISTER, registration(phone="12345", password="12345678", password_again="12345678"))

    assert response.status_code == 200
    assert field_errors(response, "phone") == ["Nomor HP tidak valid (contoh: 0812xxxxxxxx)."]
    assert "Kata sandi ini seluruhnya terdiri dari angka." in field_errors(response, "password")
    assert not User.objects.filter(login_id=RINA_NIK).exists()


def test_every_problem_shows_at_once(city, client):
    response = client.post(REGISTER, registration(nik=MEDAN_NIK, full_name="", password_again="Lain-lagi-2026"))

    assert "bukan NIK penduduk Kota Binjai" in field_errors(response, "nik")[0]
    assert field_errors(response, "full_name") == ["Nama lengkap wajib diisi."]
    assert field_errors(response, "password_again") == ["Kedua kata sandi tidak sama."]
    assert not User.objects.exists()


def test_passwords_must_match(city, client):
    response = client.post(REGISTER, registration(password_again="Kata-sandi-lain-2026"))

    assert field_errors(response, "password_again") == ["Kedua kata sandi tidak sama."]
    assert not User.objects.filter(login_id=RINA_NIK).exists()


def test_registered_nik_is_refused_again(city, siti, client):
    response = client.post(REGISTER, registration(nik=SITI_NIK))

    assert field_errors(response, "nik") == [
        "NIK ini sudah terdaftar. Silakan masuk atau hubungi admin jika bukan Anda."
    ]


def test_registration_sends_the_code_and_remembers_the_account_in_the_session_not_the_url(city, client):
    response = client.post(REGISTER, registration())

    rina = User.objects.get(login_id=RINA_NIK)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert client.session[PENDING_USER] == rina.pk
    assert Notification.objects.filter(user=rina, channel="sms", recipient="+6281234567809").exists()

    page = client.get(VERIFY)
    assert "berakhiran 7809" in page.content.decode()
    assert RINA_NIK not in page.content.decode()


def test_registration_page_sends_a_logged_in_user_home(city, siti, client):
    client.force_login(siti)

    assert client.get(REGISTER)["Location"] == reverse("portal:my_cases")


# --- verify ---------------------------------------------------------------------------


@pytest.fixture
def registered(city, client):
    client.post(REGISTER, registration())
    return User.objects.get(login_id=RINA_NIK)


def test_verify_page_without_a_pending_account_sends_to_login(city, client):
    response = client.get(VERIFY)

    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_wrong_code_is_refused_on_the_code_field(registered, client):
    right = sent_code(registered)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 200
    assert field_errors(response, "code") == ["Kode salah. Sisa percobaan: 4."]
    registered.refresh_from_db()
    assert registered.phone_verified_at is None


def test_right_code_verifies_the_phone_and_sends_to_login(registered, client):
    response = client.post(VERIFY, {"code": sent_code(registered)}, follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert "Nomor HP terverifikasi. Silakan masuk" in response.content.decode()
    registered.refresh_from_db()
    assert registered.phone_verified_at is not None
    assert PENDING_USER not in client.session


def test_after_the_phone_a_pending_email_is_offered_and_can_be_verified(city, client):
    client.post(REGISTER, registration(email="rina@example.org"))
    rina = User.objects.get(login_id=RINA_NIK)

    response = client.post(VERIFY, {"code": sent_code(rina)}, follow=True)

    assert response.redirect_chain == [(VERIFY, 302)]
    html = response.content.decode()
    assert "Verifikasi e-mail" in html and "e-mail r***@example.org" in html
    assert "Lewati untuk sekarang" in html

    response = client.post(VERIFY, {"code": sent_code(rina, "email")})

    assert response["Location"] == LOGIN
    rina.refresh_from_db()
    assert rina.email_verified_at is not None


def test_email_verification_can_be_skipped(city, client):
    client.post(REGISTER, registration(email="rina@example.org"))
    rina = User.objects.get(login_id=RINA_NIK)
    client.post(VERIFY, {"code": sent_code(rina)})

    response = client.post(SKIP_EMAIL)

    assert response["Location"] == LOGIN
    assert PENDING_USER not in client.session
    rina.refresh_from_db()
    assert rina.phone_verified_at is not None and rina.email_verified_at is None


def test_phone_verification_cannot_be_skipped(registered, client):
    response = client.post(SKIP_EMAIL)

    assert response["Location"] == VERIFY
    assert client.session[PENDING_USER] == registered.pk


def test_resend_right_after_registration_asks_to_wait(registered, client):
    response = client.post(RESEND, follow=True)

    assert "Kode baru saja dikirim. Tunggu" in response.content.decode()
    assert Notification.objects.filter(user=registered, channel="sms").count() == 1


def test_resend_sends_a_new_code_once_the_interval_has_passed(registered, client):
    registered.verification_codes.update(created_at=timezone.now() - timedelta(minutes=2))

    response = client.post(RESEND, follow=True)

    assert "Kode baru telah dikirim ke nomor HP yang berakhiran 7809." in response.content.decode()
    assert Notification.objects.filter(user=registered, channel="sms").count() == 2


def test_resend_through_htmx_answers_with_just_the_message(registered, client):
    registered.verification_codes.update(created_at=timezone.now() - timedelta(minutes=2))

    response = client.post(RESEND, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<p class="msg msg-success">Kode baru telah dikirim ke nomor HP yang berakhiran 7809.</p>'
    )


def test_resend_only_by_post(registered, client):
    assert client.get(RESEND).status_code == 405


def test_logged_in_citizen_can_verify_a_pending_email_from_the_profile(city, client):
    rina = make_citizen(RINA_NIK, "Rina Marlina", email="rina@example.org")
    User.objects.filter(pk=rina.pk).update(email_verified_at=None)
    client.force_login(rina)

    page = client.get(reverse("portal:profile"))
    assert f'href="{VERIFY}"' in page.content.decode()
    assert "Verifikasi e-mail" in client.get(VERIFY).content.decode()


def test_officer_has_nothing_to_verify(budi, client):
    client.force_login(budi)

    assert client.get(VERIFY)["Location"] == reverse("portal:officer_workspace")


# --- login / logout -------------------------------------------------------------------


def test_citizen_logs_in_with_nik_and_lands_on_my_cases(siti, client):
    response = client.post(LOGIN, {"login_id": SITI_NIK, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_cases")
    assert int(client.session["_auth_user_id"]) == siti.pk


def test_officer_logs_in_with_nip_and_lands_on_the_workspace(budi, client):
    response = client.post(LOGIN, {"login_id": budi.login_id, "password": PASSWORD})

    assert response["Location"] == reverse("portal:officer_workspace")


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(siti, client):
    back = client.post(LOGIN + "?next=/saya/", {"login_id": SITI_NIK, "password": PASSWORD})
    client.logout()
    away = client.post(LOGIN + "?next=https://evil.example/", {"login_id": SITI_NIK, "password": PASSWORD})

    assert back["Location"] == "/saya/"
    assert away["Location"] == reverse("portal:my_cases")


def test_wrong_password_says_so_without_telling_which_part(siti, client):
    response = client.post(LOGIN, {"login_id": SITI_NIK, "password": "salah-sekali-123"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["NIK/NIP atau kata sandi salah."]
    assert "_auth_user_id" not in client.session


def test_empty_login_names_the_missing_fields(city, client):
    response = client.post(LOGIN, {})

    assert field_errors(response, "login_id") == ["NIK atau NIP wajib diisi."]
    assert field_errors(response, "password") == ["Kata sandi wajib diisi."]


def test_locked_account_is_told_when_to_try_again(siti, client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        client.post(LOGIN, {"login_id": SITI_NIK, "password": "salah-sekali-123"})

    response = client.post(LOGIN, {"login_id": SITI_NIK, "password": PASSWORD})

    [message] = response.context["form"].non_field_errors()
    assert message.startswith("Akun dikunci sementara")
    assert "_auth_user_id" not in client.session


def test_unverified_citizen_is_sent_to_verify_with_the_account_in_the_session(city, client):
    rina = make_citizen(RINA_NIK, "Rina Marlina", verified=False)

    response = client.post(LOGIN, {"login_id": RINA_NIK, "password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(VERIFY, 302)]
    assert RINA_NIK not in response.redirect_chain[0][0]
    assert client.session[PENDING_USER] == rina.pk
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "Nomor HP Anda belum diverifikasi" in html
    assert "Kirim ulang kode" in html


def test_logout_is_a_post_and_ends_the_session(siti, client):
    client.force_login(siti)

    confirm = client.get(LOGOUT)
    assert confirm.status_code == 200 and 'method="post"' in confirm.content.decode()
    assert "_auth_user_id" in client.session

    response = client.post(LOGOUT, follow=True)

    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    assert "Anda telah keluar." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_forms_refuse_posts_without_csrf_token(siti):
    strict = Client(enforce_csrf_checks=True)

    refused = strict.post(LOGIN, {"login_id": SITI_NIK, "password": PASSWORD})

    assert refused.status_code == 403
    assert "Formulir tidak dapat dikirim" in refused.content.decode()
    assert strict.post(REGISTER, registration()).status_code == 403
    assert "_auth_user_id" not in strict.session


def test_no_redirect_of_the_whole_journey_carries_a_nik(city, client):
    locations = []
    for response in (
        client.post(REGISTER, registration()),
        client.post(VERIFY, {"code": sent_code(User.objects.get(login_id=RINA_NIK))}),
        client.post(LOGIN, {"login_id": RINA_NIK, "password": PASSWORD}),
        client.post(LOGOUT),
    ):
        if response.status_code == 302:
            locations.append(response["Location"])

    assert len(locations) == 4
    assert not any(re.search(r"[0-9]{16}", location) for location in locations)
