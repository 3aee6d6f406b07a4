"""The e-Perizinan API for officers: the work queue, the case file and every move, with who may not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from certificates.actions import verify
from core.testing import api_client as api
from core.testing import api_error as error
from permits import actions
from permits.models import Payment, Status, StepPhoto
from permits.tests.conftest import image, submitted
from permits.tests.test_api import content

pytestmark = pytest.mark.usefixtures("media")


def officer_url(application, suffix=""):
    return f"/api/v1/permits/officer/applications/{application.registration_number}{suffix}"


def act(user, application, action, body=None, **options):
    options.setdefault("format", "json")
    return api(user).post(officer_url(application, f"/{action}"), body or {}, **options)


def queue(user, **params):
    response = api(user).get("/api/v1/permits/officer/queue", params)
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["results"]]


@pytest.fixture
def pbg(siti, city, media):
    """Siti's building permit, just submitted: at the DPMPTSP front office; Dinas PUPR reviews it later."""
    return submitted(siti, city, "pbg")


# --- the work queue ---------------------------------------------------------------------------


def test_the_front_office_queue_holds_its_steps_nearest_deadline_first_and_others_see_theirs(
    siup, pbg, fajar, rahmat, budi
):
    assert queue(fajar) == [siup.registration_number, pbg.registration_number]
    assert queue(rahmat) == []  # the head's step comes last
    assert queue(budi) == []  # the technical OPD's turn comes after the front office

    actions.do_forward(fajar, pbg)

    assert queue(budi) == [pbg.registration_number]
    assert queue(fajar) == [siup.registration_number]


def test_the_queue_filters_mine_and_unassigned_and_pages_by_deadline(siup, pbg, fajar, gilang):
    actions.do_claim(gilang, pbg)

    assert queue(fajar, unassigned="true") == [siup.registration_number]
    assert queue(gilang, mine="true") == [pbg.registration_number]
    assert queue(fajar, mine="true") == []
    page = api(fajar).get("/api/v1/permits/officer/queue", {"size": 1}).json()
    assert [item["number"] for item in page["results"]] == [siup.registration_number]
    assert page["results"][0]["due_at"] and page["results"][0]["late"] is False
    following = api(fajar).get(page["next"].removeprefix("http://testserver")).json()
    assert [item["number"] for item in following["results"]] == [pbg.registration_number]
    assert following["results"][0]["holder"]["full_name"] == "Gilang Ramadhan"


def test_a_queue_page_costs_the_same_queries_however_many_applications_it_shows(siti, city, fajar, gilang):
    def queries_for_page():
        client = api(fajar)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/permits/officer/queue").status_code == 200
        return len(captured)

    for _ in range(2):
        actions.do_claim(gilang, submitted(siti, city, "siup"))
    few = queries_for_page()
    for _ in range(4):
        submitted(siti, city, "pbg")

    assert len(queue(fajar)) == 6
    assert queries_for_page() == few


def test_the_queue_refuses_both_filters_at_once_a_bad_cursor_citizens_and_strangers(siup, fajar, siti):
    both = api(fajar).get("/api/v1/permits/officer/queue", {"mine": "true", "unassigned": "true"})
    bad = api(fajar).get("/api/v1/permits/officer/queue", {"cursor": "rusak"})

    assert both.status_code == 400 and "filter" in error(both)["fields"]
    assert bad.status_code == 400 and "cursor" in error(bad)["fields"]
    assert api(siti).get("/api/v1/permits/officer/queue").status_code == 403
    assert api().get("/api/v1/permits/officer/queue").status_code == 401


def test_the_inspektorat_reads_every_queue_and_case_but_acts_on_none(siup, irma):
    assert queue(irma) == [siup.registration_number]
    assert api(irma).get(officer_url(siup)).status_code == 200

    response = act(irma, siup, "claim")

    assert response.status_code == 403
    assert error(response)["message"] == "Inspektorat hanya dapat membaca, tidak mengubah."


def test_the_command_center_sees_who_holds_each_permit_but_acts_on_none(siup, fajar, bayu):
    actions.do_claim(fajar, siup)

    listed = api(bayu).get("/api/v1/permits/officer/queue").json()["results"]

    assert [(item["number"], item["holder"]["full_name"]) for item in listed] == [
        (siup.registration_number, "Fajar Nugroho")
    ]
    assert act(bayu, siup, "forward").status_code == 403
    siup.refresh_from_db()
    assert siup.step_index == 0


