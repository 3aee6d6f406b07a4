"""The officer side of e-Perizinan in the browser: the work queue, an application's file and every button
on it, told with the whole cast through Django's test client.

Fajar and Gilang work the DPMPTSP front office, Rahmat heads the DPMPTSP and signs; Budi and Hendra are the
Dinas PUPR (the technical OPD of building permits), Lina confirms payments at the BPKPAD. Dewi (DLH) has
nothing to do with a SIUP; Irma (Inspektorat) and Bayu (Command Center) read and never act.
"""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.models import Deadline
from notifications.models import Notification
from permits import actions
from permits.models import Application, Payment, Status, StepPhoto, StepRecord
from permits.tests.conftest import PBG_FORM, image, pdf_bytes, submitted

pytestmark = pytest.mark.usefixtures("media")

QUEUE = reverse("permits_officer:queue")
LOGIN = reverse("accounts:login")
EVERY_ACTION = (
    "ambil",
    "teruskan",
    "setujui",
    "minta-berkas",
    "kembalikan",
    "tugaskan",
    "tolak",
    "konfirmasi-bayar",
    "tolak-bayar",
    "cabut",
)


def detail_url(application):
    return reverse("permits_officer:detail", args=[application.registration_number])


def action_url(application, action):
    return reverse("permits_officer:act", args=[application.registration_number, action])


def html(response):
    return unescape(response.content.decode())


def text(response):
    """The page's visible words, tags stripped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def offered(response):
    """The action slugs whose forms are on the page."""
    return re.findall(r'action="/petugas/izin/[^/"]+/([a-z-]+)/"', html(response))


def fresh(application):
    return Application.objects.get(pk=application.pk)


def events_of(application):
    return AuditEvent.objects.filter(object_type="permits.application", object_id=str(application.pk))


def snapshot(application):
    """What a refused request must leave as it was: the state, the audit trail and the outbox."""
    current = fresh(application)
    return (
        current.status,
        current.step_index,
        current.holder_id,
        events_of(application).count(),
        Notification.objects.count(),
    )


def post_as(client, user, application, action, data=None):
    client.force_login(user)
    return client.post(action_url(application, action), data or {})


@pytest.fixture
def pbg(siti, city):
    """Siti's building permit, just submitted (retribusi Rp1.200.000), at the DPMPTSP front office."""
    return submitted(siti, city, "pbg", form=PBG_FORM)


def to_step(application, code, *pairs):
    """Forward an application with (actor, findings) pairs until it is at step `code`."""
    for actor, findings in pairs:
        actions.do_forward(actor, application, findings=findings)
    application.refresh_from_db()
    assert application.current_step["code"] == code
    return application


@pytest.fixture
def pbg_at_survey(pbg, fajar, budi):
    return to_step(pbg, "survei_lapangan", (fajar, ""), (budi, "Gambar teknis sesuai SNI."))


@pytest.fixture
def pbg_approved(pbg_at_survey, budi, hendra, rahmat):
    to_step(pbg_at_survey, "persetujuan", (budi, "GSB terpenuhi."), (hendra, ""))
    actions.do_approve_and_sign(rahmat, pbg_at_survey)
    return fresh(pbg_at_survey)


@pytest.fixture
def pbg_paid_pending(pbg_approved, siti):
    payment = actions.do_record_payment(siti, pbg_approved, "BSU 2026 1105 7788")
    return pbg_approved, payment


