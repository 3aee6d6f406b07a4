"""The officer side in a real browser with JavaScript switched off: Bayu verifies and dispositions Siti's
report from the Command Center inbox, Budi picks it from Dinas PUPR's queue, plans, notes and resolves it
with a proof photo, all with plain forms."""

import re

import pytest
from playwright.sync_api import expect

from portal.tests.browser import logged_in_tab
from reports import actions
from reports.models import Report, Status
from reports.tests.conftest import TANGSI_POINT, photo, receive

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("media")]


def officer_tab(browser, live_server, officer):
    """A fresh tab without JavaScript, logged in through the login form with the officer's NIP."""
    return logged_in_tab(browser, live_server, officer, "/petugas/", javascript=False)


def panel(tab, title):
    return tab.locator("form", has=tab.get_by_role("heading", name=title, exact=True))


def test_bayu_and_budi_take_a_report_from_the_inbox_to_resolved_without_javascript(
    city, browser, live_server, siti, bayu, budi, tangsi
):
    report = actions.do_submit_report(
        reporter=siti,
        category_code="jalan-rusak",
        description="Lubang besar di Jalan Tangsi depan sekolah.",
        kelurahan_id=tangsi.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
        photos=[photo()],
        attributes={"tingkat_kerusakan": "berat"},
    )
    receive(report)

    command_center = officer_tab(browser, live_server, bayu)
    command_center.get_by_role("link", name="Kotak masuk Command Center").click()
    command_center.get_by_role("link", name=report.number).click()
    expect(command_center.get_by_role("img", name="Foto laporan 1")).to_be_visible()
    command_center.get_by_role("button", name="Verifikasi laporan").click()
    expect(command_center.get_by_role("status")).to_contain_text("Laporan telah diverifikasi.")
    expect(panel(command_center, "Disposisi ke OPD").get_by_label("OPD tujuan")).to_have_value(str(report.opd_id))
    command_center.get_by_role("button", name="Disposisikan").click()
    expect(command_center.locator(".status")).to_have_text("Didisposisikan ke OPD")
    command_center.context.close()

    pupr = officer_tab(browser, live_server, budi)
    pupr.get_by_role("link", name=re.compile("Antrean laporan Dinas PUPR")).click()
    pupr.get_by_role("link", name=report.number).click()
    pupr.get_by_label("Rencana tindak lanjut").fill("Penambalan oleh tim jalan hari Kamis.")
    pupr.get_by_role("button", name="Mulai tindak lanjut").click()
    expect(pupr.get_by_role("status")).to_contain_text("Tindak lanjut dimulai.")

    internal = panel(pupr, "Catatan internal (hanya petugas)")
    internal.get_by_label("Isi").fill("Aspal dingin diambil dari gudang Jalan Veteran.")
    internal.get_by_role("button", name="Simpan catatan internal").click()
    expect(pupr.locator(".notes")).to_contain_text("Aspal dingin diambil dari gudang")

    resolve = panel(pupr, "Selesaikan")
    resolve.get_by_role("button", name="Tandai selesai").click()  # nothing filled in: told what is missing
    expect(pupr.locator(".error-summary").first).to_contain_text("Tanggapan penyelesaian wajib diisi.")
    proof = photo("bukti.jpg", size=(800, 600))
    resolve = panel(pupr, "Selesaikan")
    resolve.get_by_label("Tanggapan penyelesaian").fill("Lubang sudah ditambal.")
    resolve.get_by_label("Foto bukti penyelesaian").set_input_files(
        files=[{"name": proof.name, "mimeType": "image/jpeg", "buffer": proof.read()}]
    )
    resolve.get_by_role("button", name="Tandai selesai").click()

    expect(pupr.get_by_role("status")).to_contain_text("Laporan ditandai selesai ditangani.")
    expect(pupr.locator(".status")).to_have_text("Selesai ditangani")
    expect(pupr.get_by_role("img", name="Foto bukti penyelesaian 1")).to_be_visible()
    report.refresh_from_db()
    assert report.status == Status.RESOLVED and report.assigned_to == budi
    assert Report.objects.get(pk=report.pk).photos.filter(kind="proof").count() == 1
    pupr.context.close()
