"""The applicant's web pages of e-Perizinan, through the Django test client.

Siti applies for a SIUP in the browser (documents uploaded with the form, or taken from "Dokumen saya"),
answers a request for documents, gets her certificate and answers the survey; Andi must never see any of
it; bad input comes back as form errors next to the field, and a draft is never submitted by saving it.
"""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from conftest import make_officer, opd
from permits import actions
from permits.models import Application, Company, Document, Payment, Status, SurveyResponse
from permits.tests.conftest import SIUP_FORM, draft, image, issue, pdf, pdf_bytes, submitted, upload
from portal.tests.test_accessibility import structure

pytestmark = pytest.mark.usefixtures("media")


def html(response):
    return response.content.decode()


def siup_post(action="submit", **overrides):
    """The SIUP form as Siti fills it as a person, with her three required documents uploaded."""
    data = {"applicant": "person", "action": action}
    data.update({f"isian_{code}": str(value) for code, value in SIUP_FORM.items()})
    data.update(
        berkas_ktp=pdf("ktp.pdf", "KTP Siti"),
        berkas_npwp=pdf("npwp.pdf", "NPWP Siti"),
        berkas_pas_foto=image("pas-foto.jpg"),
    )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def apply_siup(client, **overrides):
    return client.post(reverse("permits:apply", args=["siup"]), siup_post(**overrides))


def error_summary(response):
    match = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', html(response), re.S)
    return unescape(match.group(1)) if match else ""


def assert_accessible(response):
    page = structure(response)
    assert page.html_lang == "id"
    assert all(input_id in page.label_for for input_id in page.inputs), page.inputs


@pytest.fixture
def siti_client(client, siti):
    client.force_login(siti)
    return client


# --- Who may open what ---------------------------------------------------------------------------


APPLICANT_PAGES = ["permits:mine", "permits:documents", "permits:companies"]


@pytest.mark.parametrize("name", APPLICANT_PAGES)
def test_applicant_pages_open_for_a_citizen(name, siti_client):
    response = siti_client.get(reverse(name))

    assert response.status_code == 200
    assert_accessible(response)


@pytest.mark.parametrize("name", APPLICANT_PAGES)
def test_applicant_pages_ask_a_visitor_to_log_in(name, client, city):
    response = client.get(reverse(name))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", APPLICANT_PAGES)
def test_officers_cannot_use_the_applicant_pages(name, client, fajar):
    client.force_login(fajar)

    response = client.get(reverse(name))

    assert response.status_code == 403
    assert "Petugas tidak dapat mengajukan" in html(response)


def test_officers_read_applications_on_their_own_pages_not_the_applicants(client, siti, city, fajar):
    application = submitted(siti, city, "siup")
    client.force_login(fajar)

    for name in ("permits:detail", "permits:withdraw", "permits:survey", "permits:certificate"):
        assert client.get(reverse(name, args=[application.registration_number])).status_code == 403, name
    assert client.post(reverse("permits:withdraw", args=[application.registration_number])).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_an_officer_cannot_apply(client, fajar):
    client.force_login(fajar)

    assert client.get(reverse("permits:apply", args=["siup"])).status_code == 403
    assert apply_siup(client).status_code == 403
    assert not Application.objects.exists()


