"""The e-Perizinan API for the public and for applicants: catalogue, tracking, companies, documents, applications."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing import api_client as api
from core.testing import api_error as error
from permits import actions
from permits.models import Application, Company, Document, Status
from permits.tests.conftest import SIUP_FORM, draft, image, pdf, permit_type, upload

pytestmark = pytest.mark.usefixtures("media")


def application_url(application, suffix=""):
    return f"/api/v1/permits/applications/{application.pk}{suffix}"


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the catalogue ----------------------------------------------------------------------------


def test_anybody_browses_the_catalogue_with_fees_durations_and_counter_only_types(city):
    response = api().get("/api/v1/permits/types")

    assert response.status_code == 200
    types = {item["code"]: item for item in response.json()}
    assert len(types) >= 10
    assert types["siup"]["fee_text"].startswith("Gratis") and types["siup"]["sla"] == "24 jam kerja"
    assert types["keramaian"]["is_free"] is False
    assert types["izin-trayek"]["online"] is False
    assert types["pbg"]["technical_opd"]["code"] == "dinas-pupr"


def test_a_permit_type_shows_its_requirements_form_and_steps_with_their_deadlines(city):
    response = api().get("/api/v1/permits/types/siup")

    body = response.json()
    assert response.status_code == 200
    assert body["legal_basis"] and body["certificate_title"] == "Surat Izin Usaha Perdagangan"
    assert {field["code"] for field in body["form_fields"]} >= {"nama_usaha", "modal_usaha"}
    assert {"code": "akta", "applicant": "company"}.items() <= next(
        doc for doc in body["required_documents"] if doc["code"] == "akta"
    ).items()
    assert [(step["code"], step["opd"], step["deadline"]) for step in body["steps"]] == [
        ("verifikasi", "DPMPTSP", "8 jam kerja"),
        ("persetujuan", "DPMPTSP", "16 jam kerja"),
    ]


def test_an_unknown_or_deactivated_permit_type_is_not_found(city):
    kind = permit_type(city, "iumk")
    kind.active = False
    kind.save()

    for code in ("tidak-ada", "iumk"):
        response = api().get(f"/api/v1/permits/types/{code}")
        assert response.status_code == 404
        assert error(response)["message"] == "Jenis izin tidak ditemukan."
    assert "iumk" not in [item["code"] for item in api().get("/api/v1/permits/types").json()]


# --- public tracking --------------------------------------------------------------------------


def test_anybody_tracks_an_application_by_number_and_sees_only_its_step_and_status(siup, siti, fajar):
    actions.do_claim(fajar, siup)

    response = api().get(f"/api/v1/permits/tracking/{siup.registration_number.lower()}")

    assert response.status_code == 200
    assert response.json() == {
        "number": siup.registration_number,
        "status": "in_review",
        "status_label": "Sedang diproses",
        "step_name": "Verifikasi berkas oleh front office DPMPTSP",
        "since": response.json()["since"],
    }
    body = response.content.decode()
    for private in ("Siti", "Fajar", "Toko", siti.login_id, siti.phone):
        assert private not in body


def test_an_unknown_registration_number_is_not_found_with_a_clear_message(city):
    response = api().get("/api/v1/permits/tracking/REG-2020-000001")

    assert response.status_code == 404
    assert error(response)["message"] == "Nomor registrasi REG-2020-000001 tidak ditemukan. Periksa kembali nomornya."


def test_junk_and_nik_shaped_numbers_never_reach_the_tracking(city, siti):
    for junk in (siti.login_id, "bukan-nomor", "REG-2026-12"):
        response = api().get(f"/api/v1/permits/tracking/{junk}")
        assert response.status_code == 404
        assert error(response)["code"] == "not_found"


def test_a_draft_has_no_number_and_cannot_be_tracked(siti, city):
    draft(siti, city, "siup")

    assert api().get("/api/v1/permits/tracking/REG-2026-000001").status_code == 404


# --- companies --------------------------------------------------------------------------------


def test_siti_registers_and_updates_her_company_and_andi_does_not_see_it(siti, andi):
    created = api(siti).post(
        "/api/v1/permits/companies",
        {"name": "CV Maju Jaya", "nib": "1234 5678 90123", "npwp": "01.234.567.8-901.000", "address": "Jl. Tangsi 1"},
        format="json",
    )

    assert created.status_code == 201, created.content
    company = created.json()
    assert company["nib"] == "1234567890123" and company["npwp"] == "012345678901000"
    updated = api(siti).patch(
        f"/api/v1/permits/companies/{company['id']}", {"address": "Jl. Sudirman 2"}, format="json"
    )
    assert updated.status_code == 200
    assert updated.json()["address"] == "Jl. Sudirman 2" and updated.json()["name"] == "CV Maju Jaya"
    assert [c["id"] for c in api(siti).get("/api/v1/permits/companies").json()] == [company["id"]]
    assert api(andi).get("/api/v1/permits/companies").json() == []
    assert api(andi).get(f"/api/v1/permits/companies/{company['id']}").status_code == 404
    stolen = api(andi).patch(f"/api/v1/permits/companies/{company['id']}", {"name": "Milik Andi"}, format="json")
    assert stolen.status_code == 404
    assert Company.objects.get().name == "CV Maju Jaya"


def test_a_company_needs_its_thirteen_digit_nib_name_and_address(siti):
    response = api(siti).post("/api/v1/permits/companies", {"name": "", "nib": "123", "address": ""}, format="json")

    assert response.status_code == 400
    fields = error(response)["fields"]
    assert fields["nib"] == ["NIB terdiri dari 13 angka (lihat dokumen NIB dari OSS)."]
    assert set(fields) == {"name", "nib", "address"}
    assert not Company.objects.exists()


def test_officers_do_not_register_companies(fajar):
    response = api(fajar).post(
        "/api/v1/permits/companies", {"name": "CV X", "nib": "1234567890123", "address": "Jl. X"}, format="json"
    )

    assert response.status_code == 403


# --- documents --------------------------------------------------------------------------------


def test_siti_uploads_a_document_once_and_lists_only_hers(siti, andi):
    first = api(siti).post("/api/v1/permits/documents", {"file": pdf("ktp.pdf"), "name": "KTP"}, format="multipart")
    again = api(siti).post("/api/v1/permits/documents", {"file": pdf("ktp-lagi.pdf")}, format="multipart")
    upload(andi, "pdf")

    assert first.status_code == 201, first.content
    assert first.json()["kind"] == "pdf" and first.json()["name"] == "KTP"
    assert again.json()["id"] == first.json()["id"]  # the same content is kept once
    listed = api(siti).get("/api/v1/permits/documents").json()
    assert [d["id"] for d in listed["results"]] == [first.json()["id"]] and listed["next"] is None
    download = api(siti).get(f"/api/v1/permits/documents/{first.json()['id']}/file")
    assert download.status_code == 200 and content(download).startswith(b"%PDF")


def test_another_citizens_document_is_never_shown(siti, andi, fajar):
    document = upload(siti, "pdf")

    for user in (andi, fajar):
        response = api(user).get(f"/api/v1/permits/documents/{document.pk}/file")
        assert response.status_code == 404
        assert error(response)["message"] == "Dokumen tidak ditemukan."
    assert api(andi).get("/api/v1/permits/documents").json()["results"] == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("surat.docx", b"PK\x03\x04 word document", "bukan PDF, JPEG atau PNG"),
        ("ktp.pdf", b"MZ\x90\x00 not a pdf at all", "bernama PDF tetapi isinya bukan PDF"),
        ("kosong.pdf", b"", "kosong"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_with_a_clear_message(siti, name, data, message):
    file = SimpleUploadedFile(name, data, content_type="application/pdf")

    response = api(siti).post("/api/v1/permits/documents", {"file": file}, format="multipart")

    assert response.status_code == 400
    assert message in error(response)["fields"]["file"][0]
    assert not Document.objects.exists()


def test_an_upload_without_a_file_or_as_json_is_refused(siti):
    missing = api(siti).post("/api/v1/permits/documents", {"name": "KTP"}, format="multipart")
    as_json = api(siti).post("/api/v1/permits/documents", {"file": "JVBERi0="}, format="json")

    assert missing.status_code == 400 and error(missing)["fields"]["file"] == ["Pilih berkas."]
    assert as_json.status_code == 400
    assert error(as_json)["fields"]["file"] == ["Kirim berkas sebagai multipart/form-data."]


def test_officers_and_strangers_cannot_upload(fajar):
    assert api(fajar).post("/api/v1/permits/documents", {"file": pdf()}, format="multipart").status_code == 403
    assert api().post("/api/v1/permits/documents", {"file": pdf()}, format="multipart").status_code == 401


# --- drafts -----------------------------------------------------------------------------------


def test_a_draft_is_saved_without_everything_and_updated_answer_by_answer(siti, city):
    created = api(siti).post(
        "/api/v1/permits/applications",
        {"permit_type": "siup", "form_data": {"nama_usaha": "Toko Siti", "modal_usaha": "1.250.000"}},
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["form_data"] == {"nama_usaha": "Toko Siti", "modal_usaha": 1250000}
    assert [s["state"] for s in body["tracking"]["steps"]] == ["upcoming", "upcoming"]
    assert body["tracking"]["current_step"] is None
    application = Application.objects.get()
    updated = api(siti).patch(
        application_url(application), {"form_data": {"kbli": "47111", "nama_usaha": ""}}, format="json"
    )
    assert updated.status_code == 200
    assert updated.json()["form_data"] == {"modal_usaha": 1250000, "kbli": "47111"}


def test_a_draft_for_a_company_and_back_to_a_person(siti, city):
    company = actions.do_save_company(siti, name="CV Siti", nib="1234567890123", address="Jl. Tangsi 1")
    created = (
        api(siti)
        .post("/api/v1/permits/applications", {"permit_type": "siup", "company": company.pk}, format="json")
        .json()
    )

    assert created["company"]["id"] == company.pk
    assert "akta" in [doc["code"] for doc in created["documents"]]
    person = api(siti).patch(f"/api/v1/permits/applications/{created['id']}", {"company": None}, format="json").json()
    assert person["company"] is None and "akta" not in [doc["code"] for doc in person["documents"]]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"permit_type": "tidak-ada"}, "permit_type", "Jenis izin tidak dikenal; pilih dari katalog."),
        ({"permit_type": "izin-trayek"}, "permit_type", "hanya dapat diajukan langsung di loket"),
        ({"permit_type": "tdg"}, "company", "diajukan atas nama badan usaha"),
        ({"permit_type": "siup", "form_data": {"modal_usaha": "banyak"}}, "modal_usaha", "harus berupa angka"),
        ({"permit_type": "siup", "form_data": ["bukan", "objek"]}, "form_data", "berupa objek"),
        ({"permit_type": "siup", "company": "satu"}, "company", "Harus berupa angka."),
    ],
)
def test_a_bad_draft_is_refused_field_by_field(siti, city, body, field, message):
    response = api(siti).post("/api/v1/permits/applications", body, format="json")

    assert response.status_code == 400
    assert message in error(response)["fields"][field][0]
    assert not Application.objects.exists()


def test_another_citizens_company_cannot_be_applied_for(siti, andi, city):
    company = actions.do_save_company(andi, name="CV Andi", nib="1234567890123", address="Jl. Andi")

    response = api(siti).post(
        "/api/v1/permits/applications", {"permit_type": "siup", "company": company.pk}, format="json"
    )

    assert response.status_code == 400
    assert error(response)["fields"]["company"] == ["Pilih badan usaha yang Anda daftarkan sendiri."]


def test_officers_do_not_apply_for_permits(fajar, city):
    response = api(fajar).post("/api/v1/permits/applications", {"permit_type": "siup"}, format="json")

    assert response.status_code == 403
    assert "petugas tidak dapat" in error(response)["message"]
    assert not Application.objects.exists()


def test_a_submitted_application_is_no_longer_edited(siup, siti):
    response = api(siti).patch(application_url(siup), {"form_data": {"nama_usaha": "Toko Baru"}}, format="json")

    assert response.status_code == 409
    assert error(response)["message"] == "Hanya draf yang dapat diubah; permohonan ini sudah diajukan."
    siup.refresh_from_db()
    assert siup.form_data["nama_usaha"] == "Toko Sembako Siti"


def test_a_draft_is_the_applicants_alone(siti, andi, fajar, irma, city):
    application = draft(siti, city, "siup")

    for user in (andi, fajar, irma):
        assert api(user).get(application_url(application)).status_code == 404
        assert api(user).post(application_url(application, "/submit")).status_code == 404
        assert api(user).patch(application_url(application), {"form_data": {}}, format="json").status_code == 404
    assert api().get(application_url(application)).status_code == 401
    assert Application.objects.get().status == Status.DRAFT


def test_a_draft_is_deleted_but_a_submitted_application_is_not(siti, city):
    application = draft(siti, city, "siup")
    submitted = actions.do_submit(siti, draft(siti, city, "siup"))

    assert api(siti).delete(application_url(application)).status_code == 204
    refused = api(siti).delete(application_url(submitted))
    assert refused.status_code == 409
    assert "Hanya draf" in error(refused)["message"]
    assert list(Application.objects.all()) == [submitted]


# --- attachments ------------------------------------------------------------------------------


def test_documents_are_attached_from_the_library_or_uploaded_on_the_spot_and_detached(siti, city):
    application = draft(siti, city, "siup", documents=False)
    ktp = upload(siti, "pdf")

    attached = api(siti).post(
        application_url(application, "/documents"), {"requirement": "ktp", "document": ktp.pk}, format="json"
    )
    uploaded = api(siti).post(
        application_url(application, "/documents"),
        {"requirement": "pas_foto", "file": image("pas.png", "PNG"), "name": "Pas foto"},
        format="multipart",
    )

    assert attached.status_code == 200 and uploaded.status_code == 200, uploaded.content
    rows = {doc["code"]: doc for doc in uploaded.json()["documents"]}
    assert rows["ktp"]["document"]["id"] == ktp.pk
    assert rows["pas_foto"]["document"]["kind"] == "png" and rows["npwp"]["document"] is None
    file = api(siti).get(rows["ktp"]["url"].removeprefix("http://testserver"))
    assert file.status_code == 200 and content(file).startswith(b"%PDF")
    detached = api(siti).delete(application_url(application, "/documents/ktp"))
    assert detached.status_code == 200
    assert {doc["code"]: doc["document"] for doc in detached.json()["documents"]}["ktp"] is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"requirement": "pas_foto", "document": "pdf"}, "pas_foto", "harus berformat JPEG, PNG"),
        ({"requirement": "surat_sakti", "document": "pdf"}, "requirement", "tidak ada pada jenis izin ini"),
        ({"requirement": "ktp", "document": "andi"}, "document", "Pilih dokumen yang Anda unggah sendiri."),
        ({"requirement": "ktp"}, "document", "Pilih satu dokumen Anda atau unggah satu berkas baru."),
    ],
)
def test_a_wrong_attachment_is_refused(siti, andi, city, body, field, message):
    application = draft(siti, city, "siup", documents=False)
    documents = {"pdf": upload(siti, "pdf").pk, "andi": upload(andi, "pdf").pk}
    if "document" in body:
        body = {**body, "document": documents[body["document"]]}

    response = api(siti).post(application_url(application, "/documents"), body, format="json")

    assert response.status_code == 400
    assert message in error(response)["fields"][field][0]
    assert not application.attachments.exists()


def test_nothing_is_attached_to_or_detached_from_a_submitted_application(siup, siti):
    document = upload(siti, "pdf")

    attached = api(siti).post(
        application_url(siup, "/documents"), {"requirement": "ktp", "document": document.pk}, format="json"
    )
    detached = api(siti).delete(application_url(siup, "/documents/ktp"))

    assert attached.status_code == 409 and detached.status_code == 409
    assert siup.attachments.get(requirement="ktp").document != document


# --- submission and after ---------------------------------------------------------------------


def test_a_submission_without_a_required_document_names_it_and_gets_no_number(siti, city):
    application = draft(siti, city, "siup", documents=False)

    response = api(siti).post(application_url(application, "/submit"))

    assert response.status_code == 400
    fields = error(response)["fields"]
    assert set(fields) == {"ktp", "npwp", "pas_foto"}
    assert fields["pas_foto"] == ["Pas foto berwarna 4×6 belum dilampirkan."]
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.registration_number is None


def test_a_submission_with_missing_answers_names_them(siti, city):
    application = draft(siti, city, "siup", form={"nama_usaha": "Toko Siti"})

    response = api(siti).post(application_url(application, "/submit"))

    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"kbli", "barang_dagangan", "modal_usaha", "alamat_usaha"}


def test_submitting_twice_is_a_conflict(siup, siti):
    response = api(siti).post(application_url(siup, "/submit"))

    assert response.status_code == 409
    assert error(response) == {"code": "conflict", "message": "Permohonan ini sudah diajukan."}


def test_my_applications_are_mine_only_newest_first_in_pages(siti, andi, city):
    first = draft(siti, city, "siup", documents=False)
    second = draft(siti, city, "siup", documents=False)
    draft(andi, city, "siup", documents=False)

    page = api(siti).get("/api/v1/permits/applications", {"size": 1}).json()
    assert [item["id"] for item in page["results"]] == [second.pk]
    following = api(siti).get(page["next"].removeprefix("http://testserver")).json()
    assert [item["id"] for item in following["results"]] == [first.pk] and following["next"] is None
    assert api().get("/api/v1/permits/applications").status_code == 401
    bad = api(siti).get("/api/v1/permits/applications", {"cursor": "rusak"})
    assert bad.status_code == 400 and error(bad)["fields"]["cursor"] == ["Kursor halaman tidak valid."]


def test_siti_tracks_her_application_step_by_step_with_deadlines(siup, siti, fajar):
    actions.do_claim(fajar, siup)

    body = api(siti).get(application_url(siup)).json()

    current = body["tracking"]["current_step"]
    assert current["name"] == "Verifikasi berkas oleh front office DPMPTSP"
    assert current["holder"]["name"] == "Fajar Nugroho" and current["role_label"] == "Petugas DPMPTSP"
    assert current["since"] and current["due_at"] and current["paused"] is False
    assert [(s["state"], s["deadline"]) for s in body["tracking"]["steps"]] == [
        ("current", "8 jam kerja"),
        ("upcoming", "16 jam kerja"),
    ]
    assert [entry["text"][:20] for entry in body["tracking"]["timeline"]] == [
        "Permohonan Surat Izi",
        "Sedang diproses: Ver",
    ]
    assert "history" not in body and "applicant" not in body  # the officers' view only


def test_resubmitting_when_nothing_was_asked_is_a_conflict(siup, siti):
    response = api(siti).post(application_url(siup, "/resubmit"), {}, format="json")

    assert response.status_code == 409
    assert error(response)["message"] == "Permohonan ini tidak sedang menunggu kelengkapan dari Anda."


def test_siti_withdraws_before_the_decision_but_not_after(siup, siti, issued_siup):
    withdrawn = api(siti).post(application_url(siup, "/withdraw"), {"reason": "Usaha batal dibuka."}, format="json")
    late = api(siti).post(application_url(issued_siup, "/withdraw"), {}, format="json")

    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["tracking"]["current_step"] is None
    assert late.status_code == 409 and "tidak dapat dibatalkan lagi" in error(late)["message"]


def test_only_the_applicant_moves_the_application(siup, andi, fajar):
    assert api(andi).post(application_url(siup, "/withdraw"), {}, format="json").status_code == 404
    officer = api(fajar).post(application_url(siup, "/withdraw"), {}, format="json")
    assert officer.status_code == 403
    assert error(officer)["message"] == "Hanya pemohon yang dapat melakukan ini."
    siup.refresh_from_db()
    assert siup.status == Status.SUBMITTED


def test_a_payment_is_recorded_only_once_approved_and_with_a_real_looking_reference(siup, siti):
    early = api(siti).post(application_url(siup, "/payment"), {"reference": "BSU202611057788"}, format="json")

    assert early.status_code == 409
    assert error(early)["message"] == "Retribusi dibayar setelah permohonan disetujui."


def test_the_certificate_is_downloaded_by_its_holder_once_issued(siup, issued_siup, siti, andi):
    assert api(siti).get(application_url(siup, "/certificate")).status_code == 404
    assert api(andi).get(application_url(issued_siup, "/certificate")).status_code == 404

    response = api(siti).get(application_url(issued_siup, "/certificate"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    number = issued_siup.certificate.number.replace("/", "-")
    assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'


def test_the_survey_is_answered_once_after_issuance_with_nine_answers_from_one_to_four(siup, issued_siup, siti):
    early = api(siti).post(application_url(siup, "/survey"), {f"u{n}": 3 for n in range(1, 10)}, format="json")
    bad = api(siti).post(
        application_url(issued_siup, "/survey"), {**{f"u{n}": 3 for n in range(1, 9)}, "u9": 7}, format="json"
    )
    answered = api(siti).post(
        application_url(issued_siup, "/survey"),
        {**{f"u{n}": 3 for n in range(1, 10)}, "comment": "Baik"},
        format="json",
    )
    twice = api(siti).post(application_url(issued_siup, "/survey"), {f"u{n}": 4 for n in range(1, 10)}, format="json")

    assert early.status_code == 409 and "setelah izin terbit" in error(early)["message"]
    assert bad.status_code == 400 and error(bad)["fields"] == {"u9": ["Pilih salah satu jawaban (nilai 1 sampai 4)."]}
    assert answered.status_code == 201 and answered.json()["u1"] == 3 and answered.json()["comment"] == "Baik"
    assert twice.status_code == 409 and "sudah mengisi survei" in error(twice)["message"]


def test_every_api_error_keeps_the_one_shape_and_never_leaks_a_500(siti, city):
    application = draft(siti, city, "siup")
    for method, path, body in [
        ("patch", application_url(application), {"form_data": "teks"}),
        ("post", application_url(application, "/documents"), {"requirement": "ktp", "document": 999999}),
        ("post", "/api/v1/permits/applications", {}),
        ("post", application_url(application, "/survey"), {"u1": "x"}),
        ("get", "/api/v1/permits/applications/999999", None),
    ]:
        response = getattr(api(siti), method)(path, body, format="json")
        assert response.status_code in (400, 404, 409), (path, response.status_code)
        assert set(error(response)) >= {"code", "message"}
    assert Application.objects.get().form_data == SIUP_FORM  # nothing was half-written
