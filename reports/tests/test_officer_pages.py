"""The officer side of e-Masyarakat in the browser: the Command Center's inbox, the OPD work queue,
a report's file and every button on it, told with the whole cast through Django's test client."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from conftest import SITI_NIK, make_citizen, make_officer, opd
from deadlines import scanner
from deadlines.models import Deadline
from notifications.models import Notification
from reports import actions
from reports.models import Category, Report, Status, Support
from reports.tests.conftest import photo, submit
from reports.views import officer

pytestmark = pytest.mark.usefixtures("media")

QUEUE = reverse("reports:queue")
INBOX = reverse("reports:coordinator_inbox")
LOGIN = reverse("accounts:login")


def detail_url(report):
    return reverse("reports:officer_detail", args=[report.number])


def action_url(report, action):
    return reverse("reports:officer_action", args=[report.number, action])


def local_time(moment, city):
    """How a page shows a moment: hours and minutes in the city's zone."""
    return timezone.localtime(moment, city.zone).strftime("%H:%M")


def html(response):
    return response.content.decode()


def events_of(report):
    return AuditEvent.objects.filter(object_type="reports.report", object_id=str(report.pk))


def status_of(report):
    return Report.objects.get(pk=report.pk).status


def post_as(client, user, report, action, data=None):
    client.force_login(user)
    return client.post(action_url(report, action), data or {})


@pytest.fixture
def received(siti, tangsi):
    return submit(siti, tangsi)


@pytest.fixture
def verified(received, bayu):
    return actions.do_verify(bayu, received)


@pytest.fixture
def dispositioned(verified, bayu):
    return actions.do_disposition(bayu, verified)


@pytest.fixture
def in_progress(dispositioned, budi):
    return actions.do_start_work(budi, dispositioned, "Penambalan dijadwalkan Kamis.")


def snapshot(report):
    """What a refused request must leave as it was: the status, the audit trail and the outbox."""
    return status_of(report), events_of(report).count(), Notification.objects.count()