def test_apply_asks_a_visitor_to_log_in(client, city):
    response = client.get(reverse("permits:apply", args=["siup"]))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_andi_sees_nothing_of_sitis_application_documents_or_company(client, siti, andi, city, fajar, rahmat):
    company = actions.do_save_company(siti, name="CV Siti Jaya", nib="1234567890123", address="Jl. Sudirman 1")
    waiting = submitted(siti, city, "siup")
    actions.do_request_documents(fajar, waiting, "KTP buram", ["ktp"])
    issued = issue(submitted(siti, city, "siup"), fajar, rahmat)
    sitis_draft = draft(siti, city, "siup", documents=False)
    document = Document.objects.filter(owner=siti).first()
    client.force_login(andi)

    gets = [
        reverse("permits:detail", args=[waiting.registration_number]),
        reverse("permits:detail", args=[issued.registration_number]),
        reverse("permits:certificate", args=[issued.registration_number]),
        reverse("permits:survey", args=[issued.registration_number]),
        reverse("permits:withdraw", args=[waiting.registration_number]),
        reverse("permits:draft", args=[sitis_draft.pk]),
        reverse("permits:draft_delete", args=[sitis_draft.pk]),
        reverse("permits:document_file", args=[document.pk]),
        reverse("permits:company_edit", args=[company.pk]),
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Siti" not in html(response) and "CV Siti Jaya" not in html(response)
    posts = [
        (reverse("permits:complete", args=[waiting.registration_number]), {"action": "resubmit"}),
        (reverse("permits:withdraw", args=[waiting.registration_number]), {}),
        (reverse("permits:pay", args=[waiting.registration_number]), {"reference": "TRF1234567"}),
        (reverse("permits:survey", args=[issued.registration_number]), {f"u{n}": "4" for n in range(1, 10)}),
        (reverse("permits:draft", args=[sitis_draft.pk]), siup_post(action="submit")),
        (reverse("permits:draft_detach", args=[sitis_draft.pk]), {"requirement": "ktp"}),
        (reverse("permits:draft_delete", args=[sitis_draft.pk]), {}),
        (reverse("permits:company_edit", args=[company.pk]), {"name": "Milik Andi", "nib": "1234567890123"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    sitis_draft.refresh_from_db()
    waiting.refresh_from_db()
    company.refresh_from_db()
    assert sitis_draft.status == Status.DRAFT and waiting.status == Status.WAITING_APPLICANT
    assert company.name == "CV Siti Jaya" and not SurveyResponse.objects.exists()
    mine = client.get(reverse("permits:mine"))
    assert waiting.registration_number not in html(mine) and issued.registration_number not in html(mine)
    assert "CV Siti Jaya" not in html(client.get(reverse("permits:companies")))
    library = html(client.get(reverse("permits:documents")))
    assert "Belum ada dokumen" in library and reverse("permits:document_file", args=[document.pk]) not in library


def test_andi_cannot_attach_sitis_document_or_apply_for_her_company(client, siti, andi, city):
    sitis_document = upload(siti, "pdf", name="ktp-siti.pdf")
    company = actions.do_save_company(siti, name="CV Siti Jaya", nib="1234567890123", address="Jl. Sudirman 1")
    client.force_login(andi)

    response = client.post(
        reverse("permits:apply", args=["siup"]),
        siup_post(applicant=f"company-{company.pk}", berkas_ktp=None, pilih_ktp=str(sitis_document.pk)),
    )

    assert response.status_code == 400
    summary = error_summary(response)
    assert "Pilih diri Anda sendiri atau salah satu badan usaha Anda." in summary
    assert "Pilih dokumen dari daftar Dokumen saya." in summary
    assert not Application.objects.filter(applicant=andi).exists()
    assert "ktp-siti" not in html(response) and "CV Siti Jaya" not in html(response)


# --- Applying ------------------------------------------------------------------------------------


def test_the_apply_page_renders_the_permit_types_form_and_requirements(siti_client):
    response = siti_client.get(reverse("permits:apply", args=["pbg"]))

    assert response.status_code == 200
    assert_accessible(response)
    page = html(response)
    assert 'name="isian_luas_lantai"' in page and 'inputmode="decimal"' in page
    assert 'name="isian_fungsi_bangunan"' in page  # a choice
    assert 'type="date"' in page and 'name="isian_rencana_mulai"' in page
    assert 'name="berkas_rencana_teknis"' in page and 'accept=".pdf,application/pdf"' in page
    assert "Format PDF, paling besar 20 MB." in page
    assert "Luas total lantai × Rp10.000 per m², paling sedikit Rp250.000" in page


def test_a_counter_only_permit_cannot_be_applied_for_online(siti_client):
    response = siti_client.get(reverse("permits:apply", args=["izin-trayek"]))

    assert response.status_code == 302 and response["Location"] == reverse("permits:type", args=["izin-trayek"])
    assert "hanya dapat diajukan langsung di loket" in html(siti_client.get(response["Location"]))
    assert siti_client.post(reverse("permits:apply", args=["izin-trayek"]), {"action": "save"}).status_code == 302
    assert not Application.objects.exists()


def test_an_unknown_permit_type_is_404(siti_client):
    assert siti_client.get(reverse("permits:apply", args=["izin-terbang"])).status_code == 404


def test_saving_a_draft_does_not_submit_it(siti_client, siti):
    response = apply_siup(siti_client, action="save", berkas_npwp=None, isian_kbli="")

    application = Application.objects.get(applicant=siti)
    assert response.status_code == 302 and response["Location"] == reverse("permits:draft", args=[application.pk])
    assert application.status == Status.DRAFT and application.registration_number is None
    assert application.form_data["nama_usaha"] == "Toko Sembako Siti" and "kbli" not in application.form_data
    assert set(application.attachments.values_list("requirement", flat=True)) == {"ktp", "pas_foto"}
    page = siti_client.get(response["Location"])
    assert page.status_code == 200 and "Draf tersimpan" in html(page)
    assert 'value="Toko Sembako Siti"' in html(page) and "Terlampir:" in html(page)
    assert_accessible(page)
    assert actions.track("REG-2026-000001") is None


def test_siti_applies_in_one_go_and_gets_her_registration_number_at_once(siti_client, siti):
    response = apply_siup(siti_client)

    application = Application.objects.get(applicant=siti)
    assert application.status == Status.SUBMITTED and re.fullmatch(r"REG-\d{4}-000001", application.registration_number)
    assert response.status_code == 302
    assert response["Location"] == reverse("permits:detail", args=[application.registration_number])
    page = html(siti_client.get(response["Location"]))
    assert f"nomor registrasi {application.registration_number}" in page
    assert "Posisi sekarang: Verifikasi berkas oleh front office DPMPTSP" in page
    assert "Petugas DPMPTSP (menunggu diambil petugas)" in page
    # The documents uploaded with the form are in "Dokumen saya" for the next application.
    assert Document.objects.filter(owner=siti).count() == 3


def test_a_missing_required_document_is_an_error_and_the_draft_stays_a_draft(siti_client, siti):
    response = apply_siup(siti_client, berkas_npwp=None)

    assert response.status_code == 400
    assert "NPWP pemohon atau badan usaha belum dilampirkan." in error_summary(response)
    assert 'href="#id_berkas_npwp"' in error_summary(response)
    assert "Draf tersimpan, tetapi belum dapat diajukan" in html(response)
    application = Application.objects.get(applicant=siti)
    assert application.status == Status.DRAFT and application.registration_number is None
    # The form now posts to the saved draft, so trying again does not start a second one.
    assert f'action="{reverse("permits:draft", args=[application.pk])}"' in html(response)
    assert_accessible(response)


def test_a_missing_required_answer_is_an_error_next_to_its_field(siti_client, siti):
    response = apply_siup(siti_client, isian_kbli="  ")

    assert response.status_code == 400
    assert '<a href="#id_isian_kbli">Kode KBLI' in error_summary(response)
    assert Application.objects.get(applicant=siti).status == Status.DRAFT


def test_a_number_that_is_not_a_number_saves_nothing(siti_client, siti):
    response = apply_siup(siti_client, action="save", isian_modal_usaha="dua puluh juta")

    assert response.status_code == 400
    assert "harus berupa angka" in error_summary(response)
    assert not Application.objects.exists()
    # The documents that were fine are kept in the library and already picked for the next try.
    ktp = Document.objects.get(owner=siti, name__icontains="KTP")
    assert f'<option value="{ktp.pk}" selected>' in html(response)
    assert "sudah tersimpan di Dokumen saya dan sudah terpilih" in html(response)


def test_a_wrong_file_type_is_refused_with_the_accepted_formats(siti_client, siti):
    word = SimpleUploadedFile("npwp.docx", b"PK\x03\x04" + b"\x00" * 200)

    response = apply_siup(siti_client, berkas_npwp=word)

    assert response.status_code == 400
    assert "Berkas 'npwp.docx' bukan PDF, JPEG atau PNG." in error_summary(response)
    assert not Application.objects.exists()
    assert not Document.objects.filter(owner=siti, name__icontains="NPWP").exists()


def test_a_pdf_for_a_photo_requirement_is_refused(siti_client):
    response = apply_siup(siti_client, berkas_pas_foto=pdf("foto.pdf"))

    assert response.status_code == 400
    assert "harus berformat JPEG, PNG" in error_summary(response)
    assert not Application.objects.exists()


def test_a_fake_pdf_is_refused(siti_client):
    fake = SimpleUploadedFile("ktp.pdf", b"<html>KTP</html>", content_type="application/pdf")

    response = apply_siup(siti_client, berkas_ktp=fake)

    assert response.status_code == 400
    assert "bernama PDF tetapi isinya bukan PDF" in error_summary(response)
    assert not Application.objects.exists()


def test_an_oversized_file_is_refused(siti_client, settings):
    settings.PERMIT_DOCUMENT_MAX_BYTES = 50_000
    big = SimpleUploadedFile("ktp.pdf", pdf_bytes("besar", padding=60_000), content_type="application/pdf")

    response = apply_siup(siti_client, berkas_ktp=big)

    assert response.status_code == 400
    assert "terlalu besar" in error_summary(response)
    assert not Application.objects.exists()


def test_a_document_above_the_requirements_size_is_refused(siti_client):
    big = SimpleUploadedFile("ktp.pdf", pdf_bytes("besar", padding=2_100_000), content_type="application/pdf")

    response = apply_siup(siti_client, berkas_ktp=big)

    assert response.status_code == 400
    assert "paling besar 2,0 MB" in error_summary(response)


def test_documents_are_uploaded_once_and_picked_from_the_library(siti_client, siti):
    library = {}
    for name, file in [("KTP", pdf("ktp.pdf")), ("NPWP", pdf("npwp.pdf", "npwp")), ("Pas foto", image())]:
        response = siti_client.post(reverse("permits:documents"), {"name": name, "file": file})
        assert response.status_code == 302
        library[name] = Document.objects.get(owner=siti, name=name)
    listing = html(siti_client.get(reverse("permits:documents")))
    assert "KTP" in listing and "Pas foto" in listing

    response = apply_siup(
        siti_client,
        berkas_ktp=None,
        berkas_npwp=None,
        berkas_pas_foto=None,
        pilih_ktp=str(library["KTP"].pk),
        pilih_npwp=str(library["NPWP"].pk),
        pilih_pas_foto=str(library["Pas foto"].pk),
    )

    application = Application.objects.get(applicant=siti)
    assert response.status_code == 302 and application.status == Status.SUBMITTED
    assert Document.objects.filter(owner=siti).count() == 3
    assert {a.document for a in application.attachments.all()} == set(library.values())


def test_the_same_file_uploaded_twice_is_kept_once(siti_client, siti):
    siti_client.post(reverse("permits:documents"), {"name": "KTP", "file": pdf("ktp.pdf", "sama")})

    response = siti_client.post(reverse("permits:documents"), {"name": "KTP lagi", "file": pdf("ktp2.pdf", "sama")})

    assert Document.objects.filter(owner=siti).count() == 1
    assert "sudah ada di Dokumen saya sebagai 'KTP'" in unescape(html(siti_client.get(response["Location"])))


def test_a_bad_upload_to_the_library_says_why(siti_client, siti):
    response = siti_client.post(
        reverse("permits:documents"), {"name": "KTP", "file": SimpleUploadedFile("ktp.gif", b"GIF89a" + b"0" * 50)}
    )

    assert response.status_code == 400
    assert "bukan PDF, JPEG atau PNG" in error_summary(response)
    assert not Document.objects.exists()
    response = siti_client.post(reverse("permits:documents"), {"name": "KTP"})
    assert "Pilih berkas yang akan diunggah." in error_summary(response)


def test_siti_opens_her_own_document(siti_client, siti):
    document = upload(siti, "pdf", name="ktp.pdf")

    response = siti_client.get(reverse("permits:document_file", args=[document.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_draft_is_edited_detached_and_deleted(siti_client, siti, city):
    application = draft(siti, city, "siup")
    url = reverse("permits:draft", args=[application.pk])
    page = siti_client.get(url)
    assert page.status_code == 200 and 'value="Toko Sembako Siti"' in html(page)

    response = siti_client.post(url, siup_post(action="save", isian_nama_usaha="Toko Siti Baru", berkas_ktp=None))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.form_data["nama_usaha"] == "Toko Siti Baru" and application.status == Status.DRAFT

    response = siti_client.post(reverse("permits:draft_detach", args=[application.pk]), {"requirement": "npwp"})
    assert response.status_code == 302
    assert not application.attachments.filter(requirement="npwp").exists()

    assert siti_client.get(reverse("permits:draft_delete", args=[application.pk])).status_code == 200
    response = siti_client.post(reverse("permits:draft_delete", args=[application.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("permits:mine")
    assert not Application.objects.exists() and Document.objects.filter(owner=siti).exists()


def test_a_submitted_draft_link_leads_to_the_application(siti_client, siti, city):
    application = submitted(siti, city, "siup")

    response = siti_client.get(reverse("permits:draft", args=[application.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("permits:detail", args=[application.registration_number])
    assert siti_client.post(reverse("permits:draft_delete", args=[application.pk])).status_code == 302
    assert Application.objects.filter(pk=application.pk).exists()


# --- Companies -----------------------------------------------------------------------------------


def test_siti_registers_her_company_and_applies_for_it(siti_client, siti):
    response = siti_client.post(reverse("permits:companies"), {"name": "CV Siti", "nib": "12345", "address": ""})
    assert response.status_code == 400
    summary = error_summary(response)
    assert "NIB terdiri dari 13 angka" in summary and "Alamat badan usaha wajib diisi." in summary

    response = siti_client.post(
        reverse("permits:companies") + "?kembali=/izin/tdg/ajukan/",
        {"name": "CV Siti Jaya", "nib": "1234.5678.90123", "npwp": "", "address": "Jl. Gudang 3"},
    )
    assert response.status_code == 302 and response["Location"] == "/izin/tdg/ajukan/"
    company = Company.objects.get(owner=siti)
    assert company.nib == "1234567890123"

    page = siti_client.get(reverse("permits:apply", args=["tdg"]))
    assert f'value="company-{company.pk}"' in html(page) and "Diri saya sendiri" not in html(page)
    response = siti_client.post(
        reverse("permits:apply", args=["tdg"]), {"applicant": f"company-{company.pk}", "action": "save"}
    )
    assert response.status_code == 302
    assert Application.objects.get(applicant=siti).company == company

    edit = reverse("permits:company_edit", args=[company.pk])
    assert siti_client.get(edit).status_code == 200
    response = siti_client.post(edit, {"name": "CV Siti Jaya Abadi", "nib": company.nib, "address": "Jl. Gudang 4"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "CV Siti Jaya Abadi"


def test_a_company_only_permit_needs_a_company(siti_client):
    page = siti_client.get(reverse("permits:apply", args=["tdg"]))
    assert "Daftarkan badan usaha Anda dulu" in html(page)

    response = siti_client.post(reverse("permits:apply", args=["tdg"]), {"action": "save"})

    assert response.status_code == 400
    assert "diajukan atas nama badan usaha; pilih badan usaha Anda." in error_summary(response)
    assert not Application.objects.exists()


def test_the_return_address_after_adding_a_company_stays_on_this_site(siti_client):
    response = siti_client.post(
        reverse("permits:companies") + "?kembali=//evil.example/izin/",
        {"name": "CV Siti", "nib": "1234567890123", "address": "Jl. A"},
    )

    assert response["Location"] == reverse("permits:companies")


# --- Following an application --------------------------------------------------------------------


def test_the_application_shows_its_step_holder_and_deadlines(siti_client, siti, city, fajar):
    application = submitted(siti, city, "siup")
    actions.do_claim(fajar, application)
    application.refresh_from_db()

    response = siti_client.get(reverse("permits:detail", args=[application.registration_number]))

    page = html(response)
    assert response.status_code == 200
    assert_accessible(response)
    step = application.workflow[0]
    assert f"Posisi sekarang: {step['name']}" in page
    assert "Petugas DPMPTSP: Fajar Nugroho" in page
    local_due = application.due_at.astimezone(city.zone)
    assert f"{local_due:%Y-%m-%dT%H:%M}" in page  # the step's deadline, as a <time>
    assert "paling lama 8 jam kerja" in page and "paling lama 16 jam kerja" in page
    assert "Berjalan" in page  # the current stay's clock
    assert "diajukan dengan nomor registrasi" in page  # the public timeline
    assert "Toko Sembako Siti" in page  # her own answers


def test_a_lowercase_number_is_redirected_to_the_application(siti_client, siti, city):
    application = submitted(siti, city, "siup")

    response = siti_client.get(reverse("permits:detail", args=[application.registration_number.lower()]))

    assert response.status_code == 302
    assert response["Location"] == reverse("permits:detail", args=[application.registration_number])


def test_a_documents_request_is_answered_with_replaced_documents_and_the_clock_resumes(
    siti_client, siti, city, fajar, rahmat
):
    application = submitted(siti, city, "siup")
    actions.do_claim(fajar, application)
    actions.do_request_documents(fajar, application, "Foto KTP buram, mohon unggah ulang.", ["ktp"])
    url = reverse("permits:detail", args=[application.registration_number])
    page = html(siti_client.get(url))
    assert "Foto KTP buram, mohon unggah ulang." in page
    assert "Dokumen yang diminta: KTP elektronik pemohon." in page
    assert "Dihentikan sementara sampai Anda melengkapi berkas" in page
    complete = reverse("permits:complete", args=[application.registration_number])

    # Sending it back without a new KTP is refused, and says what is missing.
    response = siti_client.post(complete, {"action": "resubmit"})
    assert response.status_code == 400
    assert "yang baru sesuai permintaan petugas" in error_summary(response)
    application.refresh_from_db()
    assert application.status == Status.WAITING_APPLICANT

    # A fake PDF as the new KTP is refused too.
    fake = SimpleUploadedFile("ktp.pdf", b"not a pdf", content_type="application/pdf")
    response = siti_client.post(complete, {"action": "resubmit", "berkas_ktp": fake})
    assert response.status_code == 400 and "isinya bukan PDF" in error_summary(response)

    response = siti_client.post(
        complete, {"action": "resubmit", "berkas_ktp": pdf("ktp-baru.pdf", "KTP jelas"), "note": "Sudah diganti"}
    )
    assert response.status_code == 302 and response["Location"] == url
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and application.due_at is not None
    assert "Berkas terkirim" in html(siti_client.get(url))
    issue(application, fajar, rahmat)


def test_replacing_documents_without_resubmitting_keeps_waiting(siti_client, siti, city, fajar):
    application = submitted(siti, city, "siup")
    actions.do_claim(fajar, application)
    actions.do_request_documents(fajar, application, "NPWP tidak terbaca.", ["npwp"])
    complete = reverse("permits:complete", args=[application.registration_number])

    response = siti_client.post(complete, {"action": "attach", "berkas_npwp": pdf("npwp-baru.pdf", "NPWP baru")})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WAITING_APPLICANT
    assert application.attachments.get(requirement="npwp").document.name.startswith("NPWP")


def test_completing_when_nothing_was_asked_is_a_conflict(siti_client, siti, city):
    application = submitted(siti, city, "siup")

    response = siti_client.post(
        reverse("permits:complete", args=[application.registration_number]), {"action": "resubmit"}
    )

    assert response.status_code == 409


def test_withdrawing_asks_first_and_then_cannot_happen_twice(siti_client, siti, city):
    application = submitted(siti, city, "siup")
    url = reverse("permits:withdraw", args=[application.registration_number])
    assert siti_client.get(url).status_code == 200

    response = siti_client.post(url, {"reason": "Salah jenis izin"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN and application.decision_reason == "Salah jenis izin"
    assert "Salah jenis izin" in html(siti_client.get(response["Location"]))
    assert siti_client.post(url).status_code == 409
    assert siti_client.get(url).status_code == 409


def test_the_retribusi_is_paid_by_recording_the_transfer_reference(siti_client, siti, city, fajar, rahmat, andi):
    dinas_satpol = make_officer("198801012012011009", "Joko Susilo", opd(city, "satpol-pp"), Role.OFFICER)
    application = submitted(siti, city, "keramaian", form=_keramaian_form())
    actions.do_forward(fajar, application)
    actions.do_forward(dinas_satpol, application, findings="Lokasi aman, jalur evakuasi tersedia.")
    actions.do_approve_and_sign(rahmat, application)
    url = reverse("permits:detail", args=[application.registration_number])
    page = html(siti_client.get(url))
    assert "Bayar retribusi Rp150.000" in page and application.registration_number in page
    pay = reverse("permits:pay", args=[application.registration_number])

    response = siti_client.post(pay, {"reference": "??"})
    assert response.status_code == 400
    assert "Nomor referensi transfer 6–60 karakter" in error_summary(response)

    response = siti_client.post(pay, {"reference": "TRF 2026 0001"})
    assert response.status_code == 302
    payment = Payment.objects.get(application=application)
    assert payment.reference == "TRF20260001" and payment.status == Payment.Status.PENDING
    page = html(siti_client.get(url))
    assert "Menunggu konfirmasi" in page and 'name="reference"' not in page
    assert siti_client.post(pay, {"reference": "TRF20260002"}).status_code == 409

    actions.do_confirm_payment(fajar, payment)
    page = html(siti_client.get(url))
    assert "Unduh sertifikat (PDF)" in page and "Lunas" in page


def _keramaian_form():
    return {
        "nama_kegiatan": "Pesta rakyat",
        "jenis_kegiatan": "Pertunjukan/hiburan",
        "tanggal_kegiatan": "2026-08-17",
        "lokasi_kegiatan": "Lapangan Merdeka",
        "perkiraan_peserta": 300,
    }


def test_paying_before_approval_is_a_conflict(siti_client, siti, city):
    application = submitted(siti, city, "siup")

    response = siti_client.post(
        reverse("permits:pay", args=[application.registration_number]), {"reference": "TRF123456"}
    )

    assert response.status_code == 409
    assert "Retribusi dibayar setelah permohonan disetujui." in html(response)


def test_the_certificate_downloads_once_issued(siti_client, siti, city, fajar, rahmat):
    application = submitted(siti, city, "siup")
    pdf_url = reverse("permits:certificate", args=[application.registration_number])
    assert siti_client.get(pdf_url).status_code == 404
    issue(application, fajar, rahmat)

    response = siti_client.get(pdf_url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")
    page = html(siti_client.get(reverse("permits:detail", args=[application.registration_number])))
    assert application.certificate.number in page and "/verifikasi/" in page


def test_the_survey_is_answered_once_after_issuance(siti_client, siti, city, fajar, rahmat):
    application = submitted(siti, city, "siup")
    url = reverse("permits:survey", args=[application.registration_number])
    assert "setelah izin terbit" in html(siti_client.get(url))
    assert siti_client.post(url, {f"u{n}": "4" for n in range(1, 10)}).status_code == 409
    issue(application, fajar, rahmat)

    page = siti_client.get(url)
    assert page.status_code == 200
    assert_accessible(page)
    text = html(page)
    for element in (
        "Persyaratan",
        "Sistem, mekanisme, dan prosedur",
        "Waktu penyelesaian",
        "Biaya/tarif",
        "Produk spesifikasi jenis pelayanan",
        "Kompetensi pelaksana",
        "Perilaku pelaksana",
        "Penanganan pengaduan, saran dan masukan",
        "Sarana dan prasarana",
    ):
        assert element in text

    answers = {f"u{n}": "4" for n in range(1, 9)} | {"u9": "7"}
    response = siti_client.post(url, answers)
    assert response.status_code == 400
    assert '<a href="#id_u9">Pilih salah satu jawaban (nilai 1 sampai 4).' in error_summary(response)
    assert not SurveyResponse.objects.exists()

    response = siti_client.post(url, answers | {"u9": "3", "comment": "Cepat sekali"})
    assert response.status_code == 302
    survey = SurveyResponse.objects.get(application=application)
    assert survey.answers() == [4, 4, 4, 4, 4, 4, 4, 4, 3] and survey.comment == "Cepat sekali"
    assert "sudah mengisi survei" in html(siti_client.get(url))
    assert siti_client.post(url, answers | {"u9": "3"}).status_code == 409


def test_my_permits_lists_drafts_and_applications(siti_client, siti, city):
    sitis_draft = draft(siti, city, "siup", documents=False)
    application = submitted(siti, city, "siup")

    page = html(siti_client.get(reverse("permits:mine")))

    assert reverse("permits:draft", args=[sitis_draft.pk]) in page
    assert reverse("permits:detail", args=[application.registration_number]) in page
    assert siti_client.get(reverse("permits:mine") + "?cursor=rusak").status_code == 400


def test_my_cases_and_the_navigation_lead_to_permits(siti_client, siti, city):
    application = submitted(siti, city, "siup")

    page = html(siti_client.get(reverse("portal:my_cases")))

    assert reverse("permits:detail", args=[application.registration_number]) in page
    assert f'href="{reverse("permits:catalogue")}"' in page


# --- The whole story through the pages -----------------------------------------------------------


def test_siti_gets_her_siup_through_the_pages(client, siti, city, fajar, rahmat):
    client.force_login(siti)
    catalogue = html(client.get(reverse("permits:catalogue")))
    assert reverse("permits:type", args=["siup"]) in catalogue
    detail = html(client.get(reverse("permits:type", args=["siup"])))
    assert reverse("permits:apply", args=["siup"]) in detail

    # A draft first, with one document missing; then she completes and submits it.
    response = apply_siup(client, action="save", berkas_npwp=None)
    application = Application.objects.get(applicant=siti)
    draft_url = response["Location"]
    response = client.post(draft_url, siup_post(action="submit", berkas_ktp=None, berkas_pas_foto=None))
    assert response.status_code == 302
    application.refresh_from_db()
    number = application.registration_number
    assert application.status == Status.SUBMITTED and number

    # The front office asks for a clearer KTP; she replaces it and sends it back.
    actions.do_claim(fajar, application)
    actions.do_request_documents(fajar, application, "KTP tidak terbaca", ["ktp"])
    complete = reverse("permits:complete", args=[number])
    response = client.post(complete, {"action": "resubmit", "berkas_ktp": image("ktp.png", "PNG", (1, 2, 3))})
    assert response.status_code == 302

    # Forwarded and signed: the certificate downloads, and the public tracking says it is issued.
    application.refresh_from_db()
    issue(application, fajar, rahmat)
    page = html(client.get(reverse("permits:detail", args=[number])))
    assert "Izin terbit" in page
    assert client.get(reverse("permits:certificate", args=[number])).content.startswith(b"%PDF-")
    response = client.post(reverse("permits:survey", args=[number]), {f"u{n}": "4" for n in range(1, 10)})
    assert response.status_code == 302
    client.logout()
    tracking = html(client.get(reverse("permits:track"), {"nomor": number}))
    assert "Izin terbit" in tracking and "Siti" not in tracking
    skm = html(client.get(reverse("permits:skm")))
    assert "100,00" in skm and "Sangat baik" in skm
