"""Bad input gets a clear error in Bahasa Indonesia, keyed by the field, and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from permits import actions
from permits.models import Application, Document, PermitType, RegistrationCounter, Status
from permits.tests.conftest import PBG_FORM, SIUP_FORM, draft, image, pdf, pdf_bytes, submitted, upload

pytestmark = pytest.mark.usefixtures("media")


def errors_of(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


# --- documents ------------------------------------------------------------------------------------


def test_a_submission_without_a_required_document_says_which_one(siti, city):
    application = draft(siti, city, documents=False)
    actions.do_attach_document(siti, application, "ktp", upload(siti))

    errors = errors_of(lambda: actions.do_submit(siti, application))

    assert errors == {
        "npwp": ["NPWP pemohon atau badan usaha belum dilampirkan."],
        "pas_foto": ["Pas foto berwarna 4×6 belum dilampirkan."],
    }
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.registration_number is None
    assert not RegistrationCounter.objects.exists()  # no number was used up


def test_a_word_document_is_not_accepted(siti):
    word = SimpleUploadedFile("ktp.docx", b"PK\x03\x04" + b"\x00" * 200)

    errors = errors_of(lambda: actions.do_upload_document(siti, word))

    assert errors == {
        "file": ["Berkas 'ktp.docx' bukan PDF, JPEG atau PNG. Unggah dokumen dalam salah satu format itu."]
    }
    assert not Document.objects.exists()


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(siti):
    fake = SimpleUploadedFile("ktp.pdf", b"<html><body>KTP</body></html>", content_type="application/pdf")

    errors = errors_of(lambda: actions.do_upload_document(siti, fake))

    assert errors == {
        "file": ["Berkas 'ktp.pdf' bernama PDF tetapi isinya bukan PDF. Simpan ulang dokumen sebagai PDF."]
    }


def test_a_cut_off_pdf_is_refused(siti):
    truncated = SimpleUploadedFile("akta.pdf", pdf_bytes()[:-20])

    assert "tidak utuh" in errors_of(lambda: actions.do_upload_document(siti, truncated))["file"][0]


def test_a_broken_photo_is_refused(siti):
    broken = SimpleUploadedFile("pas-foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50)

    assert "rusak atau tidak utuh" in errors_of(lambda: actions.do_upload_document(siti, broken))["file"][0]


def test_an_empty_file_is_refused(siti):
    assert errors_of(lambda: actions.do_upload_document(siti, SimpleUploadedFile("a.pdf", b""))) == {
        "file": ["Berkas 'a.pdf' kosong."]
    }


def test_an_oversized_file_is_refused_before_it_is_read(siti, settings):
    settings.PERMIT_DOCUMENT_MAX_BYTES = 1_000_000

    errors = errors_of(lambda: actions.do_upload_document(siti, pdf("gambar.pdf", padding=1_200_000)))

    assert errors == {"file": ["Berkas 'gambar.pdf' terlalu besar (1,2 MB); paling besar 1,0 MB."]}


def test_a_jpeg_named_pdf_is_kept_as_the_jpeg_it_is(siti):
    photo = image("scan.pdf")

    document = actions.do_upload_document(siti, photo)

    assert document.kind == "jpg" and document.content_type == "image/jpeg"
    assert not document.file.name.endswith(".pdf") and "scan" not in document.file.name


def test_a_requirement_takes_only_its_formats_and_size(siti, city):
    application = draft(siti, city, "pbg", form=PBG_FORM, documents=False)
    photo = upload(siti, "jpg")

    errors = errors_of(lambda: actions.do_attach_document(siti, application, "rencana_teknis", photo))
    assert errors["rencana_teknis"][0].startswith(
        "Dokumen rencana teknis: gambar arsitektur, struktur dan utilitas harus berformat PDF;"
    )
    big = actions.do_upload_document(siti, pdf("ktp-besar.pdf", padding=2_500_000))
    errors = errors_of(lambda: actions.do_attach_document(siti, application, "ktp", big))
    assert errors == {"ktp": ["KTP elektronik pemohon paling besar 2,0 MB; 'ktp-besar.pdf' 2,5 MB."]}


def test_only_the_applicant_s_own_documents_and_the_type_s_requirements_are_attached(siti, andi, city):
    application = draft(siti, city, documents=False)

    errors = errors_of(lambda: actions.do_attach_document(siti, application, "ktp", upload(andi)))
    assert errors == {"ktp": ["Pilih dokumen yang Anda unggah sendiri."]}
    errors = errors_of(lambda: actions.do_attach_document(siti, application, "ijazah", upload(siti)))
    assert errors == {"requirement": ["Persyaratan ini tidak ada pada jenis izin ini."]}


# --- the form -------------------------------------------------------------------------------------


MODAL = "Modal usaha (Rp), di luar tanah dan bangunan"


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"modal_usaha": "dua puluh juta"}, {"modal_usaha": [f"{MODAL} harus berupa angka."]}),
        ({"modal_usaha": -5}, {"modal_usaha": [f"{MODAL} paling sedikit 0."]}),
        ({"modal_usaha": "nan"}, {"modal_usaha": [f"{MODAL} harus berupa angka."]}),
        ({"modal_usaha": True}, {"modal_usaha": [f"{MODAL} harus berupa angka."]}),
        ({"kbli": "471110"}, {"kbli": ["Kode KBLI paling panjang 5 karakter."]}),
    ],
)
def test_wrong_answers_are_refused_even_in_a_draft(siti, city, answers, expected):
    siup = city.permit_types.get(code="siup")

    assert errors_of(lambda: actions.do_save_draft(siti, siup, form_data=answers)) == expected
    assert not Application.objects.exists()


def test_a_required_answer_may_wait_in_a_draft_but_not_at_submission(siti, city):
    application = draft(siti, city, form={**SIUP_FORM, "nama_usaha": " "})

    assert errors_of(lambda: actions.do_submit(siti, application)) == {"nama_usaha": ["Nama usaha/toko wajib diisi."]}


def test_choices_and_dates_are_checked(siti, city):
    pbg = city.permit_types.get(code="pbg")

    errors = errors_of(
        lambda: actions.do_save_draft(
            siti, pbg, form_data={"fungsi_bangunan": "Kandang", "rencana_mulai": "31-02-2026"}
        )
    )

    assert errors == {
        "fungsi_bangunan": ["Pilih Fungsi bangunan dari pilihan yang tersedia."],
        "rencana_mulai": ["Rencana mulai membangun: tanggal tidak valid (format TTTT-BB-HH)."],
    }


def test_numbers_written_the_indonesian_way_are_understood(siti, city):
    application = actions.do_save_draft(
        siti, city.permit_types.get(code="pbg"), form_data={"luas_lantai": "1.250,5", "jumlah_lantai": "2"}
    )

    assert application.form_data == {"luas_lantai": 1250.5, "jumlah_lantai": 2}


def test_answers_to_questions_the_form_does_not_ask_are_dropped(siti, city):
    application = actions.do_save_draft(
        siti, city.permit_types.get(code="siup"), form_data={"nama_usaha": "Toko", "status_admin": "disetujui"}
    )

    assert application.form_data == {"nama_usaha": "Toko"}


# --- who applies for what ---------------------------------------------------------------------------


def test_a_company_permit_needs_a_company_and_a_personal_permit_refuses_one(siti, city):
    company = actions.do_save_company(
        siti, name="CV Sinar Jaya", nib="1234567890123", npwp="01.234.567.8-901.000", address="Jl. Sudirman 12"
    )
    assert company.npwp == "012345678901000"

    errors = errors_of(lambda: actions.do_save_draft(siti, city.permit_types.get(code="tdg"), form_data={}))
    assert errors == {"company": ["Tanda Daftar Gudang (TDG) diajukan atas nama badan usaha; pilih badan usaha Anda."]}
    errors = errors_of(
        lambda: actions.do_save_draft(siti, city.permit_types.get(code="iumk"), form_data={}, company=company)
    )
    assert errors == {
        "company": ["Izin Usaha Mikro dan Kecil (IUMK) diajukan atas nama perorangan, bukan badan usaha."]
    }


def test_a_company_siup_needs_the_deed_a_personal_one_does_not(siti, city):
    company = actions.do_save_company(siti, name="CV Sinar Jaya", nib="1234567890123", address="Jl. Sudirman 12")
    personal = draft(siti, city)
    for_company = draft(siti, city, company=company)

    assert "akta" not in {a.requirement for a in personal.attachments.all()}
    assert "akta" in {a.requirement for a in for_company.attachments.all()}
    assert "pas_foto" not in {a.requirement for a in for_company.attachments.all()}
    actions.do_submit(siti, for_company)
    assert for_company.holder_name() == "CV Sinar Jaya"


def test_switching_a_draft_between_person_and_company_drops_what_no_longer_applies(siti, city):
    company = actions.do_save_company(siti, name="CV Sinar Jaya", nib="1234567890123", address="Jl. Sudirman 12")
    application = draft(siti, city, company=company)
    assert "akta" in {a.requirement for a in application.attachments.all()}

    actions.do_save_draft(siti, application.permit_type, form_data=SIUP_FORM, application=application)

    assert {a.requirement for a in application.attachments.all()} == {"ktp", "npwp"}
    assert errors_of(lambda: actions.do_submit(siti, application)) == {
        "pas_foto": ["Pas foto berwarna 4×6 belum dilampirkan."]
    }


def test_another_citizen_s_company_cannot_be_used(siti, andi, city):
    company = actions.do_save_company(andi, name="UD Andi", nib="9876543210987", address="Jl. Veteran 3")

    errors = errors_of(lambda: actions.do_save_draft(siti, city.permit_types.get(code="siup"), company=company))
    assert errors == {"company": ["Pilih badan usaha yang Anda daftarkan sendiri."]}


def test_company_numbers_are_checked(siti):
    errors = errors_of(lambda: actions.do_save_company(siti, name="", nib="12345", npwp="123", address=""))

    assert errors == {
        "name": ["Nama badan usaha wajib diisi."],
        "nib": ["NIB terdiri dari 13 angka (lihat dokumen NIB dari OSS)."],
        "npwp": ["NPWP terdiri dari 15 atau 16 angka."],
        "address": ["Alamat badan usaha wajib diisi."],
    }


def test_a_counter_only_permit_cannot_be_applied_for_online(siti, city):
    trayek = city.permit_types.get(code="izin-trayek")
    company = actions.do_save_company(siti, name="PT Angkot", nib="1234567890123", address="Jl. Sudirman 1")

    errors = errors_of(lambda: actions.do_save_draft(siti, trayek, form_data={}, company=company))
    assert errors == {"permit_type": ["Izin Trayek Angkutan Kota hanya dapat diajukan langsung di loket DPMPTSP."]}


def test_a_deactivated_permit_type_is_not_found(siti, city):
    PermitType.objects.filter(city=city, code="siup").update(active=False)

    with pytest.raises(Http404):
        actions.do_save_draft(siti, city.permit_types.get(code="siup"), form_data={})


def test_a_draft_whose_type_was_deactivated_cannot_be_submitted(siti, city):
    application = draft(siti, city)
    PermitType.objects.filter(city=city, code="siup").update(active=False)
    application.permit_type.refresh_from_db()

    with pytest.raises(Http404):
        actions.do_submit(siti, application)


# --- officers' reasons, findings and photos --------------------------------------------------------


def test_refusals_returns_and_requests_need_a_reason(siup, fajar):
    assert errors_of(lambda: actions.do_reject(fajar, siup, "  ")) == {"reason": ["Alasan penolakan wajib diisi."]}
    assert errors_of(lambda: actions.do_request_documents(fajar, siup, "")) == {
        "reason": ["Jelaskan kepada pemohon apa yang perlu dilengkapi."]
    }
    assert errors_of(lambda: actions.do_request_documents(fajar, siup, "KTP", ["ijazah"])) == {
        "requirements": ["Persyaratan tidak dikenal: ijazah."]
    }
    assert Application.objects.get(pk=siup.pk).status == Status.SUBMITTED


def test_a_review_step_is_forwarded_with_its_findings_and_photos_belong_to_surveys(siti, city, fajar, budi):
    pbg = submitted(siti, city, "pbg", form=PBG_FORM)
    errors = errors_of(lambda: actions.do_forward(fajar, pbg, photos=[image("lokasi.jpg")]))
    assert errors == {"photos": ["Foto hanya dilampirkan pada langkah survei lapangan."]}
    actions.do_forward(fajar, pbg)

    errors = errors_of(lambda: actions.do_forward(budi, pbg, note="Oke"))
    message = "Tuliskan hasil langkah 'Pemeriksaan dokumen rencana teknis oleh Dinas PUPR' sebelum meneruskan."
    assert errors == {"findings": [message]}
    actions.do_forward(budi, pbg, findings="Gambar sesuai SNI.")
    not_a_photo = SimpleUploadedFile("lokasi.jpg", b"bukan foto")
    assert "photos" in errors_of(lambda: actions.do_forward(budi, pbg, findings="Sesuai.", photos=[not_a_photo]))


def test_a_payment_reference_must_look_like_one(issued_siup):
    from permits.payments import ManualTransferBackend

    backend = ManualTransferBackend()
    assert backend.clean_reference(" trf 2026 0001 ") == "TRF20260001"
    for wrong in ("", "abc", "TRF;DROP TABLE", "x" * 70):
        with pytest.raises(ValidationError, match="Nomor referensi transfer"):
            backend.clean_reference(wrong)


def test_survey_answers_are_one_to_four_for_each_of_the_nine_elements(issued_siup, siti):
    answers = {f"u{n}": 4 for n in range(1, 10)} | {"u3": 5, "u7": "empat"}
    del answers["u9"]

    errors = errors_of(lambda: actions.do_answer_survey(siti, issued_siup, answers, comment="x" * 1001))

    assert set(errors) == {"u3", "u7", "u9", "comment"}
    assert errors["u3"] == ["Pilih salah satu jawaban (nilai 1 sampai 4)."]
