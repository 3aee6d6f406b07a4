"""The issue's "done when", through the API only: Siti's SIUP from her phone to a verified certificate, and a
building permit (PBG) that goes through the technical OPD's survey and is issued once its retribusi is paid."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import PASSWORD, SITI_NIK
from notifications.models import Notification
from permits.tests.conftest import PBG_FORM, SIUP_FORM, image, pdf

pytestmark = pytest.mark.usefixtures("media")


def logged_in(login_id):
    """A mobile app: trade the login for a token, then send it with every request."""
    client = APIClient()
    response = client.post("/api/v1/auth/token", {"login_id": login_id, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def uploaded(client, file, name):
    response = client.post("/api/v1/permits/documents", {"file": file, "name": name}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def attach(client, application_id, requirement, document_id):
    response = client.post(
        f"/api/v1/permits/applications/{application_id}/documents",
        {"requirement": requirement, "document": document_id},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def verified(certificate):
    """What anybody scanning the QR code is told: the verification API with the code from the link."""
    code = parse_qs(urlparse(certificate["verification_url"]).query)["kode"][0]
    response = APIClient().get(f"/api/v1/certificates/{certificate['number']}/verify", {"kode": code})
    assert response.status_code == 200, response.content
    return response.json()


def test_sitis_siup_is_returned_for_a_missing_document_resubmitted_approved_signed_and_verified(siti, fajar, rahmat):
    siti_app, fajar_app, rahmat_app = logged_in(SITI_NIK), logged_in(fajar.login_id), logged_in(rahmat.login_id)
    year = timezone.localdate().year

    # Siti reads what a SIUP needs, starts a draft and uploads her documents once.
    catalogue = siti_app.get("/api/v1/permits/types").json()
    assert "siup" in [item["code"] for item in catalogue]
    siup_type = siti_app.get("/api/v1/permits/types/siup").json()
    needed = {
        doc["code"] for doc in siup_type["required_documents"] if doc["required"] and doc.get("applicant") != "company"
    }
    assert needed == {"ktp", "npwp", "pas_foto"}
    created = siti_app.post(
        "/api/v1/permits/applications", {"permit_type": "siup", "form_data": SIUP_FORM}, format="json"
    )
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["status"] == "draft" and draft["registration_number"] is None
    assert created["Location"].endswith(f"/api/v1/permits/applications/{draft['id']}")
    ktp = uploaded(siti_app, pdf("ktp-siti.pdf", "KTP Siti"), "KTP Siti")
    attach(siti_app, draft["id"], "ktp", ktp)
    photo = siti_app.post(
        f"/api/v1/permits/applications/{draft['id']}/documents",
        {"requirement": "pas_foto", "file": image("pas-foto.jpg"), "name": "Pas foto"},
        format="multipart",
    )
    assert photo.status_code == 200, photo.content

    # Her NPWP is missing: the submission says so, and nothing is numbered.
    refused = siti_app.post(f"/api/v1/permits/applications/{draft['id']}/submit")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"npwp": ["NPWP pemohon atau badan usaha belum dilampirkan."]}

    old_npwp = uploaded(siti_app, pdf("npwp.pdf", "NPWP lama 2015"), "NPWP")
    attach(siti_app, draft["id"], "npwp", old_npwp)
    submitted = siti_app.post(f"/api/v1/permits/applications/{draft['id']}/submit")
    assert submitted.status_code == 200, submitted.content
    number = submitted.json()["registration_number"]
    assert number == f"REG-{year}-000001" and submitted.json()["status"] == "submitted"
    assert Notification.objects.filter(user=siti, template="permit_submitted", channel="sms").exists()

    # Anybody can follow it by its number: step and status, no name.
    public = APIClient().get(f"/api/v1/permits/tracking/{number.lower()}")
    assert public.status_code == 200
    assert public.json()["step_name"] == "Verifikasi berkas oleh front office DPMPTSP"
    assert "Siti" not in public.content.decode() and "Toko" not in public.content.decode()

    # The front office takes it from its queue and asks for the current NPWP: the clock stops.
    queue = fajar_app.get("/api/v1/permits/officer/queue", {"unassigned": "true"}).json()
    assert [item["number"] for item in queue["results"]] == [number]
    assert fajar_app.post(f"/api/v1/permits/officer/applications/{number}/claim").status_code == 200
    returned = fajar_app.post(
        f"/api/v1/permits/officer/applications/{number}/request-documents",
        {"reason": "NPWP yang dilampirkan sudah tidak berlaku; lampirkan NPWP terbaru.", "requirements": ["npwp"]},
        format="json",
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "waiting_applicant"

    mine = siti_app.get(f"/api/v1/permits/applications/{draft['id']}").json()
    assert mine["status"] == "waiting_applicant" and mine["requested_documents"] == ["npwp"]
    step = mine["tracking"]["current_step"]
    assert step["paused"] is True and step["due_at"] is None
    assert step["holder"] == {"name": "Fajar Nugroho", "role": "officer", "role_label": "Petugas DPMPTSP"}
    assert [doc["code"] for doc in mine["documents"] if doc["requested"]] == ["npwp"]
    assert any("melengkapi berkas" in entry["text"] for entry in mine["tracking"]["timeline"])

    # Resubmitting the same NPWP is not what was asked; a new one is.
    same = siti_app.post(f"/api/v1/permits/applications/{draft['id']}/resubmit", {}, format="json")
    assert same.status_code == 400 and "npwp" in same.json()["error"]["fields"]
    attach(siti_app, draft["id"], "npwp", uploaded(siti_app, pdf("npwp-2024.pdf", "NPWP 2024"), "NPWP terbaru"))
    resumed = siti_app.post(
        f"/api/v1/permits/applications/{draft['id']}/resubmit", {"note": "NPWP terbaru terlampir."}, format="json"
    )
    assert resumed.status_code == 200, resumed.content
    assert resumed.json()["status"] == "in_review"
    assert resumed.json()["tracking"]["current_step"]["due_at"] is not None

    # The front office forwards it; the head of the DPMPTSP approves and signs; a free SIUP is issued at once.
    forwarded = fajar_app.post(
        f"/api/v1/permits/officer/applications/{number}/forward", {"note": "Berkas lengkap."}, format="json"
    )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["tracking"]["current_step"]["code"] == "persetujuan"
    head_queue = rahmat_app.get("/api/v1/permits/officer/queue").json()
    assert [item["number"] for item in head_queue["results"]] == [number]
    signed = rahmat_app.post(f"/api/v1/permits/officer/applications/{number}/approve-sign")
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "issued"

    # Siti downloads the PDF; its QR code's page says it is genuine and valid.
    issued = siti_app.get(f"/api/v1/permits/applications/{draft['id']}").json()
    certificate = issued["certificate"]
    assert certificate["number"] == f"DPMPTSP/SIUP/{year}/000001"
    assert [s["state"] for s in issued["tracking"]["steps"]] == ["done", "done"]
    download = siti_app.get(urlparse(certificate["download_url"]).path)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF")
    verification = verified(certificate)
    assert verification["status"] == "valid"
    assert verification["certificate"]["holder_name"] == "Siti Aminah"
    assert {"label": "Nama usaha/toko", "value": "Toko Sembako Siti"} in verification["certificate"]["fields"]
    assert {m.channel for m in Notification.objects.filter(user=siti, template="permit_issued")} == {"sms", "email"}

    # And she says how it went.
    survey = siti_app.post(
        f"/api/v1/permits/applications/{draft['id']}/survey",
        {**{f"u{n}": 4 for n in range(1, 10)}, "comment": "Cepat, selesai hari itu juga."},
        format="json",
    )
    assert survey.status_code == 201, survey.content
    assert siti_app.get(f"/api/v1/permits/applications/{draft['id']}").json()["survey_answered"] is True


def test_a_building_permit_is_surveyed_by_the_technical_opd_and_issued_once_its_retribusi_is_paid(
    siti, fajar, budi, hendra, rahmat, lina
):
    siti_app = logged_in(SITI_NIK)
    fajar_app, budi_app, hendra_app = logged_in(fajar.login_id), logged_in(budi.login_id), logged_in(hendra.login_id)
    rahmat_app, lina_app = logged_in(rahmat.login_id), logged_in(lina.login_id)

    draft = siti_app.post(
        "/api/v1/permits/applications", {"permit_type": "pbg", "form_data": PBG_FORM}, format="json"
    ).json()
    for requirement in ("ktp", "sertifikat_tanah", "kkpr", "rencana_teknis", "pbb"):
        attach(
            siti_app, draft["id"], requirement, uploaded(siti_app, pdf(f"{requirement}.pdf", requirement), requirement)
        )
    submitted = siti_app.post(f"/api/v1/permits/applications/{draft['id']}/submit").json()
    number = submitted["registration_number"]
    assert submitted["fee_amount"] == 1_200_000  # 120 m² × Rp10.000
    assert [s["opd"] for s in submitted["tracking"]["steps"]] == [
        "DPMPTSP",
        "Dinas PUPR",
        "Dinas PUPR",
        "Dinas PUPR",
        "DPMPTSP",
    ]

    def act(client, action, body=None, **options):
        response = client.post(f"/api/v1/permits/officer/applications/{number}/{action}", body or {}, **options)
        assert response.status_code == 200, response.content
        return response.json()

    act(fajar_app, "forward", {"note": "Berkas lengkap."}, format="json")
    act(budi_app, "claim")
    act(budi_app, "forward", {"findings": "Gambar arsitektur dan struktur sesuai SNI."}, format="json")
    act(budi_app, "claim")
    surveyed = act(
        budi_app,
        "forward",
        {"findings": "Bangunan sesuai gambar.", "photos": [image("depan.jpg"), image("samping.png", "PNG")]},
        format="multipart",
    )
    survey_record = surveyed["step_records"][2]
    assert survey_record["code"] == "survei_lapangan" and len(survey_record["photos"]) == 2
    photo = budi_app.get(urlparse(survey_record["photos"][0]["url"]).path)
    assert photo.status_code == 200
    act(hendra_app, "forward", {"note": "Direkomendasikan."}, format="json")
    approved = act(rahmat_app, "approve-sign")
    assert approved["status"] == "approved" and approved["certificate"] is None

    mine = siti_app.get(f"/api/v1/permits/applications/{draft['id']}").json()
    assert mine["outstanding_fee"] == 1_200_000 and number in mine["payment_instructions"]
    assert siti_app.get(f"/api/v1/permits/applications/{draft['id']}/certificate").status_code == 404

    # A wrong reference is rejected; the right one is confirmed by the BPKPAD and the permit is issued.
    paid = siti_app.post(
        f"/api/v1/permits/applications/{draft['id']}/payment", {"reference": "TRF-0001-SALAH"}, format="json"
    )
    assert paid.status_code == 200, paid.content
    act(lina_app, "reject-payment", {"reason": "Tidak ada di rekening koran."}, format="json")
    again = siti_app.post(
        f"/api/v1/permits/applications/{draft['id']}/payment", {"reference": "BSU 2026 1105 7788"}, format="json"
    ).json()
    assert [(p["reference"], p["status"]) for p in again["payments"]] == [
        ("BSU202611057788", "pending"),
        ("TRF-0001-SALAH", "failed"),
    ]
    issued = act(lina_app, "confirm-payment")
    assert issued["status"] == "issued"

    certificate = siti_app.get(f"/api/v1/permits/applications/{draft['id']}").json()["certificate"]
    download = siti_app.get(f"/api/v1/permits/applications/{draft['id']}/certificate")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert verified(certificate)["status"] == "valid"
