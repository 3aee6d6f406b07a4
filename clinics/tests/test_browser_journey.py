"""The e-Dokter journey of issue 5 in a real browser.

On Sunday 28 February 2027 a new resident, Rina, registers, adds her daughter and books her a visit to
poli anak at RSUD Dr. R.M. Djoelham for tomorrow: she gets a booking code, a queue number and an
estimated time, and a page with the QR code of the booking code. In the evening she is reminded by SMS.
On Monday the registration desk (Sri) scans the QR code — a scanner types the code into the check-in
field — and the poli calls her number: the waiting-room board and the RSUD's lobby board, which refresh by
themselves, show the number (never a name); the doctor serves her and Rina's page says the visit is done.
"""

import io
import re
from datetime import date

import pytest
import segno
from PIL import Image
from playwright.sync_api import expect

from accounts.tests.test_browser_journey import RINA_NIK, register_and_verify
from clinics import actions
from clinics.models import Appointment
from clinics.tests.conftest import AISYAH_NIK, MONDAY, at
from notifications.models import Notification
from portal.tests.browser import log_in, logged_in_tab

pytestmark = pytest.mark.browser

SUNDAY = date(2027, 2, 28)


def register_and_log_in(page):
    register_and_verify(page, RINA_NIK)
    log_in(page, RINA_NIK)


def add_daughter(page):
    page.goto("/dokter/keluarga/")
    page.get_by_label("NIK").fill(AISYAH_NIK)
    page.get_by_label("Nama lengkap").fill("Aisyah Putri")
    page.get_by_label("Hubungan dengan Anda").select_option(label="Anak")
    page.get_by_role("button", name="Simpan anggota keluarga").click()
    expect(page.get_by_text("Aisyah Putri").first).to_be_visible()


def book_poli_anak_for_tomorrow(page):
    """From the find page to the poli's free places, then the first session of Monday 1 March."""
    page.goto("/dokter/")
    page.get_by_role("searchbox", name="Cari poli atau dokter").fill("anak")
    page.get_by_role("button", name="Cari", exact=True).click()
    page.get_by_role("link", name=re.compile("Poli Anak")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Poli Anak")
    page.get_by_role("link", name=re.compile(r"^Pesan Poli Anak, .*Senin 1 Maret")).first.click()
    page.get_by_label(re.compile("Aisyah Putri")).check()
    page.get_by_label("Umum (bayar sendiri)").check()
    page.get_by_role("button", name="Daftar sekarang").click()
    expect(page).to_have_url(re.compile(r"/dokter/saya/[A-Z2-9]{8}/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


def shows_qr_of(png, text):
    """Does the screenshot show exactly the QR code of `text` (module by module, sampled at each centre)?"""
    expected = segno.make_qr(text, error="m")
    width, height = expected.symbol_size(scale=1, border=4)
    picture = Image.open(io.BytesIO(png)).convert("L")
    cell_x, cell_y = picture.width / width, picture.height / height
    for row, modules in enumerate(expected.matrix):
        for column, dark in enumerate(modules):
            pixel = picture.getpixel((int((column + 4.5) * cell_x), int((row + 4.5) * cell_y)))
            if (pixel < 128) != bool(dark):
                return False
    return True


def staff_tab(browser, live_server, officer):
    return logged_in_tab(browser, live_server, officer, "/petugas/dokter/")


def test_a_new_resident_books_poli_anak_for_tomorrow_is_reminded_checks_in_by_qr_and_is_called_and_served(
    city, sessions, sri, clock, browser, live_server, page, request_log
):
    clock.set(at(SUNDAY, 10))
    register_and_log_in(page)
    add_daughter(page)
    code = book_poli_anak_for_tomorrow(page)

    appointment = Appointment.objects.get(booking_code=code)
    assert (appointment.clinic.code, appointment.date, appointment.patient_name) == ("anak", MONDAY, "Aisyah Putri")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pendaftaran {code}")
    ticket = page.locator(".ticket")
    expect(ticket).to_contain_text(str(appointment.queue_number))
    expect(page.get_by_text(f"pukul {appointment.estimated_at.astimezone(city.zone):%H.%M}").first).to_be_visible()
    assert shows_qr_of(page.locator("svg.qr").screenshot(), code)

    # Sunday evening: the reminder job texts her the code, once.
    clock.set(at(SUNDAY, 18))
    assert actions.send_reminders() == 1
    assert actions.send_reminders() == 0
    reminder = Notification.objects.filter(template="clinic_reminder", channel=Notification.Channel.SMS).get()
    assert reminder.recipient == "+6281234567809" and code in reminder.body

    # Monday morning: the waiting-room board of poli anak, and the desk scanning the QR code.
    clock.set(at(MONDAY, 8, 40))
    board = page.context.new_page()
    board.goto("/dokter/antrean/rsud-djoelham/anak/")
    expect(board.locator(".board-now .board-number").first).to_have_text("–")
    lobby = page.context.new_page()  # every poli of the RSUD on one screen
    lobby.goto("/dokter/antrean/rsud-djoelham/")
    lobby_anak = lobby.locator("tr", has_text="Poli Anak").locator(".board-cell-number")
    expect(lobby_anak).to_have_text("–")
    desk = staff_tab(browser, live_server, sri)
    desk.get_by_label("Kode booking").fill(code)
    desk.get_by_label("Kode booking").press("Enter")
    expect(desk.locator(".messages")).to_contain_text("Check-in berhasil: Aisyah Putri — Poli Anak")
    expect(desk.locator(".messages")).to_contain_text(f"nomor antrean {appointment.queue_number}")
    appointment.refresh_from_db()
    assert appointment.status == "checked_in"

    # The poli calls the next number: hers. The board shows it on its own refresh, without her name.
    desk.goto(f"/petugas/dokter/sesi/{appointment.session_id}/")
    desk.get_by_role("button", name="Panggil berikutnya").click()
    expect(board.locator(".board-now .board-number").first).to_have_text(str(appointment.queue_number), timeout=25_000)
    expect(board.locator("body")).not_to_contain_text("Aisyah")
    expect(lobby_anak).to_have_text(str(appointment.queue_number), timeout=25_000)
    expect(lobby.locator("body")).not_to_contain_text("Aisyah")
    desk.get_by_role("button", name="Sedang dilayani").click()
    desk.get_by_role("button", name="Selesai").click()
    appointment.refresh_from_db()
    assert appointment.status == "done"
    assert None not in (appointment.checked_in_at, appointment.called_at, appointment.served_at, appointment.done_at)

    # A day later her login has expired: she logs in again and lands on her appointment.
    page.reload()
    log_in(page, RINA_NIK)
    expect(page).to_have_url(re.compile(f"/dokter/saya/{code}/$"))
    expect(page.get_by_text("Selesai", exact=True).first).to_be_visible()
    assert request_log.foreign() == []
