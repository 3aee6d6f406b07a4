"""A citizen's first visit, in a real browser: register, verify by SMS code, log in, log out."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conftest import PASSWORD
from notifications.models import Notification
from portal.tests.browser import log_in

pytestmark = pytest.mark.browser

RINA_NIK = "1275015708920003"  # Binjai (1275), woman born 17 August 1992
MEDAN_NIK = "1271014505900002"  # Medan (1271)


def latest_sms_code(user):
    sms = Notification.objects.filter(user=user, channel=Notification.Channel.SMS).latest("id")
    return re.search(r"\b(\d{6})\b", sms.body).group(1)


def fill_registration(page, nik):
    page.get_by_label("NIK", exact=True).fill(nik)
    page.get_by_label("Nama lengkap").fill("Rina Marlina")
    page.get_by_label("Nomor HP").fill("0812 3456 7809")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Daftar").click()


def register_and_verify(page, nik):
    """Register with this NIK and verify the phone with the SMS code: the page ends at the login form."""
    page.goto("/akun/daftar/")
    fill_registration(page, nik)
    expect(page).to_have_url(re.compile(r"/akun/verifikasi/$"))
    page.get_by_label("Kode verifikasi").fill(latest_sms_code(User.objects.get(login_id=nik)))
    page.get_by_role("button", name="Verifikasi").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/$"))


def test_citizen_registers_verifies_logs_in_and_out(city, page, request_log):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kota Binjai")
    page.get_by_role("link", name="Daftar dengan NIK").click()

    fill_registration(page, RINA_NIK)

    expect(page).to_have_url(re.compile(r"/akun/verifikasi/$"))
    expect(page.get_by_role("status")).to_contain_text("berakhiran 7809")
    rina = User.objects.get(login_id=RINA_NIK)
    assert rina.phone_verified_at is None
    page.get_by_label("Kode verifikasi").fill(latest_sms_code(rina))
    page.get_by_role("button", name="Verifikasi").click()

    expect(page).to_have_url(re.compile(r"/akun/masuk/$"))
    expect(page.get_by_role("status")).to_contain_text("Nomor HP terverifikasi")
    log_in(page, RINA_NIK)

    expect(page).to_have_url(re.compile(r"/saya/kasus/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kasus saya")
    nav = page.get_by_role("navigation", name="Menu utama")
    expect(nav.get_by_role("link", name="Rina Marlina")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1275********0003")
    expect(page.locator("main")).to_contain_text("Nomor HP diverifikasi")
    assert RINA_NIK not in page.content()

    nav.get_by_role("button", name="Keluar").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Anda telah keluar")
    expect(nav.get_by_role("link", name="Masuk")).to_be_visible()
    assert not any(RINA_NIK in url for url in request_log.urls)
    assert request_log.foreign() == []


def test_non_resident_nik_is_refused_next_to_the_nik_field(city, page):
    page.goto("/akun/daftar/")

    fill_registration(page, MEDAN_NIK)

    expect(page).to_have_url(re.compile(r"/akun/daftar/$"))
    nik_input = page.get_by_label("NIK", exact=True)
    expect(nik_input).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_nik_error")).to_contain_text("bukan NIK penduduk Kota Binjai")
    expect(page.get_by_role("alert").get_by_role("link")).to_contain_text("bukan NIK penduduk Kota Binjai")
    assert not User.objects.filter(login_id=MEDAN_NIK).exists()


def test_resend_code_button_answers_in_place_with_javascript(city, page):
    page.goto("/akun/daftar/")
    fill_registration(page, RINA_NIK)
    expect(page).to_have_url(re.compile(r"/akun/verifikasi/$"))
    page.wait_for_function("window.htmx !== undefined")

    page.get_by_role("button", name="Kirim ulang kode").click()

    expect(page.locator("#status-kirim-ulang")).to_contain_text("Kode baru saja dikirim. Tunggu")
    expect(page).to_have_url(re.compile(r"/akun/verifikasi/$"))
    assert Notification.objects.filter(user__login_id=RINA_NIK, channel=Notification.Channel.SMS).count() == 1