# --- the case file ----------------------------------------------------------------------------


def test_the_officer_sees_the_whole_case_with_contact_documents_history_and_clock(siup, fajar):
    body = api(fajar).get(officer_url(siup)).json()

    assert body["applicant"] == {
        "name": "Siti Aminah",
        "nik": "1275********0002",
        "phone": "+6281234567801",
        "email": "siti@example.org",
    }
    assert [h["action"] for h in body["history"]] == ["permit.submitted"]
    assert [d["kind"] for d in body["deadlines"]] == ["permit.step.verifikasi"]
    assert {h["full_name"] for h in body["handlers"]} == {"Fajar Nugroho"}
    ktp = next(doc for doc in body["documents"] if doc["code"] == "ktp")
    file = api(fajar).get(ktp["url"].removeprefix("http://testserver"))
    assert file.status_code == 200 and content(file).startswith(b"%PDF")


def test_another_opds_officer_a_citizen_and_an_unknown_number_get_no_case(siup, budi, dewi, siti, andi):
    ktp = f"/api/v1/permits/applications/{siup.pk}/documents/ktp/file"
    for stranger in (budi, dewi):
        assert api(stranger).get(officer_url(siup)).status_code == 404
        assert api(stranger).get(ktp).status_code == 404
        assert act(stranger, siup, "claim").status_code == 404
    citizen = api(siti).get(officer_url(siup))
    assert citizen.status_code == 403 and error(citizen)["message"] == "Hanya untuk petugas."
    assert api(andi).get(ktp).status_code == 404
    unknown = api(budi).get("/api/v1/permits/officer/applications/REG-2020-000009")
    assert unknown.status_code == 404
    assert error(unknown)["message"] == "Permohonan REG-2020-000009 tidak ditemukan."
    siup.refresh_from_db()
    assert siup.status == Status.SUBMITTED and siup.holder is None


# --- moves and who may not make them ----------------------------------------------------------


def test_a_step_once_claimed_is_its_holders(siup, fajar, gilang):
    assert act(fajar, siup, "claim").json()["holder"]["full_name"] == "Fajar Nugroho"

    taken = act(gilang, siup, "claim")
    forwarded = act(gilang, siup, "forward")

    assert taken.status_code == 409 and error(taken)["message"] == "Langkah ini sudah ditangani Fajar Nugroho."
    assert forwarded.status_code == 403 and "sedang ditangani Fajar Nugroho" in error(forwarded)["message"]
    siup.refresh_from_db()
    assert siup.step_index == 0 and siup.holder == fajar


def test_acting_out_of_turn_is_refused(siup, fajar, rahmat):
    head_too_early = act(rahmat, siup, "approve-sign")
    front_office_signs = act(fajar, siup, "approve-sign")
    back_from_the_first_step = act(fajar, siup, "return", {"reason": "Cek ulang."})

    assert head_too_early.status_code == 403
    assert error(head_too_early)["message"].startswith("Langkah 'Verifikasi berkas oleh front office DPMPTSP'")
    assert front_office_signs.status_code == 409 and "langkah terakhir" in error(front_office_signs)["message"]
    assert (
        back_from_the_first_step.status_code == 409 and "langkah pertama" in error(back_from_the_first_step)["message"]
    )
    actions.do_forward(fajar, siup)
    assert act(fajar, siup, "forward").status_code == 403  # the head's step now
    siup.refresh_from_db()
    assert siup.status == Status.IN_REVIEW and siup.step_index == 1


def test_the_technical_opd_may_read_a_building_permit_but_not_act_at_the_front_office(pbg, budi):
    assert api(budi).get(officer_url(pbg)).status_code == 200

    response = act(budi, pbg, "claim")

    assert response.status_code == 403
    assert error(response)["message"] == (
        "Langkah 'Verifikasi berkas oleh front office DPMPTSP' dikerjakan oleh petugas DPMPTSP; "
        "Anda tidak dapat bertindak pada langkah ini."
    )


