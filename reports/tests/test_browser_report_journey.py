"""The e-Masyarakat journey in a real browser, offline (no map tiles): a new resident registers, reports a
damaged road in Kelurahan Tangsi with a photo, follows it through verification, disposition to Dinas PUPR
and resolution with a proof photo, rates it five stars, and the public sees it without personal data."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.test_browser_journey import RINA_NIK, register_and_verify
from portal.tests.browser import log_in, new_tab
from reports import actions
from reports.models import Report, Status, parse_number
from reports.tests.conftest import TANGSI_POINT, photo, receive
from reports.tests.test_similar import north_east_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("media")]

DESCRIPTION = "Jalan berlubang besar di depan SD Negeri Tangsi, sudah dua minggu, motor sering jatuh."


@pytest.fixture
def offline_map(settings):
    """Tests run offline: no tile server, so the map must work on clicks and typed coordinates alone."""
    settings.KC_MAP_TILE_URL = ""


@pytest.fixture
def streetlight_nearby(andi, tangsi, bayu):
    """Andi's verified report 80 m away: the form suggests it while Rina fills in the location."""
    report = actions.do_submit_report(
        reporter=andi,
        category_code="lampu-jalan",
        description="Lampu jalan mati sejak seminggu, jalan gelap di malam hari.",
        kelurahan_id=tangsi.pk,
        lat=north_east_of(TANGSI_POINT, 80)[0],
        lon=north_east_of(TANGSI_POINT, 80)[1],
    )
    receive(report)
    actions.do_verify(bayu, report)
    return report


def register_and_log_in(page):
    """Rina registers with her NIK, verifies her phone with the SMS code, then logs in on the way to the form."""
    register_and_verify(page, RINA_NIK)

    page.goto("/laporan/baru/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next=/laporan/baru/$"))
    log_in(page, RINA_NIK)
    expect(page).to_have_url(re.compile(r"/laporan/baru/$"))


def fill_in_the_report(page, suggested):
    page.get_by_label("Kategori masalah").select_option("jalan-rusak")
    expect(page.locator("#kategori-terpilih")).to_contain_text("Jalan berlubang")
    # Only the chosen category's question is shown.
    expect(page.locator('fieldset[data-category="jalan-rusak"]')).to_be_visible()
    page.get_by_label("Sedang (lubang mengganggu kendaraan)").check()
    page.get_by_label("Kelurahan").select_option(label="Tangsi")

    # Tapping the map sets the point, even with no tiles at all.
    pin_map = page.locator("#peta-pilih.leaflet-container")
    expect(pin_map).to_be_visible()
    pin_map.click()
    expect(page.get_by_label("Lintang")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
    expect(pin_map.locator(".leaflet-marker-icon")).to_have_count(1)
    # Typed coordinates move the pin to the exact spot.
    page.get_by_label("Lintang").fill(str(TANGSI_POINT[0]))
    page.get_by_label("Bujur").fill(str(TANGSI_POINT[1]))
    page.get_by_label("Bujur").press("Tab")
    expect(page.locator("#peta-status")).to_contain_text(f"{TANGSI_POINT[0]:.5f}, {TANGSI_POINT[1]:.5f}")

    # An open report within 150 m is suggested in place (htmx), with its "saya juga" button.
    expect(page.locator("#serupa-isi")).to_contain_text(suggested.number)
    expect(page.locator("#serupa-isi").get_by_role("button", name="Dukung laporan ini (saya juga)")).to_be_visible()

    page.get_by_label("Uraian masalah").fill(DESCRIPTION)
    expect(page.locator("#id_description_count")).to_have_text(f"{len(DESCRIPTION)} / 4000 karakter")
    jpeg = photo("jalan-tangsi.jpg")
    page.get_by_label("Foto (tidak wajib)").set_input_files(
        files=[{"name": jpeg.name, "mimeType": "image/jpeg", "buffer": jpeg.read()}]
    )
    page.get_by_label("Sembunyikan nama saya dari publik").check()


def officers_handle(report, bayu, budi):
    """What the Command Center and Dinas PUPR do on their own pages, done through the same actions."""
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    actions.do_start_work(budi, report, "Penambalan oleh tim pemeliharaan jalan minggu ini.")
    actions.do_resolve(budi, report, "Lubang sudah ditambal dengan aspal.", [photo("bukti.jpg", size=(800, 600))])


def test_a_new_resident_reports_a_damaged_road_follows_it_rates_it_and_the_public_sees_it_anonymised(
    city, page, browser, live_server, request_log, offline_map, streetlight_nearby, bayu, budi
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    register_and_log_in(page)

    fill_in_the_report(page, streetlight_nearby)
    page.get_by_role("button", name="Kirim laporan").click()

    expect(page).to_have_url(re.compile(r"/saya/laporan/LP-\d{4}-\d{7}/$"))
    number = re.search(r"LP-\d{4}-\d{7}", page.url).group(0)
    expect(page.get_by_role("status")).to_contain_text(f"Laporan Anda diterima dengan nomor {number}")
    report = Report.objects.get(pk=parse_number(number)[1])
    assert (report.kelurahan.name, report.category.code, report.anonymous) == ("Tangsi", "jalan-rusak", True)
    assert report.owner.login_id == RINA_NIK and report.photos.count() == 1

    receive(report)  # the worker's intake, moments later
    page.reload()
    expect(page.locator(".timeline")).to_contain_text("Laporan diterima dan menunggu verifikasi.")
    officers_handle(report, bayu, budi)
    page.reload()

    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Laporan telah diverifikasi oleh Command Center.")
    expect(timeline).to_contain_text("Laporan diteruskan ke Dinas Pekerjaan Umum")
    expect(timeline).to_contain_text("Selesai ditangani: Lubang sudah ditambal dengan aspal.")
    proof = page.get_by_role("img", name="Foto bukti penyelesaian 1")
    expect(proof).to_be_visible()
    page.wait_for_function("image => image.complete && image.naturalWidth === 800", arg=proof.element_handle())

    page.get_by_label("5 bintang (sangat puas)").check()
    page.get_by_label("Komentar (tidak wajib)").fill("Cepat ditangani, terima kasih.")
    page.get_by_role("button", name="Kirim penilaian").click()

    expect(page.get_by_role("status")).to_contain_text("Terima kasih atas penilaian Anda.")
    expect(page.locator("main")).to_contain_text("5 dari 5 bintang")
    report.refresh_from_db()
    assert (report.status, report.rating) == (Status.CLOSED, 5)

    public = new_tab(browser, live_server)
    public.goto("/laporan/")
    expect(public.locator("main")).to_contain_text(number)
    public.goto(f"/laporan/{number}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(f"Laporan {number}")
    expect(public.locator("main")).to_contain_text("Anonim")
    expect(public.locator("main")).to_contain_text("Pelapor memberi nilai 5 dari 5")
    content = public.content()
    for personal in ("Rina", RINA_NIK, "7809", "Budi", "Bayu"):
        assert personal not in content
    public.context.close()

    page.wait_for_load_state("networkidle")
    assert request_log.foreign() == []
    assert errors == []
