"""The certificate as PDF: a real PDF whose text says what the certificate says, with its QR code."""

import io

from pypdf import PdfReader

from certificates import actions
from certificates.dates import verification_url


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_a_real_pdf_with_the_certificate_s_content(certificate):
    data = actions.render_pdf(certificate)

    assert data.startswith(b"%PDF-")
    reader, text = pdf_text(data)
    assert len(reader.pages) == 1
    flat = " ".join(text.split())
    assert "DPMPTSP/SIUP/2026/000123" in flat
    assert "PEMERINTAH KOTA BINJAI" in flat
    assert "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KOTA BINJAI" in flat
    assert "SURAT IZIN USAHA PERDAGANGAN" in flat
    assert "Siti Aminah" in flat and "Pemilik CV Sinar Jaya" in flat
    assert "CV Sinar Jaya" in flat and "Modal usaha" in flat and "150000000" in flat
    assert "Ditandatangani secara elektronik" in flat
    assert "Rina Wati Harahap" in flat
    assert "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Binjai" in flat
    assert "Ditetapkan di Binjai" in flat
    assert certificate.verification_code in flat
    assert " ".join(certificate.key_id[i : i + 4] for i in range(0, 32, 4)) in flat
    assert "DICABUT" not in flat


def test_validity_is_written_the_indonesian_way(certificate):
    _, text = pdf_text(actions.render_pdf(certificate))

    flat = " ".join(text.split())
    assert f"Berlaku sejak {actions.indonesian_date(certificate.valid_from)} sampai dengan" in flat
    assert actions.indonesian_date(certificate.valid_until) in flat


def test_a_certificate_without_expiry_says_so(city, rina):
    from certificates.tests.conftest import issue

    certificate = issue(city, rina, number="DPMPTSP/TDG/2026/000001", valid_until=None)

    _, text = pdf_text(actions.render_pdf(certificate))
    assert "tanpa batas waktu" in " ".join(text.split())


def test_the_pdf_carries_one_qr_code_image_for_the_verification_link(certificate, settings):
    reader, _ = pdf_text(actions.render_pdf(certificate))

    assert len(reader.pages[0].images) == 1
    assert verification_url(certificate) == (
        f"{settings.SITE_URL}/verifikasi/DPMPTSP/SIUP/2026/000123?kode={certificate.verification_code}"
    )


def test_a_revoked_certificate_s_pdf_says_it_is_revoked(certificate, rina):
    actions.do_revoke_certificate(rina, certificate, "Usaha tidak lagi beroperasi.")

    _, text = pdf_text(actions.render_pdf(certificate))
    assert "DICABUT pada" in " ".join(text.split())