def test_a_step_is_assigned_to_a_colleague_of_the_same_opd_and_role_only(siup, fajar, gilang, budi, rahmat):
    assigned = act(fajar, siup, "assign", {"officer": gilang.pk})
    wrong_opd = act(gilang, siup, "assign", {"officer": budi.pk})
    wrong_role = act(gilang, siup, "assign", {"officer": rahmat.pk})
    nobody = act(gilang, siup, "assign", {"officer": 999999})

    assert assigned.status_code == 200 and assigned.json()["holder"]["full_name"] == "Gilang Ramadhan"
    assert wrong_opd.status_code == 400 and error(wrong_opd)["fields"]["officer"] == [
        "Pilih petugas aktif DPMPTSP yang mengerjakan langkah ini."
    ]
    assert wrong_role.status_code == 400
    assert nobody.status_code == 400 and error(nobody)["fields"]["officer"] == ["Petugas tidak ditemukan."]


def test_returns_rejections_and_requests_need_a_reason_and_known_requirements(siup, fajar):
    no_reason = act(fajar, siup, "reject", {"reason": "  "})
    unknown = act(fajar, siup, "request-documents", {"reason": "Lengkapi.", "requirements": ["surat_sakti"]})
    not_a_list = act(fajar, siup, "request-documents", {"reason": "Lengkapi.", "requirements": "npwp"})

    assert no_reason.status_code == 400 and error(no_reason)["fields"] == {"reason": ["Alasan penolakan wajib diisi."]}
    assert unknown.status_code == 400
    assert error(unknown)["fields"]["requirements"] == ["Persyaratan tidak dikenal: surat_sakti."]
    assert not_a_list.status_code == 400 and "requirements" in error(not_a_list)["fields"]
    siup.refresh_from_db()
    assert siup.status == Status.SUBMITTED


def test_a_rejected_application_moves_no_more(siup, siti, fajar):
    rejected = act(fajar, siup, "reject", {"reason": "KBLI tidak sesuai kegiatan usaha."})

    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "KBLI tidak sesuai kegiatan usaha."
    again = act(fajar, siup, "forward")
    assert again.status_code == 409 and "Ditolak" in error(again)["message"]
    assert api(siti).get(f"/api/v1/permits/applications/{siup.pk}").json()["status_label"] == "Ditolak"


def test_review_steps_need_findings_and_photos_belong_to_field_surveys(pbg, fajar, budi):
    photo_too_early = act(fajar, pbg, "forward", {"photos": [image()]}, format="multipart")
    actions.do_forward(fajar, pbg)
    without_findings = act(budi, pbg, "forward", {"note": "OK"})
    not_a_photo = act(budi, pbg, "forward", {"findings": "Sesuai.", "photos": ["teks"]}, format="multipart")

    assert photo_too_early.status_code == 400
    assert error(photo_too_early)["fields"]["photos"] == ["Foto hanya dilampirkan pada langkah survei lapangan."]
    assert without_findings.status_code == 400 and "findings" in error(without_findings)["fields"]
    assert not_a_photo.status_code == 400 and "photos" in error(not_a_photo)["fields"]
    assert not StepPhoto.objects.exists()


def test_a_survey_photo_is_seen_only_with_its_application(pbg, siti, city, fajar, budi, dewi):
    actions.do_forward(fajar, pbg)
    actions.do_forward(budi, pbg, findings="Gambar sesuai.")
    surveyed = act(budi, pbg, "forward", {"findings": "Lokasi sesuai.", "photos": [image()]}, format="multipart")
    photo = StepPhoto.objects.get()
    other = submitted(siti, city, "pbg")

    assert surveyed.status_code == 200, surveyed.content
    assert api(budi).get(officer_url(pbg, f"/photos/{photo.pk}")).status_code == 200
    assert api(budi).get(officer_url(other, f"/photos/{photo.pk}")).status_code == 404
    assert api(dewi).get(officer_url(pbg, f"/photos/{photo.pk}")).status_code == 404


def test_a_return_sends_the_application_back_with_the_reason(pbg, fajar, budi):
    actions.do_forward(fajar, pbg)

    returned = act(budi, pbg, "return", {"reason": "Gambar struktur belum diperiksa front office."})

    body = returned.json()
    assert returned.status_code == 200 and body["tracking"]["current_step"]["code"] == "verifikasi"
    assert body["tracking"]["current_step"]["holder"]["name"] == "Fajar Nugroho"
    assert body["step_records"][1]["outcome"] == "returned"


