"""The e-Perizinan journey of issue 4 in a real browser: a new resident registers and applies for a SIUP with
its documents; the DPMPTSP front office asks for a missing document (the step clock pauses); she adds it and
sends the application back; the front office forwards it, the head of the DPMPTSP approves and signs it; she
downloads the certificate PDF, and the page its QR code opens says the certificate is genuine and valid."""

import io
import re
from urllib.parse import urlsplit

import pytest
import segno
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.tests.test_browser_journey import RINA_NIK, register_and_verify
from certificates.dates import verification_url
from deadlines.models import Deadline
from permits.models import Application, Status
from permits.tests.conftest import image, pdf_bytes
from portal.tests.browser import log_in, logged_in_tab, new_tab

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("media")]

SIUP = {
    "Nama usaha/toko (wajib)": "Toko Sembako Rina",
    "Kode KBLI (wajib)": "47111",
    "Barang/jasa dagangan utama (wajib)": "Beras, gula, minyak goreng",
    "Modal usaha (Rp), di luar tanah dan bangunan (wajib)": "25.000.000",
    "Alamat tempat usaha (wajib)": "Jl. Samanhudi No. 8, Kel. Tangsi, Binjai Kota",
}


def file_payload(name, data, mime):
    return {"name": name, "mimeType": mime, "buffer": data}


def jpeg(name, colour):
    return file_payload(name, image(name, "JPEG", colour).read(), "image/jpeg")


def upload(scope, requirement, payload):
    scope.get_by_label(f"{requirement}: atau unggah berkas baru").set_input_files(files=[payload])


def register_and_log_in(page):
    """Rina registers with her NIK and verifies her phone, then finds the SIUP in the catalogue and logs in."""
    register_and_verify(page, RINA_NIK)

    page.goto("/izin/")
    page.get_by_role("link", name="Surat Izin Usaha Perdagangan (SIUP)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Surat Izin Usaha Perdagangan")
    page.get_by_role("link", name="Masuk untuk mengajukan").click()
    log_in(page, RINA_NIK)
    expect(page).to_have_url(re.compile(r"/izin/siup/ajukan/$"))


def apply_for_a_siup(page):
    """Fill in the form, forget the pas foto once (told what is missing), then add it and submit."""
    for label, value in SIUP.items():
        page.get_by_label(label, exact=True).fill(value)
    upload(page, "KTP elektronik pemohon", file_payload("ktp.pdf", pdf_bytes("KTP Rina"), "application/pdf"))
    upload(page, "NPWP pemohon atau badan usaha", file_payload("npwp.pdf", pdf_bytes("NPWP Rina"), "application/pdf"))
    page.get_by_role("button", name="Ajukan permohonan").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Pas foto berwarna 4×6 belum dilampirkan.")
    expect(page.get_by_text("Draf tersimpan, tetapi belum dapat diajukan.")).to_be_visible()
    # The two PDFs went into "Dokumen saya" and stay picked for their requirements.
    upload(page, "Pas foto berwarna 4×6", jpeg("pas-foto.jpg", (200, 40, 40)))
    page.get_by_role("button", name="Ajukan permohonan").click()

    expect(page).to_have_url(re.compile(r"/izin/saya/REG-\d{4}-\d{6}/$"))
    number = re.search(r"REG-\d{4}-\d{6}", page.url).group(0)
    expect(page.get_by_role("status")).to_contain_text(f"diajukan dengan nomor registrasi {number}")
    expect(page.locator("#judul-sekarang")).to_have_text("Posisi sekarang: Verifikasi berkas oleh front office DPMPTSP")
    return number


def officer_tab(browser, live_server, officer):
    """A fresh tab without JavaScript, logged in through the login form with the officer's NIP."""
    return logged_in_tab(browser, live_server, officer, "/petugas/izin/", javascript=False)


def panel(tab, title):
    return tab.locator("form", has=tab.get_by_role("heading", name=title, exact=True))