# --- who may open the pages -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, received):
    for url in (QUEUE, INBOX, detail_url(received)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    response = client.post(action_url(received, "verifikasi"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert status_of(received) == Status.RECEIVED


@pytest.mark.parametrize("citizen", ["siti", "andi"])
def test_citizens_are_refused_every_officer_page_even_for_their_own_report(client, request, received, citizen):
    client.force_login(request.getfixturevalue(citizen))

    for url in (QUEUE, INBOX, detail_url(received)):
        response = client.get(url)
        assert response.status_code == 403
        assert "hanya untuk petugas" in html(response)
    assert client.post(action_url(received, "verifikasi")).status_code == 403
    assert status_of(received) == Status.RECEIVED


def test_dewi_of_dlh_cannot_even_see_a_pupr_report(client, dewi, in_progress):
    before = snapshot(in_progress)
    client.force_login(dewi)

    assert client.get(detail_url(in_progress)).status_code == 404
    for action in ("selesaikan", "catatan-internal", "tugaskan"):
        assert client.post(action_url(in_progress, action), {"text": "x", "response": "x"}).status_code == 404
    assert snapshot(in_progress) == before


def test_opd_officers_have_no_coordinator_inbox(client, budi, hendra, dewi):
    for user in (budi, hendra, dewi):
        client.force_login(user)
        response = client.get(INBOX)
        assert response.status_code == 403
        assert "operator Command Center" in html(response)


def test_unknown_numbers_and_actions_are_not_found(client, bayu, received):
    client.force_login(bayu)
    year = received.created_at.year

    for number in ("LP-2026-9999999", "bukan-nomor", f"LP-{year - 1}-{received.pk:07d}"):
        assert client.get(reverse("reports:officer_detail", args=[number])).status_code == 404
    assert client.post(action_url(received, "hapus")).status_code == 404
    assert client.get(action_url(received, "verifikasi")).status_code == 405
    assert status_of(received) == Status.RECEIVED


def test_the_workspace_links_each_role_to_its_report_lists(client, city, bayu, budi, irma):
    planner = make_officer("198807072012011007", "Rudi Ginting", opd(city, "bappeda"), Role.BAPPEDA_PLANNER)
    workspace = reverse("portal:officer_workspace")
    for user, sees_queue, sees_inbox in (
        (bayu, True, True),
        (irma, True, True),
        (budi, True, False),
        (planner, False, False),
    ):
        client.force_login(user)
        page = html(client.get(workspace))
        assert (f'href="{QUEUE}"' in page) is sees_queue
        assert (f'href="{INBOX}"' in page) is sees_inbox


# --- the report's file ------------------------------------------------------------------------------


def test_the_handling_opd_sees_an_anonymous_reporter_with_contact_but_never_the_nik(client, siti, bayu, budi, tangsi):
    report = submit(siti, tangsi, anonymous=True)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    client.force_login(budi)

    page = html(client.get(detail_url(report)))

    assert "Siti Aminah" in page and siti.phone in page and "siti@example.org" in page
    assert "dirahasiakan dari publik" in page
    assert siti.masked_nik in page and SITI_NIK not in page
    assert reverse("reports:photo", args=[report.number, report.photos.get().pk]) in page
    assert "Lubang besar di Jalan Tangsi" in page


def test_irma_reads_everything_including_internal_history_but_is_offered_no_button(client, irma, budi, in_progress):
    actions.do_add_note(budi, in_progress, "Aspal dipesan dari gudang.", public=False)
    client.force_login(irma)

    response = client.get(detail_url(in_progress))

    page = html(response)
    assert response.status_code == 200
    assert "Aspal dipesan dari gudang." in page and "Catatan internal" in page
    assert "Budi Santoso (Dinas PUPR)" in page and "Bayu Pratama (Diskominfo)" in page
    assert "Inspektorat mengawasi laporan ini" in page
    assert 'method="post" action="/petugas/' not in page
    assert "+6281234567801" not in page  # the reporter's contact is for those who follow up


def test_the_file_shows_the_live_clocks_with_due_time_and_the_full_history(client, city, bayu, dispositioned):
    client.force_login(bayu)

    page = html(client.get(detail_url(dispositioned)))

    assert "Rencana tindak lanjut OPD" in page and "Penyelesaian oleh OPD" in page
    assert "Verifikasi oleh Command Center" in page and "Selesai tepat waktu" in page
    due = Deadline.objects.for_case(dispositioned).get(kind=actions.CLOCK_PLAN).due_at
    assert local_time(due, city) in page
    for label in ("Laporan diterima", "Status: Terverifikasi", "Status: Didisposisikan ke OPD"):
        assert f"<td>{label}</td>" in page
    # The category's question, answered in the words of the form.
    assert "Seberapa parah kerusakannya?" in page and "Sedang (lubang mengganggu kendaraan)" in page


def test_each_role_is_offered_only_its_own_buttons_for_the_status(client, bayu, budi, hendra, received):
    client.force_login(bayu)
    page = html(client.get(detail_url(received)))
    for action in ("verifikasi", "tolak", "bukan-kewenangan", "gabungkan", "balas-publik", "catatan-internal"):
        assert f'action="{action_url(received, action)}"' in page
    for action in ("disposisi", "mulai", "selesaikan", "tugaskan", "kembalikan"):
        assert f'action="{action_url(received, action)}"' not in page

    actions.do_verify(bayu, received)
    actions.do_disposition(bayu, received)
    client.force_login(budi)
    page = html(client.get(detail_url(received)))
    for action in ("mulai", "kembalikan", "tugaskan", "balas-publik", "catatan-internal"):
        assert f'action="{action_url(received, action)}"' in page
    for action in ("verifikasi", "disposisi", "tolak", "gabungkan", "selesaikan"):
        assert f'action="{action_url(received, action)}"' not in page
    assert "Hendra Siregar" in page  # a colleague to assign to


# --- the Command Center's buttons -------------------------------------------------------------------


def test_bayu_verifies_and_siti_hears_of_it(client, bayu, siti, received):
    response = post_as(client, bayu, received, "verifikasi")

    assert response.status_code == 302 and response["Location"] == detail_url(received)
    assert status_of(received) == Status.VERIFIED
    assert events_of(received).filter(action="report.verified", actor=bayu, public=True).exists()
    assert Notification.objects.filter(user=siti, template="report_status").exists()
    assert "Laporan telah diverifikasi." in html(client.get(response["Location"]))


def test_verifying_twice_is_an_illegal_move_shown_with_its_message(client, bayu, verified):
    before = snapshot(verified)

    response = post_as(client, bayu, verified, "verifikasi")

    assert response.status_code == 409
    assert "tidak dapat diubah menjadi" in html(response) and "Terverifikasi" in html(response)
    assert snapshot(verified) == before


def test_disposition_goes_to_the_category_opd_unless_bayu_chooses_another(client, bayu, siti, andi, tangsi, city):
    pupr, dlh = opd(city, "dinas-pupr"), opd(city, "dlh")
    first = actions.do_verify(bayu, submit(siti, tangsi))
    second = actions.do_verify(bayu, submit(andi, tangsi))
    client.force_login(bayu)
    assert f'<option value="{pupr.pk}" selected>' in html(client.get(detail_url(first)))

    assert client.post(action_url(first, "disposisi"), {"opd": pupr.pk}).status_code == 302
    assert client.post(action_url(second, "disposisi"), {"opd": dlh.pk}).status_code == 302

    assert Report.objects.get(pk=first.pk).opd == pupr
    assert Report.objects.get(pk=second.pk).opd == dlh
    assert Deadline.objects.for_case(second).live().filter(opd=dlh).count() == 2


def test_an_unknown_opd_is_a_form_error(client, bayu, verified):
    before = snapshot(verified)

    response = post_as(client, bayu, verified, "disposisi", {"opd": "999999"})

    assert response.status_code == 400 and "Pilih OPD yang tersedia." in html(response)
    assert snapshot(verified) == before


def test_rejecting_needs_a_reason_and_a_refusal_writes_nothing(client, bayu, siti, received):
    before = snapshot(received)

    response = post_as(client, bayu, received, "tolak", {"reason": "   "})

    assert response.status_code == 400
    assert "Alasan penolakan wajib diisi." in html(response)
    assert snapshot(received) == before

    response = client.post(action_url(received, "tolak"), {"reason": "Foto dan uraian tidak menunjukkan masalah."})
    assert response.status_code == 302 and status_of(received) == Status.REJECTED
    assert events_of(received).get(action="report.rejected").reason == "Foto dan uraian tidak menunjukkan masalah."


def test_not_our_authority_needs_the_authority_named(client, bayu, received):
    before = snapshot(received)

    response = post_as(client, bayu, received, "bukan-kewenangan", {"reason": ""})
    assert response.status_code == 400 and "Jelaskan instansi yang berwenang." in html(response)
    assert snapshot(received) == before

    response = client.post(action_url(received, "bukan-kewenangan"), {"reason": "Jalan nasional: BBPJN Sumut."})
    assert response.status_code == 302 and status_of(received) == Status.NOT_AUTHORITY
    assert not Deadline.objects.for_case(received).live().exists()


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("", "Tuliskan nomor laporan asli."),
        ("LP-2026-9999999", "tidak ditemukan"),
        ("sembarang", "tidak ditemukan"),
        ("SELF", "bukan laporan ini"),
    ],
)
def test_merging_into_itself_or_an_unknown_number_is_a_form_error(client, bayu, received, into, message):
    before = snapshot(received)

    response = post_as(client, bayu, received, "gabungkan", {"into": received.number if into == "SELF" else into})

    assert response.status_code == 400 and message in html(response)
    assert snapshot(received) == before


def test_bayu_may_not_follow_up_for_the_opd(client, bayu, dispositioned, in_progress):
    before = snapshot(in_progress)

    for action, data in (
        ("mulai", {"plan": "Ditangani"}),
        ("selesaikan", {"response": "Sudah", "proof_photos": photo("bukti.jpg")}),
        ("kembalikan", {"reason": "Bukan tugas"}),
        ("tugaskan", {"officer": "999999"}),
    ):
        response = post_as(client, bayu, in_progress, action, data)
        assert response.status_code == 403, action
        assert "Hanya petugas OPD yang menangani" in html(response)
    assert snapshot(in_progress) == before


# --- the OPD's buttons --------------------------------------------------------------------------------


def test_budi_starts_work_and_the_plan_reaches_siti(client, budi, siti, dispositioned):
    response = post_as(client, budi, dispositioned, "mulai", {"plan": "Penambalan Kamis pagi."})

    assert response.status_code == 302
    report = Report.objects.get(pk=dispositioned.pk)
    assert report.status == Status.IN_PROGRESS and report.assigned_to == budi
    assert report.follow_up_plan == "Penambalan Kamis pagi."
    assert Deadline.objects.for_case(report).live().get(kind=actions.CLOCK_RESOLVE).holder == budi
    assert Notification.objects.filter(user=siti, body__contains="Penambalan Kamis pagi.").exists()


def test_hendra_the_head_of_pupr_may_act_too(client, hendra, dispositioned):
    response = post_as(client, hendra, dispositioned, "mulai", {"plan": "Tim lapangan berangkat besok."})

    assert response.status_code == 302 and status_of(dispositioned) == Status.IN_PROGRESS


def test_budi_resolves_with_a_response_and_a_proof_photo(client, budi, siti, in_progress):
    response = post_as(
        client, budi, in_progress, "selesaikan", {"response": "Lubang sudah ditambal.", "proof_photos": photo("b.jpg")}
    )

    assert response.status_code == 302
    report = Report.objects.get(pk=in_progress.pk)
    assert report.status == Status.RESOLVED and report.resolution == "Lubang sudah ditambal."
    assert report.photos.filter(kind="proof").count() == 1
    assert Notification.objects.filter(user=siti, body__contains="Lubang sudah ditambal.").exists()


def fake_photo():
    return SimpleUploadedFile("bukti.jpg", b"bukan foto, hanya teks", content_type="image/jpeg")


@pytest.mark.parametrize(
    ("response_text", "upload", "message"),
    [
        ("Sudah ditambal.", None, "Lampirkan minimal satu foto bukti penyelesaian."),
        ("Sudah ditambal.", fake_photo, "bukan foto JPEG, PNG atau WebP"),
        ("", photo, "Tanggapan penyelesaian wajib diisi."),
    ],
    ids=["no-photo", "fake-image", "no-response"],
)
def test_resolving_without_a_real_proof_photo_or_a_response_is_a_form_error(
    client, budi, in_progress, response_text, upload, message
):
    before = snapshot(in_progress)
    data = {"response": response_text}
    if upload is not None:
        data["proof_photos"] = upload()

    response = post_as(client, budi, in_progress, "selesaikan", data)

    assert response.status_code == 400 and message in html(response)
    assert Report.objects.get(pk=in_progress.pk).photos.filter(kind="proof").count() == 0
    assert snapshot(in_progress) == before


def test_resolving_a_report_not_yet_dispositioned_is_an_illegal_move(client, budi, received):
    before = snapshot(received)

    response = post_as(client, budi, received, "selesaikan", {"response": "Sudah.", "proof_photos": photo("b.jpg")})

    assert response.status_code == 409
    assert "berstatus &#x27;Diterima&#x27; tidak dapat diubah menjadi" in html(response)
    assert snapshot(received) == before


def test_budi_may_not_verify_for_the_command_center(client, budi, received):
    before = snapshot(received)

    # Who may act is checked before the input is looked up: an unknown number or OPD still answers 403.
    for action, data in (
        ("verifikasi", {}),
        ("tolak", {"reason": "x"}),
        ("gabungkan", {"into": "LP-2026-9999999"}),
        ("disposisi", {"opd": "999999"}),
    ):
        response = post_as(client, budi, received, action, data)
        assert response.status_code == 403, action
        assert "Hanya operator Command Center atau admin kota" in html(response)
    assert snapshot(received) == before


def test_budi_hands_a_wrong_disposition_back_with_a_reason(client, budi, dispositioned):
    response = post_as(client, budi, dispositioned, "kembalikan", {"reason": ""})
    assert response.status_code == 400 and "Jelaskan mengapa laporan ini bukan tugas OPD Anda." in html(response)

    response = client.post(action_url(dispositioned, "kembalikan"), {"reason": "Saluran ini milik BWS."})
    assert response.status_code == 302 and status_of(dispositioned) == Status.VERIFIED


def test_budi_assigns_to_hendra_who_is_told_and_holds_the_clock(client, budi, hendra, in_progress):
    response = post_as(client, budi, in_progress, "tugaskan", {"officer": hendra.pk})

    assert response.status_code == 302
    assert Report.objects.get(pk=in_progress.pk).assigned_to == hendra
    assert Notification.objects.filter(user=hendra, template="report_assigned").exists()
    assert Deadline.objects.for_case(in_progress).live().get(kind=actions.CLOCK_RESOLVE).holder == hendra
    assert events_of(in_progress).filter(action="report.assigned", public=False).exists()


@pytest.mark.parametrize("officer", ["dewi", "irma", "siti", "missing", "blank", "text"])
def test_assigning_to_someone_outside_the_opd_is_a_form_error(client, request, budi, in_progress, officer):
    value = {"missing": "999999", "blank": "", "text": "budi"}.get(officer)
    if value is None:
        value = request.getfixturevalue(officer).pk
    before = snapshot(in_progress)

    response = post_as(client, budi, in_progress, "tugaskan", {"officer": value})

    assert response.status_code == 400
    assert Report.objects.get(pk=in_progress.pk).assigned_to == budi
    assert snapshot(in_progress) == before


# --- notes: internal vs public -------------------------------------------------------------------------


def test_an_internal_note_stays_inside_and_tells_nobody(client, budi, siti, in_progress):
    outbox = Notification.objects.count()

    response = post_as(client, budi, in_progress, "catatan-internal", {"text": "Tunggu alat berat dari gudang."})

    assert response.status_code == 302
    assert Notification.objects.count() == outbox
    assert "Tunggu alat berat dari gudang." in html(client.get(detail_url(in_progress)))
    client.logout()
    public_page = html(client.get(reverse("reports:detail", args=[in_progress.number])))
    client.force_login(siti)
    citizen_page = html(client.get(reverse("reports:mine_detail", args=[in_progress.number])))
    for page in (public_page, citizen_page):
        assert "Tunggu alat berat" not in page and "Budi Santoso" not in page


def test_a_public_reply_reaches_siti_and_the_public_timeline(client, budi, siti, in_progress):
    response = post_as(client, budi, in_progress, "balas-publik", {"text": "Tim datang Kamis pukul 09.00."})

    assert response.status_code == 302
    assert Notification.objects.filter(user=siti, template="report_reply", body__contains="Kamis pukul 09.00").exists()
    client.logout()
    public_page = html(client.get(reverse("reports:detail", args=[in_progress.number])))
    assert "Tim datang Kamis pukul 09.00." in public_page and "Budi Santoso" not in public_page


def test_an_empty_note_is_a_form_error(client, budi, in_progress):
    before = snapshot(in_progress)

    response = post_as(client, budi, in_progress, "balas-publik", {"text": " "})

    assert response.status_code == 400 and "Isi catatan wajib diisi." in html(response)
    assert snapshot(in_progress) == before


@pytest.mark.parametrize("action", list(officer.ACTIONS))
def test_irma_is_refused_every_button_with_a_message(client, irma, in_progress, action):
    before = snapshot(in_progress)
    data = {
        "reason": "x",
        "plan": "x",
        "text": "x",
        "response": "x",
        "into": "LP-2026-9999999",
        "officer": "999999",
        "opd": "999999",
        "proof_photos": photo("b.jpg"),
    }

    response = post_as(client, irma, in_progress, action, data)

    assert response.status_code == 403
    page = html(response)
    assert "Inspektorat hanya dapat membaca" in page or "Hanya operator Command Center" in page
    assert snapshot(in_progress) == before


# --- merging duplicates -------------------------------------------------------------------------------


def test_a_merged_duplicate_brings_its_reporter_and_supporters_to_the_original(client, bayu, budi, siti, andi, tangsi):
    original = submit(siti, tangsi)
    actions.do_verify(bayu, original)
    duplicate = submit(andi, tangsi, description="Jalan Tangsi berlubang besar dekat sekolah.")
    actions.do_verify(bayu, duplicate)
    rina = make_citizen("1275016004920001", "Rina Sembiring", phone="+6281234567803")
    actions.do_support(rina, duplicate)

    client.force_login(bayu)
    page = html(client.get(detail_url(duplicate)))
    assert f'name="into" value="{original.number}"' in page  # suggested: close by and alike

    response = client.post(action_url(duplicate, "gabungkan"), {"into": original.number})

    assert response.status_code == 302
    merged = Report.objects.get(pk=duplicate.pk)
    assert merged.status == Status.DUPLICATE and merged.duplicate_of_id == original.pk
    assert set(Support.objects.filter(report=original).values_list("user", flat=True)) == {andi.pk, rina.pk}
    assert f'href="{detail_url(original)}"' in html(client.get(detail_url(duplicate)))

    client.post(action_url(original, "disposisi"), {"opd": original.opd_id})
    post_as(client, budi, original, "mulai", {"plan": "Ditambal minggu ini."})
    Notification.objects.all().delete()
    response = client.post(
        action_url(original, "selesaikan"), {"response": "Lubang sudah ditambal.", "proof_photos": photo("b.jpg")}
    )

    assert response.status_code == 302
    told = Notification.objects.filter(template="report_status", body__contains="Lubang sudah ditambal.")
    assert set(told.values_list("user", flat=True)) == {siti.pk, andi.pk, rina.pk}


# --- the OPD work queue ---------------------------------------------------------------------------------


@pytest.fixture
def three_pupr_reports(siti, bayu, budi, hendra, tangsi, city):
    """Filed drainage (10 days), urgent (2 days), road (14 days); the urgent one is due first."""
    Category.objects.create(
        city=city,
        code="jembatan-darurat",
        name="Jembatan darurat",
        description="Jembatan rusak yang membahayakan.",
        group="Infrastruktur",
        opd=opd(city, "dinas-pupr"),
        resolution_days=2,
    )
    drainage = submit(siti, tangsi, category_code="drainase", attributes={})
    urgent = submit(siti, tangsi, category_code="jembatan-darurat", attributes={})
    road = submit(siti, tangsi)
    for report in (drainage, urgent, road):
        actions.do_verify(bayu, report)
        actions.do_disposition(bayu, report)
    # Once work starts the 5-day plan clock stops and the category's own deadline counts.
    actions.do_start_work(budi, drainage, "Normalisasi saluran.")
    actions.do_start_work(budi, road, "Penambalan.")
    actions.do_assign(budi, road, hendra)
    return drainage, urgent, road


def queue_numbers(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    page = html(response)
    return [r.number for r in Report.objects.order_by("id") if f">{r.number}</a>" in page], page


def in_page_order(page, reports):
    return sorted(reports, key=lambda report: page.index(f">{report.number}</a>"))


def test_the_queue_sorts_by_deadline_newest_or_oldest(client, budi, three_pupr_reports):
    drainage, urgent, road = three_pupr_reports
    client.force_login(budi)

    _, page = queue_numbers(client)
    assert in_page_order(page, [drainage, urgent, road]) == [urgent, drainage, road]
    _, page = queue_numbers(client, urut="terbaru")
    assert in_page_order(page, [drainage, urgent, road]) == [road, urgent, drainage]
    _, page = queue_numbers(client, urut="terlama")
    assert in_page_order(page, [drainage, urgent, road]) == [drainage, urgent, road]


def test_the_queue_row_shows_category_kelurahan_status_assignee_and_due_time(client, city, budi, three_pupr_reports):
    road = three_pupr_reports[2]
    client.force_login(budi)

    _, page = queue_numbers(client)

    due = local_time(Deadline.objects.for_case(road).live().get().due_at, city)
    for text in ("Jalan rusak", "Tangsi", "Sedang ditindaklanjuti", "Hendra Siregar", due, "WIB"):
        assert text in page


def test_ditugaskan_ke_saya_shows_only_what_is_assigned_to_me(client, budi, hendra, three_pupr_reports):
    drainage, urgent, road = three_pupr_reports

    client.force_login(budi)
    numbers, _ = queue_numbers(client, saya="1")
    assert numbers == [drainage.number]
    client.force_login(hendra)
    numbers, _ = queue_numbers(client, saya="1")
    assert numbers == [road.number]


def test_the_queue_holds_only_the_officers_own_opd(client, siti, bayu, budi, dewi, irma, tangsi, three_pupr_reports):
    rubbish = submit(siti, tangsi, category_code="sampah", attributes={})
    actions.do_verify(bayu, rubbish)
    actions.do_disposition(bayu, rubbish)
    waiting = submit(siti, tangsi)  # not dispositioned yet: in the inbox, not in any queue
    pupr = {report.number for report in three_pupr_reports}

    client.force_login(budi)
    assert set(queue_numbers(client)[0]) == pupr
    client.force_login(dewi)
    assert queue_numbers(client)[0] == [rubbish.number]
    for overseer in (irma, bayu):
        client.force_login(overseer)
        numbers, page = queue_numbers(client)
        assert set(numbers) == pupr | {rubbish.number} and waiting.number not in numbers
        assert "DLH" in page


@pytest.mark.parametrize("params", [{"urut": "acak"}, {"setelah": "bukan-kursor"}], ids=["sort", "cursor"])
def test_an_unknown_sort_or_cursor_is_a_clear_message(client, budi, params):
    client.force_login(budi)

    response = client.get(QUEUE, params)

    assert response.status_code == 400
    assert "tenggat, terbaru, terlama" in html(response) or "Kursor halaman tidak valid." in html(response)


def next_page_link(page, text):
    """The href of the page's "next" link, as a browser would follow it."""
    found = re.search(rf'href="(\?[^"]+)">{text}</a>', page)
    return unescape(found.group(1)) if found else None


def shown_in_order(page, reports):
    """The reports that appear on the page, in the page's order."""
    return in_page_order(page, [report for report in reports if f">{report.number}</a>" in page])


@pytest.mark.parametrize("sort", ["tenggat", "terbaru", "terlama"])
def test_the_queue_pages_on_with_a_cursor_without_gaps_or_repeats(client, monkeypatch, budi, three_pupr_reports, sort):
    client.force_login(budi)
    whole = shown_in_order(queue_numbers(client, urut=sort)[1], three_pupr_reports)
    monkeypatch.setattr(officer, "PAGE_SIZE", 2)

    page = queue_numbers(client, urut=sort)[1]
    first = shown_in_order(page, three_pupr_reports)
    page = html(client.get(QUEUE + next_page_link(page, "Laporan berikutnya")))
    second = shown_in_order(page, three_pupr_reports)

    assert len(first) == 2 and first + second == whole
    assert next_page_link(page, "Laporan berikutnya") is None


def test_citizens_and_anonymous_visitors_have_no_queue(client, siti):
    assert client.get(QUEUE).status_code == 302
    client.force_login(siti)
    assert client.get(QUEUE).status_code == 403


# --- the Command Center inbox ---------------------------------------------------------------------------


def test_the_inbox_lists_reports_to_verify_with_their_deadline_and_verified_ones_to_route(
    client, city, siti, andi, bayu, tangsi, dispositioned
):
    to_verify = submit(andi, tangsi)
    to_route = actions.do_verify(bayu, submit(siti, tangsi, category_code="sampah", attributes={}))
    client.force_login(bayu)

    page = html(client.get(INBOX))

    verify_section, route_section = page.split('id="judul-disposisi"')
    assert to_verify.number in verify_section and to_route.number in route_section
    assert dispositioned.number not in page
    due = Deadline.objects.for_case(to_verify).get(kind=actions.CLOCK_VERIFY).due_at
    assert local_time(due, city) in verify_section
    assert "DLH" in route_section


def test_irma_reads_the_inbox_and_is_told_she_does_not_act(client, irma, received):
    client.force_login(irma)

    page = html(client.get(INBOX))

    assert received.number in page and "Anda dapat membaca kotak masuk ini" in page


def test_the_inbox_pages_oldest_first(client, monkeypatch, siti, bayu, tangsi):
    monkeypatch.setattr(officer, "PAGE_SIZE", 2)
    reports = [submit(siti, tangsi) for _ in range(3)]
    client.force_login(bayu)

    page = html(client.get(INBOX))
    assert in_page_order(page, reports[:2]) == reports[:2] and reports[2].number not in page
    page = html(client.get(INBOX + next_page_link(page, "Laporan berikutnya yang menunggu verifikasi")))
    assert reports[2].number in page and reports[0].number not in page
    assert next_page_link(page, "Laporan berikutnya yang menunggu verifikasi") is None

    response = client.get(INBOX, {"lanjut_disposisi": "rusak"})
    assert response.status_code == 400 and "Kursor halaman tidak valid." in html(response)


# --- breaches: the foundation's scanner escalates, the lists show it ----------------------------------


def test_a_report_left_unverified_is_escalated_once_to_the_inspektorat_and_the_kominfo_head(
    client, city, irma, hendra, bayu, received
):
    kominfo_head = make_officer(
        "197001012000011009", "Yusuf Harahap", opd(city, "diskominfo"), Role.HEAD, email="yusuf@kominfo.example.org"
    )
    later = timezone.now() + timedelta(days=10)  # past 3 working days, holidays and weekends included

    first = scanner.scan(now=later)
    second = scanner.scan(now=later + timedelta(minutes=1))

    assert first.breaches_escalated == 1 and second.breaches_escalated == 0
    clock = Deadline.objects.for_case(received).get(kind=actions.CLOCK_VERIFY)
    assert clock.breached_at is not None
    escalated_to = set(Notification.objects.filter(template="deadline_breached").values_list("user", flat=True))
    assert escalated_to == {irma.pk, kominfo_head.pk}
    assert events_of(received).filter(action="deadline.breached").count() == 1

    client.force_login(bayu)
    assert "Terlambat" in html(client.get(INBOX))
    assert "Tenggat terlewati, dieskalasi" in html(client.get(detail_url(received)))


def test_a_late_report_carries_the_late_badge_in_the_queue(client, budi, in_progress):
    Deadline.objects.for_case(in_progress).update(breached_at=timezone.now())
    client.force_login(budi)

    assert "badge-late" in queue_numbers(client)[1]