# --- payment and revocation -------------------------------------------------------------------


@pytest.fixture
def approved_pbg(pbg, fajar, budi, hendra, rahmat):
    actions.do_forward(fajar, pbg)
    actions.do_forward(budi, pbg, findings="Gambar sesuai.")
    actions.do_forward(budi, pbg, findings="Lokasi sesuai.")
    actions.do_forward(hendra, pbg)
    actions.do_approve_and_sign(rahmat, pbg)
    pbg.refresh_from_db()
    return pbg


def test_a_payment_is_confirmed_by_the_issuing_opd_or_finance_only_and_only_when_recorded(
    approved_pbg, siti, budi, fajar
):
    nothing_yet = act(fajar, approved_pbg, "confirm-payment")
    bad_reference = api(siti).post(
        f"/api/v1/permits/applications/{approved_pbg.pk}/payment", {"reference": "12"}, format="json"
    )
    actions.do_record_payment(siti, approved_pbg, "BSU202611057788")
    not_finance = act(budi, approved_pbg, "confirm-payment")
    foreign = act(fajar, approved_pbg, "confirm-payment", {"payment": 999999})

    assert nothing_yet.status_code == 409
    assert error(nothing_yet)["message"] == "Tidak ada pembayaran yang menunggu konfirmasi pada permohonan ini."
    assert bad_reference.status_code == 400 and "reference" in error(bad_reference)["fields"]
    assert not_finance.status_code == 403
    assert foreign.status_code == 400 and "payment" in error(foreign)["fields"]
    assert Payment.objects.get().status == Payment.Status.PENDING
    confirmed = act(fajar, approved_pbg, "confirm-payment")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "issued"
    assert confirmed.json()["payments"][0]["confirmed_by"] == "Fajar Nugroho"
    twice = act(fajar, approved_pbg, "confirm-payment", {"payment": Payment.objects.get().pk})
    assert twice.status_code == 409


def test_a_payment_is_rejected_with_a_reason(approved_pbg, siti, lina):
    actions.do_record_payment(siti, approved_pbg, "TRF-0001-SALAH")

    no_reason = act(lina, approved_pbg, "reject-payment")
    rejected = act(lina, approved_pbg, "reject-payment", {"reason": "Tidak ada di rekening koran."})

    assert no_reason.status_code == 400 and "reason" in error(no_reason)["fields"]
    assert rejected.status_code == 200 and rejected.json()["payments"][0]["status"] == "failed"
    mine = api(siti).get(f"/api/v1/permits/applications/{approved_pbg.pk}").json()
    assert mine["payments"][0]["failure_reason"] == "Tidak ada di rekening koran."


def test_only_the_head_of_the_issuing_opd_revokes_a_permit_with_a_reason(issued_siup, fajar, rahmat):
    officer = act(fajar, issued_siup, "revoke", {"reason": "Usaha tutup."})
    no_reason = act(rahmat, issued_siup, "revoke")

    assert officer.status_code == 403 and error(officer)["message"] == "Izin hanya dapat dicabut oleh Kepala DPMPTSP."
    assert no_reason.status_code == 400 and error(no_reason)["fields"] == {"reason": ["Alasan pencabutan wajib diisi."]}
    revoked = act(rahmat, issued_siup, "revoke", {"reason": "Usaha terbukti menjual barang terlarang."})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert verify(issued_siup.certificate.number).status == "revoked"
    public = APIClient().get(f"/api/v1/certificates/{issued_siup.certificate.number}/verify")
    assert public.json()["status"] == "revoked"
    again = act(rahmat, issued_siup, "revoke", {"reason": "Lagi."})
    assert again.status_code == 409 and error(again)["message"] == "Hanya izin yang sudah terbit yang dapat dicabut."


def test_a_forged_certificate_number_is_unknown(city):
    response = APIClient().get("/api/v1/certificates/DPMPTSP/SIUP/2026/999999/verify")

    assert response.status_code == 404 and error(response)["code"] == "unknown"