def test_a_new_resident_gets_a_siup_through_a_documents_request_and_its_qr_code_verifies_it_as_valid(
    city, page, browser, live_server, request_log, fajar, rahmat
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    register_and_log_in(page)
    number = apply_for_a_siup(page)
    application = Application.objects.get(registration_number=number)
    assert application.status == Status.SUBMITTED and application.applicant.login_id == RINA_NIK
    assert sorted(application.attachments.values_list("requirement", flat=True)) == ["ktp", "npwp", "pas_foto"]

    # The front office takes it from the DPMPTSP queue and asks for the shop photo that was left out.
    front_office = officer_tab(browser, live_server, fajar)
    front_office.get_by_role("link", name=number).click()
    panel(front_office, "Ambil langkah ini").get_by_role("button", name="Ambil").click()
    expect(front_office.get_by_role("status")).to_contain_text("Langkah ini sekarang Anda tangani.")
    request = panel(front_office, "Minta kelengkapan dari pemohon")
    request.get_by_label("Yang perlu dilengkapi").fill("Lampirkan foto tempat usaha tampak depan, papan nama terlihat.")
    request.get_by_label("Foto tempat usaha tampak depan").check()
    request.get_by_role("button", name="Kirim permintaan").click()
    expect(front_office.get_by_role("status")).to_contain_text("Permintaan kelengkapan dikirim kepada pemohon")
    application.refresh_from_db()
    assert application.status == Status.WAITING_APPLICANT and application.requested_documents == ["foto_tempat_usaha"]
    assert Deadline.objects.for_case(application).get(kind="permit.step.verifikasi").state == "paused"

    # Rina sees what is asked, adds the photo and sends the application back: the clock runs again.
    page.reload()
    asked = page.locator("section", has=page.get_by_role("heading", name="Petugas meminta Anda melengkapi berkas"))
    expect(asked).to_contain_text("Lampirkan foto tempat usaha tampak depan, papan nama terlihat.")
    expect(asked).to_contain_text("Dokumen yang diminta: Foto tempat usaha tampak depan.")
    upload(asked, "Foto tempat usaha tampak depan", jpeg("toko.jpg", (30, 120, 60)))
    asked.get_by_role("button", name="Kirim ulang permohonan").click()
    expect(page.get_by_role("status")).to_contain_text("Berkas terkirim.")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and application.holder == fajar
    assert Deadline.objects.for_case(application).get(kind="permit.step.verifikasi").state == "running"

    front_office.reload()
    panel(front_office, "Teruskan ke langkah berikutnya").get_by_label("Catatan untuk langkah berikutnya").fill(
        "Berkas lengkap, foto tempat usaha sesuai."
    )
    panel(front_office, "Teruskan ke langkah berikutnya").get_by_role("button", name="Teruskan").click()
    expect(front_office.get_by_role("status")).to_contain_text("Permohonan diteruskan ke langkah berikutnya.")
    front_office.context.close()

    # The head of the DPMPTSP approves and signs from his own queue; a SIUP has no retribusi, so it is issued.
    head = officer_tab(browser, live_server, rahmat)
    head.get_by_role("link", name=number).click()
    panel(head, "Setujui dan tandatangani").get_by_role("button", name="Setujui dan tandatangani").click()
    expect(head.get_by_role("status")).to_contain_text("Permohonan disetujui dan ditandatangani.")
    head.context.close()
    application.refresh_from_db()
    certificate = application.certificate
    assert application.status == Status.ISSUED and certificate.signer == rahmat

    # Rina downloads the certificate PDF from her application's page.
    page.reload()
    expect(page.locator(".status").first).to_have_text("Izin terbit")
    expect(page.locator("#judul-sertifikat")).to_have_text("Surat Izin Usaha Perdagangan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh sertifikat (PDF)").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    pdf = PdfReader(io.BytesIO(data))
    text = " ".join(pdf_page.extract_text() for pdf_page in pdf.pages)
    for printed in (certificate.number, "Toko Sembako Rina", "Rina Marlina", certificate.verification_code):
        assert printed in text, printed

    # The QR code on the paper encodes the verification page with the certificate's code ...
    link = verification_url(certificate)
    assert f"?kode={certificate.verification_code}" in link
    assert any(qr_matches(picture.image, link) for pdf_page in pdf.pages for picture in pdf_page.images)
    # ... which anyone can open without logging in: genuine and valid, with what the paper must say.
    public = new_tab(browser, live_server)
    parts = urlsplit(link)
    public.goto(f"{parts.path}?{parts.query}")
    verdict = public.get_by_role("status", name="Asli dan berlaku")
    expect(verdict.get_by_role("heading", level=2)).to_have_text("Asli dan berlaku")
    expect(verdict).to_contain_text("Kode verifikasi dari kode QR cocok.")
    expect(public.locator("main")).to_contain_text("Toko Sembako Rina")
    expect(public.locator("main")).to_contain_text(certificate.number)
    public.context.close()

    page.wait_for_load_state("networkidle")
    assert request_log.foreign() == []
    assert errors == []


def qr_matches(picture, link):
    """Does an image from the PDF show the QR code of `link` (segno's rendering, as certificates.pdf makes it)?"""
    expected = Image.open(io.BytesIO(_qr_png(link))).convert("L")
    found = picture.convert("L")
    if found.size != expected.size:
        return False
    return found.tobytes() == expected.tobytes()


def _qr_png(link):
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()