# --- who may open the pages -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, siup):
    for url in (QUEUE, detail_url(siup)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    response = client.post(action_url(siup, "ambil"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert fresh(siup).holder is None


@pytest.mark.parametrize("citizen", ["siti", "andi"])
def test_citizens_are_refused_every_officer_page_even_for_their_own_application(client, request, siup, citizen):
    before = snapshot(siup)
    client.force_login(request.getfixturevalue(citizen))
    attachment = siup.attachments.first()
    for url in (
        QUEUE,
        detail_url(siup),
        reverse("permits_officer:document", args=[siup.registration_number, attachment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "hanya untuk petugas" in html(response)
    for action in ("ambil", "tolak"):
        assert client.post(action_url(siup, action), {"reason": "x"}).status_code == 403
    assert snapshot(siup) == before


def test_dewi_of_dlh_cannot_even_see_a_siup(client, siup, dewi):
    before = snapshot(siup)
    client.force_login(dewi)
    attachment = siup.attachments.first()

    assert client.get(detail_url(siup)).status_code == 404
    assert (
        client.get(reverse("permits_officer:document", args=[siup.registration_number, attachment.pk])).status_code
        == 404
    )
    for action in EVERY_ACTION:
        assert client.post(action_url(siup, action), {"reason": "x", "officer": dewi.pk}).status_code == 404
    assert siup.registration_number not in html(client.get(QUEUE))
    assert snapshot(siup) == before


def test_an_unknown_or_malformed_registration_number_is_not_found(client, fajar, siup):
    client.force_login(fajar)
    for number in ("REG-2026-999999", "bukan-nomor", "REG-1999-000001"):
        assert client.get(reverse("permits_officer:detail", args=[number])).status_code == 404
        assert client.post(reverse("permits_officer:act", args=[number, "ambil"])).status_code == 404


def test_a_draft_is_the_applicants_alone(client, siti, city, fajar, irma):
    draft = actions.do_save_draft(siti, actions.catalogue(city).get(code="siup"), form_data={})
    for user in (fajar, irma):
        client.force_login(user)
        assert client.get(reverse("permits_officer:detail", args=[f"Draf #{draft.pk}"])).status_code == 404


@pytest.mark.parametrize("overseer", ["irma", "bayu"])
def test_the_inspektorat_and_the_command_center_read_everything_but_see_no_buttons(client, request, siup, overseer):
    user = request.getfixturevalue(overseer)
    client.force_login(user)

    response = client.get(detail_url(siup))

    assert response.status_code == 200
    assert offered(response) == []
    page = text(response)
    assert "Riwayat lengkap" in page and "Siti Aminah" in page and "Toko Sembako Siti" in page
    assert ("tetapi tidak mengubahnya" if overseer == "irma" else "untuk pemantauan") in page
    assert siup.registration_number in html(client.get(QUEUE))


def test_irma_cannot_act_even_by_posting_the_form(client, siup, irma):
    before = snapshot(siup)
    for action in ("ambil", "teruskan", "tolak", "minta-berkas"):
        response = post_as(client, irma, siup, action, {"reason": "Coba-coba."})
        assert response.status_code == 403
        assert "Inspektorat hanya dapat membaca" in html(response)
    assert snapshot(siup) == before


def test_the_technical_officer_reads_the_file_but_cannot_act_at_the_front_office_step(client, pbg, budi):
    before = snapshot(pbg)
    client.force_login(budi)

    response = client.get(detail_url(pbg))
    assert response.status_code == 200 and offered(response) == []
    assert "dikerjakan oleh petugas DPMPTSP" in text(response)

    for action in ("ambil", "teruskan", "tolak"):
        response = client.post(action_url(pbg, action), {"reason": "Tidak lengkap."})
        assert response.status_code == 403
        assert "dikerjakan oleh petugas DPMPTSP" in html(response)
    assert snapshot(pbg) == before
    assert pbg.registration_number not in html(client.get(QUEUE))


def test_the_head_cannot_claim_the_front_office_step(client, siup, rahmat):
    before = snapshot(siup)
    response = post_as(client, rahmat, siup, "ambil")
    assert response.status_code == 403 and "dikerjakan oleh petugas DPMPTSP" in html(response)
    assert snapshot(siup) == before


def test_an_unknown_action_is_not_found_and_actions_are_posted(client, siup, fajar):
    client.force_login(fajar)
    assert client.post(action_url(siup, "hapus")).status_code == 404
    assert client.get(action_url(siup, "ambil")).status_code == 405
    assert fresh(siup).holder is None


def test_links_in_messages_and_deadline_clocks_lead_to_the_file(client, siup, fajar):
    client.force_login(fajar)
    clock = Deadline.objects.for_case(siup).get()
    assert clock.url == detail_url(siup)
    assert client.get(clock.url).status_code == 200


# --- the queue ------------------------------------------------------------------------------------


def queue_numbers(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return re.findall(r">(REG-\d{4}-\d{6})</a></th>", html(response))


@pytest.fixture
def three_siups(siti, andi, city):
    """Three SIUPs at the front office, due in the order second, third, first."""
    first, second, third = (submitted(user, city, "siup") for user in (siti, andi, siti))
    base = timezone.now() + timedelta(hours=2)
    for application, hours in ((first, 3), (second, 1), (third, 2)):
        Application.objects.filter(pk=application.pk).update(due_at=base + timedelta(hours=hours))
    return [fresh(a) for a in (first, second, third)]


def test_the_queue_puts_the_nearest_step_deadline_first(client, three_siups, fajar):
    first, second, third = three_siups
    client.force_login(fajar)
    assert queue_numbers(client) == [a.registration_number for a in (second, third, first)]


def test_the_queue_row_shows_type_applicant_step_holder_and_the_late_and_near_flags(client, three_siups, fajar, andi):
    first, second, third = three_siups
    actions.do_claim(fajar, third)
    Deadline.objects.for_case(second).update(breached_at=timezone.now())
    Deadline.objects.for_case(third).update(near_flagged_at=timezone.now())
    client.force_login(fajar)

    page = text(client.get(QUEUE))

    assert "Antrean permohonan izin DPMPTSP" in page
    row_second = page[page.index(second.registration_number) :][:400]
    assert "Surat Izin Usaha Perdagangan" in row_second and "Andi Saputra" in row_second
    assert "Verifikasi berkas" in row_second and "Belum ditangani" in row_second and "Terlambat" in row_second
    row_third = page[page.index(third.registration_number) :][:400]
    assert "Fajar Nugroho" in row_third and "Mendekati tenggat" in row_third
    row_first = page[page.index(first.registration_number) :][:400]
    assert "Terlambat" not in row_first and "Mendekati" not in row_first


def test_the_queue_filters_mine_and_unassigned(client, three_siups, fajar, gilang):
    first, second, third = three_siups
    actions.do_claim(fajar, first)
    actions.do_claim(gilang, second)
    client.force_login(fajar)
    assert queue_numbers(client, tampil="saya") == [first.registration_number]
    assert queue_numbers(client, tampil="belum") == [third.registration_number]
    assert queue_numbers(client, tampil="semua") == [a.registration_number for a in (second, third, first)]
    client.force_login(gilang)
    actions.do_claim(gilang, third)
    assert queue_numbers(client, tampil="belum") == []
    assert "Tidak ada permohonan dalam antrean yang belum ditangani" in text(client.get(QUEUE, {"tampil": "belum"}))


def test_a_bad_filter_or_cursor_is_a_clear_400(client, fajar):
    client.force_login(fajar)
    response = client.get(QUEUE, {"tampil": "semuanya"})
    assert response.status_code == 400 and "Pilihan tampilan tidak dikenal" in html(response)
    response = client.get(QUEUE, {"setelah": "bukan-kursor"})
    assert response.status_code == 400 and "Kursor halaman tidak valid" in html(response)


def test_the_queue_pages_by_keyset(client, siti, city, fajar, monkeypatch):
    from permits.views import officer

    monkeypatch.setattr(officer, "PAGE_SIZE", 2)
    applications = [submitted(siti, city, "siup") for _ in range(3)]
    client.force_login(fajar)
    response = client.get(QUEUE)
    cursor = re.search(r'setelah=([^"&]+)"', html(response)).group(1)
    assert len(re.findall(r"REG-\d{4}-\d{6}</a></th>", html(response))) == 2
    rest = client.get(QUEUE + f"?tampil=semua&setelah={cursor}")
    assert re.findall(r">(REG-\d{4}-\d{6})</a></th>", html(rest)) == [applications[2].registration_number]
    assert "Permohonan berikutnya" not in html(rest)


def test_each_role_sees_its_own_steps_in_its_queue(client, siup, pbg, fajar, rahmat, budi, dewi, irma):
    actions.do_forward(fajar, pbg)
    client.force_login(fajar)
    assert queue_numbers(client) == [siup.registration_number]
    client.force_login(budi)
    assert queue_numbers(client) == [pbg.registration_number]
    for user in (rahmat, dewi):
        client.force_login(user)
        assert queue_numbers(client) == []
    client.force_login(irma)
    response = client.get(QUEUE)
    assert sorted(queue_numbers(client)) == sorted([siup.registration_number, pbg.registration_number])
    page = text(response)
    assert "di semua OPD" in page
    row = page[page.index(pbg.registration_number) :][:300]
    assert fresh(pbg).opd.short_name in row


def test_the_officer_workspace_links_to_the_permit_queue(client, fajar, irma):
    for user in (fajar, irma):
        client.force_login(user)
        assert QUEUE in html(client.get(reverse("portal:officer_workspace")))


# --- the application's file ----------------------------------------------------------------------


def test_the_file_shows_applicant_company_answers_documents_steps_deadlines_and_history(
    client, siti, city, fajar, gilang
):
    company = actions.do_save_company(siti, name="CV Sembako Maju", nib="1234567890123", address="Jl. Ahmad Yani 4")
    application = submitted(siti, city, "siup", company=company)
    actions.do_claim(fajar, application)
    client.force_login(gilang)

    response = client.get(detail_url(application))

    page = text(response)
    assert response.status_code == 200
    for expected in (
        "Siti Aminah",
        "+6281234567801",
        "CV Sembako Maju",
        "1234567890123",
        "Toko Sembako Siti",
        "25.000.000",
        "KTP elektronik pemohon",
        "Verifikasi berkas oleh front office DPMPTSP",
        "Fajar Nugroho",
        "Diambil petugas",
        "Riwayat lengkap",
        "Persetujuan dan penandatanganan",
    ):
        assert expected in page, expected
    assert "1275014505900002" not in page  # the NIK is masked
    assert "/media/" not in html(response)  # documents only through the checked view
    # Gilang is not the holder: nothing to do but be given the step.
    assert offered(response) == []


def test_documents_are_served_through_the_permission_check(client, siup, fajar, irma, dewi, siti, city):
    attachment = siup.attachments.get(requirement="ktp")
    url = reverse("permits_officer:document", args=[siup.registration_number, attachment.pk])
    client.force_login(fajar)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert url in html(client.get(detail_url(siup)))
    client.force_login(irma)
    assert client.get(url).status_code == 200
    client.force_login(dewi)
    assert client.get(url).status_code == 404
    # Another application's attachment id under this number is not found.
    other = submitted(siti, city, "siup")
    client.force_login(fajar)
    foreign = other.attachments.first()
    assert (
        client.get(reverse("permits_officer:document", args=[siup.registration_number, foreign.pk])).status_code == 404
    )


# --- every button, through the page ---------------------------------------------------------------


def test_fajar_claims_the_step(client, siup, fajar):
    client.force_login(fajar)
    assert offered(client.get(detail_url(siup))) == ["ambil", "teruskan", "minta-berkas", "tolak"]

    response = client.post(action_url(siup, "ambil"), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(siup)
    assert "Langkah ini sekarang Anda tangani" in text(response)
    current = fresh(siup)
    assert current.status == Status.IN_REVIEW and current.holder == fajar
    assert "ambil" not in offered(response)


def test_claiming_a_step_someone_else_holds_is_a_409_with_the_message(client, siup, fajar, gilang):
    actions.do_claim(fajar, siup)
    before = snapshot(siup)
    response = post_as(client, gilang, siup, "ambil")
    assert response.status_code == 409
    assert "sudah ditangani Fajar Nugroho" in text(response)
    assert snapshot(siup) == before


def test_acting_on_a_step_held_by_a_colleague_is_refused(client, siup, fajar, gilang):
    actions.do_claim(fajar, siup)
    before = snapshot(siup)
    response = post_as(client, gilang, siup, "teruskan", {"note": "Lengkap."})
    assert response.status_code == 403 and "sedang ditangani Fajar Nugroho" in html(response)
    assert snapshot(siup) == before


def test_the_holder_assigns_the_step_to_a_colleague(client, siup, fajar, gilang):
    actions.do_claim(fajar, siup)
    client.force_login(fajar)
    page = html(client.get(detail_url(siup)))
    assert f'<option value="{gilang.pk}">Gilang Ramadhan</option>' in page

    response = post_as(client, fajar, siup, "tugaskan", {"officer": gilang.pk})

    assert response.status_code == 302
    assert fresh(siup).holder == gilang
    assert Notification.objects.filter(user=gilang, template="permit_assigned").exists()


def test_assigning_needs_a_colleague_of_the_step(client, siup, fajar, gilang, dewi, budi):
    actions.do_claim(fajar, siup)
    before = snapshot(siup)
    response = post_as(client, fajar, siup, "tugaskan", {"officer": ""})
    assert response.status_code == 400 and "Pilih petugas yang akan ditugaskan" in text(response)
    for stranger in (dewi, budi):
        response = post_as(client, fajar, siup, "tugaskan", {"officer": stranger.pk})
        assert response.status_code == 400 and "Pilih petugas aktif DPMPTSP" in text(response)
    assert snapshot(siup) == before


def test_the_head_of_the_steps_opd_reassigns_a_held_step(client, siup, fajar, gilang, rahmat):
    actions.do_claim(fajar, siup)
    client.force_login(rahmat)
    assert offered(client.get(detail_url(siup))) == ["tugaskan"]
    assert post_as(client, rahmat, siup, "tugaskan", {"officer": gilang.pk}).status_code == 302
    assert fresh(siup).holder == gilang


def test_an_officer_who_may_not_assign_is_refused_before_the_colleague_is_looked_at(client, pbg, fajar, budi):
    actions.do_claim(fajar, pbg)
    before = snapshot(pbg)
    response = post_as(client, budi, pbg, "tugaskan", {"officer": ""})
    assert response.status_code == 403 and "dikerjakan oleh petugas DPMPTSP" in html(response)
    assert snapshot(pbg) == before


def test_forwarding_moves_the_application_to_the_next_step_with_the_note(client, siup, fajar, rahmat):
    response = post_as(client, fajar, siup, "teruskan", {"note": "Berkas lengkap dan sesuai."})
    assert response.status_code == 302
    current = fresh(siup)
    assert current.step_index == 1 and current.step_role == "head"
    assert StepRecord.objects.get(application=siup, index=0).note == "Berkas lengkap dan sesuai."
    client.force_login(rahmat)
    response = client.get(detail_url(siup))
    assert offered(response) == ["ambil", "setujui", "minta-berkas", "kembalikan", "tolak"]
    assert "Berkas lengkap dan sesuai." in text(response)


def test_a_review_step_needs_its_findings(client, pbg, fajar, budi):
    actions.do_forward(fajar, pbg)
    before = snapshot(pbg)
    response = post_as(client, budi, pbg, "teruskan", {"note": "Oke.", "findings": "  "})
    assert response.status_code == 400
    assert "Tuliskan hasil langkah 'Pemeriksaan" in text(response)
    assert snapshot(pbg) == before


def test_the_survey_step_takes_findings_and_photos_shown_behind_the_check(client, pbg_at_survey, budi, dewi, fajar):
    client.force_login(budi)
    form = html(client.get(detail_url(pbg_at_survey)))
    assert 'enctype="multipart/form-data"' in form and 'name="photos"' in form

    response = post_as(
        client,
        budi,
        pbg_at_survey,
        "teruskan",
        {"findings": "GSB 5 m terpenuhi.", "photos": [image("depan.jpg"), image("samping.png", "PNG")]},
    )

    assert response.status_code == 302
    record = StepRecord.objects.get(application=pbg_at_survey, code="survei_lapangan")
    photos = list(StepPhoto.objects.filter(record=record))
    assert record.findings == "GSB 5 m terpenuhi." and len(photos) == 2
    client.force_login(fajar)
    page = html(client.get(detail_url(pbg_at_survey)))
    url = reverse("permits_officer:survey_photo", args=[pbg_at_survey.registration_number, photos[0].pk])
    assert url in page and "GSB 5 m terpenuhi." in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(dewi)
    assert client.get(url).status_code == 404


def test_a_bad_survey_photo_is_a_form_error_and_nothing_moves(client, pbg_at_survey, budi):
    before = snapshot(pbg_at_survey)
    fake = image("depan.jpg")
    fake.file.seek(0)
    fake.file.truncate()
    fake.file.write(pdf_bytes())
    fake.file.seek(0)
    response = post_as(client, budi, pbg_at_survey, "teruskan", {"findings": "Sesuai.", "photos": [fake]})
    assert response.status_code == 400
    assert "Berkas 'depan.jpg' bukan foto JPEG, PNG atau WebP yang utuh." in text(response)
    assert 'id="id_teruskan_photos"' in html(response) and "errorlist" in html(response)
    assert snapshot(pbg_at_survey) == before
    assert not StepPhoto.objects.exists()


def test_returning_needs_a_reason_and_goes_back_to_who_handled_the_previous_step(client, pbg_at_survey, budi):
    before = snapshot(pbg_at_survey)
    response = post_as(client, budi, pbg_at_survey, "kembalikan", {"reason": ""})
    assert response.status_code == 400 and "Alasan pengembalian wajib diisi." in text(response)
    assert snapshot(pbg_at_survey) == before

    response = post_as(client, budi, pbg_at_survey, "kembalikan", {"reason": "Gambar struktur perlu dicek ulang."})

    assert response.status_code == 302
    current = fresh(pbg_at_survey)
    assert current.current_step["code"] == "pemeriksaan_teknis" and current.holder == budi


def test_there_is_no_returning_from_the_first_step(client, siup, fajar):
    client.force_login(fajar)
    assert "kembalikan" not in offered(client.get(detail_url(siup)))
    before = snapshot(siup)
    response = post_as(client, fajar, siup, "kembalikan", {"reason": "Coba."})
    assert response.status_code == 409 and "Ini langkah pertama" in text(response)
    assert snapshot(siup) == before


def test_requesting_documents_pauses_the_clock_and_names_the_requirements(client, siup, fajar, siti):
    actions.do_claim(fajar, siup)
    client.force_login(fajar)
    page = html(client.get(detail_url(siup)))
    assert 'type="checkbox" name="requirements" value="pas_foto"' in page
    before = snapshot(siup)

    response = post_as(client, fajar, siup, "minta-berkas", {"reason": "", "requirements": ["pas_foto"]})
    assert response.status_code == 400 and "Jelaskan kepada pemohon apa yang perlu dilengkapi." in text(response)
    response = post_as(client, fajar, siup, "minta-berkas", {"reason": "Buram.", "requirements": ["kk"]})
    assert response.status_code == 400 and "Pilih persyaratan dari daftar jenis izin ini." in text(response)
    assert snapshot(siup) == before

    response = post_as(client, fajar, siup, "minta-berkas", {"reason": "Pas foto buram.", "requirements": ["pas_foto"]})

    assert response.status_code == 302
    current = fresh(siup)
    assert current.status == Status.WAITING_APPLICANT and current.requested_documents == ["pas_foto"]
    assert Deadline.objects.for_case(siup).get().state == Deadline.State.PAUSED
    assert Notification.objects.filter(user=siti, template="permit_waiting").exists()
    response = client.get(detail_url(siup))
    page = text(response)
    assert "Diminta ulang" in page and "menunggu kelengkapan dari pemohon" in page
    # Only rejecting is left while the applicant has the turn.
    assert offered(response) == ["tolak"]
    assert siup.registration_number not in html(client.get(QUEUE))


def test_rejecting_needs_a_reason(client, siup, fajar, siti):
    before = snapshot(siup)
    response = post_as(client, fajar, siup, "tolak", {"reason": "   "})
    assert response.status_code == 400 and "Alasan penolakan wajib diisi." in text(response)
    assert snapshot(siup) == before

    response = post_as(client, fajar, siup, "tolak", {"reason": "KBLI bukan perdagangan."})

    assert response.status_code == 302
    current = fresh(siup)
    assert current.status == Status.REJECTED and current.decision_reason == "KBLI bukan perdagangan."
    response = post_as(client, fajar, siup, "tolak", {"reason": "Lagi."})
    assert response.status_code == 409


def test_the_head_approves_and_signs_at_the_last_step_and_the_certificate_downloads(client, siup, fajar, rahmat):
    actions.do_forward(fajar, siup)
    client.force_login(fajar)
    assert offered(client.get(detail_url(siup))) == []
    before = snapshot(siup)
    response = post_as(client, fajar, siup, "setujui")
    assert response.status_code == 403 and "dikerjakan oleh Kepala DPMPTSP" in html(response)
    assert snapshot(siup) == before

    response = post_as(client, rahmat, siup, "setujui")

    assert response.status_code == 302
    current = fresh(siup)
    assert current.status == Status.ISSUED and current.certificate.signer == rahmat
    page = html(client.get(detail_url(siup)))
    assert current.certificate.number in page
    pdf = client.get(reverse("permits_officer:certificate", args=[siup.registration_number]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert offered(client.get(detail_url(siup))) == ["cabut"]


def test_approving_before_the_last_step_is_a_409(client, siup, fajar):
    before = snapshot(siup)
    response = post_as(client, fajar, siup, "setujui")
    assert response.status_code == 409 and "langkah terakhir" in text(response)
    assert snapshot(siup) == before


def test_forwarding_from_the_last_step_is_a_409(client, siup, fajar, rahmat):
    actions.do_forward(fajar, siup)
    response = post_as(client, rahmat, siup, "teruskan", {"note": "x"})
    assert response.status_code == 409 and "Ini langkah terakhir" in text(response)


def test_the_bpkpad_confirms_a_payment_and_the_permit_is_issued(client, pbg_paid_pending, lina, siti):
    application, payment = pbg_paid_pending
    client.force_login(lina)
    response = client.get(detail_url(application))
    assert offered(response) == ["konfirmasi-bayar", "tolak-bayar"]
    assert "Rp1.200.000" in text(response) and payment.reference in text(response)

    response = post_as(client, lina, application, "konfirmasi-bayar", {"payment": payment.pk})

    assert response.status_code == 302
    current = fresh(application)
    assert current.status == Status.ISSUED
    assert Payment.objects.get(pk=payment.pk).confirmed_by == lina
    assert Notification.objects.filter(user=siti, template="permit_issued").count() == 2


def test_a_payment_is_rejected_with_a_reason_by_the_front_office(client, pbg_paid_pending, fajar):
    application, payment = pbg_paid_pending
    response = post_as(client, fajar, application, "tolak-bayar", {"payment": payment.pk, "reason": ""})
    assert response.status_code == 400 and "Jelaskan mengapa pembayaran tidak dapat dikonfirmasi." in text(response)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING

    response = post_as(
        client, fajar, application, "tolak-bayar", {"payment": payment.pk, "reason": "Tidak ada di rekening koran."}
    )

    assert response.status_code == 302
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.FAILED
    response = post_as(client, fajar, application, "konfirmasi-bayar", {"payment": payment.pk})
    assert response.status_code == 409 and "berstatus 'Ditolak'" in text(response)


def test_payments_are_not_confirmed_by_the_technical_opd_or_the_inspektorat(client, pbg_paid_pending, budi, irma):
    application, payment = pbg_paid_pending
    for user in (budi, irma):
        client.force_login(user)
        assert offered(client.get(detail_url(application))) == []
        response = client.post(action_url(application, "konfirmasi-bayar"), {"payment": payment.pk})
        assert response.status_code == 403
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING


def test_a_payment_of_another_application_is_not_confirmed_here(client, pbg_paid_pending, fajar):
    application, payment = pbg_paid_pending
    response = post_as(client, fajar, application, "konfirmasi-bayar", {"payment": payment.pk + 1000})
    assert response.status_code == 409 and "tidak ditemukan" in text(response)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING


def test_the_head_revokes_an_issued_permit_with_a_reason(client, issued_siup, rahmat, fajar):
    before = snapshot(issued_siup)
    response = post_as(client, fajar, issued_siup, "cabut", {"reason": "Usaha tutup."})
    assert response.status_code == 403 and "hanya dapat dicabut oleh Kepala" in html(response)
    response = post_as(client, rahmat, issued_siup, "cabut", {"reason": ""})
    assert response.status_code == 400 and "Alasan pencabutan wajib diisi." in text(response)
    assert snapshot(issued_siup) == before

    response = post_as(client, rahmat, issued_siup, "cabut", {"reason": "Usaha terbukti menjual barang terlarang."})

    assert response.status_code == 302
    current = fresh(issued_siup)
    assert current.status == Status.REVOKED and current.certificate.revoked_at is not None
    page = text(client.get(detail_url(issued_siup)))
    assert "Alasan pencabutan" in page and "Izin dicabut" in page
    response = post_as(client, rahmat, issued_siup, "cabut", {"reason": "Lagi."})
    assert response.status_code == 409


def test_the_history_on_the_file_tells_every_move_with_notes_and_holders(client, siup, fajar, gilang, rahmat, irma):
    actions.do_claim(fajar, siup)
    actions.do_assign(fajar, siup, gilang)
    actions.do_forward(gilang, siup, note="Lengkap.")
    actions.do_return(rahmat, siup, "Periksa NPWP.")
    client.force_login(irma)
    page = text(client.get(detail_url(siup)))
    history = page[page.index("Riwayat lengkap") :]
    for expected in (
        "Diajukan",
        "Diambil petugas",
        "Pemegang: Fajar Nugroho",
        "Ditugaskan kepada petugas",
        "Pemegang: Gilang Ramadhan",
        "Diteruskan ke langkah berikutnya",
        "Catatan: Lengkap.",
        "Dikembalikan ke langkah sebelumnya",
        "Alasan: Periksa NPWP.",
    ):
        assert expected in history, expected


def test_a_late_step_shows_late_on_the_queue_and_the_file_with_its_holder_and_the_escalation(client, siup, fajar, irma):
    from deadlines import scanner

    actions.do_claim(fajar, siup)
    clock = Deadline.objects.for_case(siup).get()
    scanner.scan(now=clock.due_at + timedelta(minutes=5))
    client.force_login(irma)

    page = text(client.get(detail_url(siup)))

    step = page[page.index("Tenggat langkah") :][:200]
    assert "Terlambat" in step
    clocks = page[page.index("Mulai (WIB)") :][:400]
    assert "Fajar Nugroho" in clocks and "Terlambat" in clocks
    history = page[page.index("Riwayat lengkap") :]
    assert "Tenggat terlewati, dieskalasi" in history and "Diberi tahu: Irma Nasution" in history
    row = text(client.get(QUEUE))
    assert "Terlambat" in row[row.index(siup.registration_number) :][:400]


def test_the_queue_costs_the_same_queries_for_two_or_twelve_applications(client, siti, city, fajar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(fajar)

    def queries_for_queue():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    for _ in range(2):
        submitted(siti, city, "siup")
    few = queries_for_queue()
    for _ in range(10):
        submitted(siti, city, "siup")
    assert queries_for_queue() == few
