from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.actions import LoginError, check_login
from accounts.models import User
from audit.models import AuditEvent
from conftest import PASSWORD, SITI_NIK, make_citizen


def refused(login_id, password, **kwargs):
    with pytest.raises(LoginError) as caught:
        check_login(login_id, password, **kwargs)
    return caught.value


def lock_out(user, now):
    """As many wrong passwords as it takes to lock the account."""
    for _ in range(django_settings.LOGIN_MAX_FAILURES):
        error = refused(user.login_id, "salah-sekali", now=now)
    return error


def test_siti_logs_in_with_her_nik(siti):
    assert check_login(SITI_NIK, PASSWORD) == siti
    assert check_login(f" {SITI_NIK} ", PASSWORD) == siti


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(siti, budi):
    assert siti.password.startswith("argon2$")
    assert budi.password.startswith("argon2$")


def test_budi_logs_in_with_his_nip(budi):
    assert check_login("198503152010011001", PASSWORD) == budi


def test_a_wrong_password_and_an_unknown_nik_get_the_same_answer(siti):
    wrong_password = refused(SITI_NIK, "bukan-sandinya")
    unknown = refused("1275021208850003", PASSWORD)
    assert wrong_password.code == unknown.code == "invalid_credentials"
    assert wrong_password.message == unknown.message == "NIK/NIP atau kata sandi salah."
    siti.refresh_from_db()
    assert siti.failed_logins == 1


def test_a_deactivated_account_cannot_log_in(siti):
    siti.is_active = False
    siti.save()
    assert refused(SITI_NIK, PASSWORD).code == "invalid_credentials"


def test_an_unverified_citizen_is_asked_for_her_code(city):
    make_citizen(SITI_NIK, "Siti Aminah", verified=False)
    error = refused(SITI_NIK, PASSWORD)
    assert error.code == "not_verified"
    assert error.message == "Nomor HP Anda belum diverifikasi. Masukkan kode yang kami kirim."
    assert error.user.login_id == SITI_NIK


def test_repeated_failures_lock_the_account_until_the_lock_time_passes(siti, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    now = timezone.now()
    error = lock_out(siti, now)
    assert error.code == "account_locked"
    assert error.message.startswith("Akun dikunci sementara karena terlalu banyak percobaan gagal.")
    assert error.message.endswith(" WIB.")
    siti.refresh_from_db()
    assert siti.locked_until == now + timedelta(minutes=15)
    # The right password does not open it early.
    assert refused(SITI_NIK, PASSWORD, now=now + timedelta(minutes=14)).code == "account_locked"
    assert check_login(SITI_NIK, PASSWORD, now=now + timedelta(minutes=15, seconds=1)) == siti
    locked = AuditEvent.objects.get(action="account.locked")
    assert locked.actor_label == "Sistem" and locked.reason == "3 kali salah kata sandi"


def test_the_lock_time_is_shown_in_the_citys_zone(siti, settings):
    settings.LOGIN_MAX_FAILURES = 1
    now = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)  # 08:00 WIB
    error = lock_out(siti, now)
    assert "pukul 08:15 WIB" in error.message


def test_a_successful_login_clears_earlier_failures(siti, settings):
    settings.LOGIN_MAX_FAILURES = 3
    refused(SITI_NIK, "salah")
    refused(SITI_NIK, "salah")
    check_login(SITI_NIK, PASSWORD)
    refused(SITI_NIK, "salah")
    siti.refresh_from_db()
    assert siti.failed_logins == 1 and siti.locked_until is None


def test_an_officer_is_locked_out_the_same_way(budi, settings):
    settings.LOGIN_MAX_FAILURES = 2
    assert lock_out(budi, timezone.now()).code == "account_locked"
    assert refused(budi.login_id, PASSWORD).code == "account_locked"


# --- Django's authenticate() (admin login) through LoginIdBackend ---------------------------------


def test_authenticate_accepts_the_nik_as_username(siti):
    assert authenticate(None, username=SITI_NIK, password=PASSWORD) == siti
    assert authenticate(None, login_id=SITI_NIK, password=PASSWORD) == siti
    assert authenticate(None, username=SITI_NIK, password="salah") is None


def test_authenticate_honours_the_lockout(budi, settings):
    settings.LOGIN_MAX_FAILURES = 2
    lock_out(budi, timezone.now())
    assert authenticate(None, username=budi.login_id, password=PASSWORD) is None


def test_authenticate_without_a_password_is_not_a_failed_login(siti):
    assert authenticate(None, username=SITI_NIK) is None
    siti.refresh_from_db()
    assert siti.failed_logins == 0


# --- the token API ------------------------------------------------------------------------


def token_for(api, login_id, password=PASSWORD):
    return api.post("/api/v1/auth/token", {"login_id": login_id, "password": password}, format="json")


def test_siti_gets_a_token_and_sees_her_own_full_nik(siti, api):
    response = token_for(api, SITI_NIK)
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == siti
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["nik"] == SITI_NIK and me.json()["nip"] is None
    assert me.json()["phone_verified"] is True
    siti.refresh_from_db()
    assert siti.last_login is not None


def test_budi_gets_a_token_with_his_nip(budi, api):
    response = token_for(api, budi.login_id)
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = api.get("/api/v1/me").json()
    assert me["nip"] == budi.login_id and me["nik"] is None and me["role"] == "officer"


def test_logging_out_revokes_the_token(siti, api):
    token = token_for(api, SITI_NIK).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert not Token.objects.filter(key=token).exists()
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_wrong_password_answers_401_in_the_error_shape(siti, api):
    response = token_for(api, SITI_NIK, "salah")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json() == {"error": {"code": "invalid_credentials", "message": "NIK/NIP atau kata sandi salah."}}


def test_an_unverified_citizen_gets_403_not_verified(city, api):
    make_citizen(SITI_NIK, "Siti Aminah", verified=False)
    response = token_for(api, SITI_NIK)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_verified"
    assert not Token.objects.exists()


def test_a_locked_account_gets_403_even_with_the_right_password(siti, api, settings):
    settings.LOGIN_MAX_FAILURES = 2
    assert token_for(api, SITI_NIK, "salah").status_code == 401
    locking = token_for(api, SITI_NIK, "salah")
    assert locking.status_code == 403 and locking.json()["error"]["code"] == "account_locked"
    response = token_for(api, SITI_NIK)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_locked"
    assert "Coba lagi setelah pukul" in response.json()["error"]["message"]
    User.objects.filter(pk=siti.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert token_for(api, SITI_NIK).status_code == 200
