"""GET /api/v1/certificates/<number>/verify: the verification page's answer, for apps and third parties."""

import base64
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.urls import reverse

from certificates import actions
from certificates.models import Certificate
from certificates.tests.conftest import NUMBER

URL = f"/api/v1/certificates/{NUMBER}/verify"


def test_a_valid_certificate_answers_its_status_and_content_without_login(certificate, client):
    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid"
    assert body["status_label"] == "Asli dan berlaku"
    assert "asli dan berlaku" in body["message"]
    content = body["certificate"]
    assert content["number"] == NUMBER
    assert content["title"] == "Surat Izin Usaha Perdagangan"
    assert content["holder_name"] == "Siti Aminah"
    assert content["fields"][0] == {"label": "Nama perusahaan", "value": "CV Sinar Jaya"}
    assert content["valid_until"] == certificate.valid_until.isoformat()
    assert content["revoked_at"] is None
    assert content["key_id"] == certificate.key_id
    assert "verification_code" not in content and certificate.verification_code not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_a_third_party_can_check_the_signature_offline_with_the_published_key(certificate, client):
    content = client.get(URL).json()["certificate"]
    public_key = serialization.load_pem_public_key(client.get(reverse("certificates:public_key")).content)

    # Raises InvalidSignature if the content or the signature were not what the city signed.
    public_key.verify(base64.b64decode(content["signature"]), content["signed_content"].encode("utf-8"))
    assert f'"number":"{NUMBER}"' in content["signed_content"]


def test_the_code_from_the_qr_code_is_checked(certificate, client):
    assert client.get(URL, {"kode": certificate.verification_code}).json()["status"] == "valid"

    body = client.get(URL, {"kode": "BUKANKODEYANGASLI"}).json()
    assert body["status"] == "invalid"
    assert body["status_label"] == "Tidak sah"
    assert body["certificate"]["number"] == NUMBER


def test_an_unknown_number_is_a_404_in_the_api_error_shape(certificate, client):
    response = client.get("/api/v1/certificates/DPMPTSP/SIUP/2026/000124/verify")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "unknown"
    assert "DPMPTSP/SIUP/2026/000124 tidak terdaftar" in error["message"]


def test_a_revoked_certificate_answers_the_date_and_reason(certificate, rina, client):
    actions.do_revoke_certificate(rina, certificate, "Usaha tidak lagi beroperasi.")

    body = client.get(URL).json()
    assert body["status"] == "revoked"
    assert body["certificate"]["revoked_reason"] == "Usaha tidak lagi beroperasi."
    assert body["certificate"]["revoked_at"] is not None
    assert "Alasan: Usaha tidak lagi beroperasi." in body["message"]


def test_a_tampered_record_is_invalid_without_content(certificate, client):
    Certificate.objects.filter(pk=certificate.pk).update(fields=[["Nama perusahaan", "CV Palsu"]])

    body = client.get(URL).json()
    assert body["status"] == "invalid"
    assert body["certificate"] is None


def test_an_overlong_code_is_a_400_with_a_message(certificate, client):
    response = client.get(URL, {"kode": "x" * 65})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["kode"] == ["Kode verifikasi terlalu panjang."]


@pytest.mark.parametrize(
    "number",
    ["A" * 5000, quote("日本語"), quote("DPMPTSP/SIUP/2026/٠٠٠١٢٣"), "..%2F..%2Fetc", quote("<b>x</b>"), "%00", "a//b"],
)
def test_junk_numbers_answer_404_in_the_error_shape_never_a_500(certificate, client, number):
    response = client.get(f"/api/v1/certificates/{number}/verify")

    assert response.status_code == 404
    assert response.json()["error"]["code"] in {"unknown", "not_found"}


def test_only_reading_is_allowed(certificate, client):
    response = client.post(URL)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_endpoint_is_in_the_openapi_schema(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    assert "/api/v1/certificates/{number}/verify:" in schema
    assert "v1_certificates_verify" in schema
