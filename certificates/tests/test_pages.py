"""The public verification pages: anyone, without logging in, by number or by the QR code's link."""

from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from django.urls import reverse

from certificates import actions
from certificates.keys import key_id, new_private_key
from certificates.models import Certificate
from certificates.tests.conftest import NUMBER
from portal.tests.test_accessibility import structure

FORM = reverse("certificates:form")
PAGE = f"/verifikasi/{NUMBER}"


def text(response):
    return " ".join(unescape(response.content.decode()).split())


def test_the_form_page_is_public_and_accessible(city, client):
    response = client.get(FORM)

    assert response.status_code == 200
    page = structure(response)
    assert page.html_lang == "id"
    assert {"id_nomor", "id_kode"} <= set(page.inputs)
    assert all(input_id in page.label_for for input_id in page.inputs)
    assert "Verifikasi sertifikat" in text(response)
    assert response["Cache-Control"] == "no-store"


def test_the_form_leads_to_the_certificate_s_page(certificate, client):
    response = client.get(FORM, {"nomor": " dpmptsp/siup/2026/000123 "})

    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_a_code_typed_in_the_form_travels_with_the_number(certificate, client):
    response = client.get(FORM, {"nomor": NUMBER, "kode": certificate.verification_code})

    assert response["Location"] == f"{PAGE}?kode={certificate.verification_code}"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Tuliskan nomor sertifikat."),
        ("DPMPTSP SIUP 2026", "Nomor sertifikat hanya berisi huruf, angka"),
        ("<script>alert(1)</script>", "Nomor sertifikat hanya berisi huruf, angka"),
        ("日本/2026", "Nomor sertifikat hanya berisi huruf, angka"),
        ("A" * 5000, "Nomor sertifikat paling panjang 100 karakter."),
    ],
)
def test_junk_in_the_form_is_answered_with_a_message_on_the_form(city, client, number, message):
    response = client.get(FORM, {"nomor": number})

    assert response.status_code == 200
    assert message in text(response)
    assert 'role="alert"' in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_valid_certificate_s_page_shows_what_the_genuine_certificate_says(certificate, client):
    response = client.get(PAGE)

    assert response.status_code == 200
    body = text(response)
    assert "Asli dan berlaku" in body
    for expected in [
        "Surat Izin Usaha Perdagangan",
        NUMBER,
        "Siti Aminah",
        "Pemilik CV Sinar Jaya",
        "Alamat usaha",
        "Jl. Sudirman No. 12, Kel. Tangsi, Kec. Binjai Kota",
        "Rina Wati Harahap",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Binjai",
        actions.indonesian_date(certificate.valid_until),
        certificate.key_id,
        certificate.signature,
    ]:
        assert expected in body, expected
    assert certificate.verification_code not in body  # the code is the paper's proof, never shown by number
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_qr_link_with_its_code_says_genuine(certificate, client):
    response = client.get(PAGE, {"kode": certificate.verification_code})

    assert response.status_code == 200
    assert "Asli dan berlaku" in text(response)


def test_a_qr_link_with_another_code_says_not_genuine_and_shows_the_real_content(certificate, client):
    response = client.get(PAGE, {"kode": "ZZZZZZZZZZZZZZZZ"})

    assert response.status_code == 200
    body = text(response)
    assert "Tidak sah" in body and "Kode verifikasi pada kode QR tidak cocok" in body
    assert "Isi sertifikat yang asli" in body and "CV Sinar Jaya" in body


def test_an_unknown_number_says_so_with_404(certificate, client):
    response = client.get("/verifikasi/DPMPTSP/SIUP/2026/000124")

    assert response.status_code == 404
    body = text(response)
    assert "Tidak dikenal" in body
    assert "DPMPTSP/SIUP/2026/000124 tidak terdaftar" in body
    assert "Siti Aminah" not in body


def test_a_revoked_certificate_s_page_shows_the_date_and_reason(certificate, rina, client):
    actions.do_revoke_certificate(rina, certificate, "Usaha tidak lagi beroperasi.")

    response = client.get(PAGE, {"kode": certificate.verification_code})

    assert response.status_code == 200
    body = text(response)
    assert "Dicabut" in body
    assert "Usaha tidak lagi beroperasi." in body
    assert "Tanggal pencabutan" in body and actions.indonesian_date(actions.city_today()) in body


def test_an_expired_certificate_s_page_says_expired(certificate, client, monkeypatch):
    monkeypatch.setattr(
        "certificates.actions.city_today", lambda: certificate.valid_until + timedelta(days=1), raising=True
    )

    response = client.get(PAGE)

    assert response.status_code == 200
    assert "Kedaluwarsa" in text(response)


def test_a_tampered_record_s_page_says_not_genuine_and_shows_none_of_its_content(certificate, client):
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Andi Saputra")

    response = client.get(PAGE)

    assert response.status_code == 200
    body = text(response)
    assert "Tidak sah" in body and "tidak cocok dengan tanda tangan elektroniknya" in body
    assert "Andi Saputra" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/verifikasi/" + "A" * 5000,
        "/verifikasi/" + quote("DPMPTSP/SIUP/2026/٠٠٠١٢٣"),
        "/verifikasi/" + quote("日本語"),
        "/verifikasi/DPMPTSP//SIUP///2026/",
        "/verifikasi/../../etc/passwd",
        "/verifikasi/%00",
        "/verifikasi/%0A",
        "/verifikasi/" + quote("<script>alert(1)</script>"),
        "/verifikasi/" + quote("' OR 1=1 --"),
        f"/verifikasi/{NUMBER}?kode=" + "x" * 5000,
        f"/verifikasi/{NUMBER}?kode=%00",
        f"/verifikasi/{NUMBER}?kode={quote('✓✓✓')}",
    ],
)
def test_junk_addresses_answer_clearly_never_a_500(certificate, client, path):
    response = client.get(path)

    assert response.status_code in {200, 404}
    if response.status_code == 200:
        assert "Tidak sah" in text(response)
    else:
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_pages_need_no_login_and_refuse_writes(certificate, client):
    assert client.post(PAGE).status_code == 405
    assert client.post(FORM, {"nomor": NUMBER}).status_code == 405


def test_the_public_key_is_published_as_pem(certificate, client, settings):
    response = client.get(reverse("certificates:public_key"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-pem-file")
    public = serialization.load_pem_public_key(response.content)
    assert key_id(public) == key_id(settings.CERTIFICATE_KEY) == certificate.key_id
    assert b"PRIVATE" not in response.content


def test_retired_public_keys_are_published_after_the_key_in_force(city, client, settings):
    retired = settings.CERTIFICATE_KEY.public_key()
    settings.CERTIFICATE_KEY = new_private_key()
    settings.CERTIFICATE_RETIRED_KEYS = [retired]

    text = client.get(reverse("certificates:public_key")).content.decode("ascii")

    blocks = ["-----BEGIN PUBLIC KEY-----" + block for block in text.split("-----BEGIN PUBLIC KEY-----")[1:]]
    published = [key_id(serialization.load_pem_public_key(block.encode("ascii"))) for block in blocks]
    assert published == [key_id(settings.CERTIFICATE_KEY), key_id(retired)]
