"""Monday morning at RSUD Dr. R.M. Djoelham, through the staff pages: Sri checks patients in at the desk by their
booking code (typed, or read by the scanner from the QR code), registers a walk-in, and the poli calls, recalls,
skips and serves them; every mistake gets a clear answer. Agus (Dinas Kesehatan) works only the puskesmas; a
doctor with a login works only the queue of their own sessions; nobody else gets in."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Role
from clinics.models import Appointment, Practitioner, ScheduleException, SessionStatus, Status
from clinics.tests.conftest import MONDAY, at, book, session_of
from conftest import make_officer, opd
from portal.tests.test_accessibility import structure

HOME = reverse("clinics_staff:home")
CHECK_IN = reverse("clinics_staff:check_in")
WALK_IN_NIK = "1275016007800001"  # woman born 20 July 1980, Binjai


def page(pk):
    return reverse("clinics_staff:session", args=[pk])


def move(session, appointment, action):
    return reverse("clinics_staff:move", args=[session.pk, appointment.pk, action])


def text(response):
    return response.content.decode()


def flashed(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def three_booked(siti, andi, aisyah, poli_anak):
    """Aisyah (1), Andi (2) and Siti (3) booked into Monday's Poli Anak."""
    return [book(siti, poli_anak, member=aisyah), book(andi, poli_anak), book(siti, poli_anak)]


@pytest.fixture
def desk(client, sri, clock):
    client.force_login(sri)
    return client


def check_in(client, code, **extra):
    return client.post(CHECK_IN, {"code": code, **extra})


# --- the desk ----------------------------------------------------------------------------------------


def test_the_desk_shows_todays_sessions_with_their_counters_and_a_focused_code_field(desk, three_booked, poli_anak):
    check_in(desk, three_booked[0].booking_code)
    response = desk.get(HOME)
    assert response.status_code == 200
    body = text(response)
    assert "RSUD Dr. R.M. Djoelham" in body and "Puskesmas" not in body
    assert 'name="code"' in body and "autofocus" in body and 'id="pindai-qr"' in body
    anak = next(
        session
        for group in response.context["groups"]
        for item in group["clinics"]
        for session in item["sessions"]
        if session.pk == poli_anak.pk
    )
    assert (anak.registered, anak.checked_in, anak.waiting, anak.served, anak.no_shows) == (3, 1, 1, 0, 0)
    assert page(poli_anak.pk) in body
    assert reverse("clinics:board", args=["rsud-djoelham", "anak"]) in body


def test_a_code_in_the_address_is_filled_in(desk, sessions):
    response = desk.get(HOME, {"kode": "ABCD2345"})
    assert 'value="ABCD2345"' in text(response)


def test_sri_checks_a_patient_in_by_the_code_typed_loosely(desk, three_booked, clock):
    clock.set(at(MONDAY, 8, 5))
    first = three_booked[0]
    typed = f"{first.booking_code[:4].lower()}-{first.booking_code[4:]}"
    response = check_in(desk, typed)
    assert response.status_code == 302 and response["Location"] == HOME
    first.refresh_from_db()
    assert first.status == Status.CHECKED_IN and first.checked_in_at == at(MONDAY, 8, 5)
    shown = flashed(desk.get(HOME))
    assert shown == [
        "Check-in berhasil: Aisyah Putri — Poli Anak, dr. Rahmawati Lubis, Sp.A, nomor antrean 1.",
    ]


def test_unknown_codes_and_empty_fields_are_refused_with_the_reason(desk, three_booked):
    response = check_in(desk, "ZZZZ2222")
    assert response.status_code == 400
    assert "Kode booking ZZZZ2222 tidak ditemukan di RSUD Dr. R.M. Djoelham" in text(response)
    response = check_in(desk, "   ")
    assert response.status_code == 400 and "Isi kode booking pasien." in text(response)
    assert not Appointment.objects.filter(status=Status.CHECKED_IN).exists()


def test_a_code_for_another_day_is_refused(desk, siti, sessions):
    wednesday = session_of("rsud-djoelham", "anak", day=MONDAY + timedelta(days=2))
    later = book(siti, wednesday)
    response = check_in(desk, later.booking_code)
    assert response.status_code == 409
    assert "Pendaftaran ini untuk tanggal 03-03-2027; check-in hanya pada hari itu." in text(response)
    later.refresh_from_db()
    assert later.status == Status.BOOKED


def test_checking_in_twice_says_when_and_with_which_number(desk, three_booked, clock):
    clock.set(at(MONDAY, 8, 5))
    code = three_booked[1].booking_code
    assert check_in(desk, code).status_code == 302
    clock.advance(minutes=10)
    response = check_in(desk, code)
    assert response.status_code == 409
    assert "Andi Saputra sudah check-in pukul 08.05 (Poli Anak, nomor antrean 2" in text(response)


def test_another_facilitys_code_is_not_found_at_this_desk(desk, siti, sessions):
    puskesmas = book(siti, session_of("puskesmas-binjai-kota", "umum"))
    response = check_in(desk, puskesmas.booking_code)
    assert response.status_code == 400 and "tidak ditemukan di RSUD Dr. R.M. Djoelham" in text(response)
    puskesmas.refresh_from_db()
    assert puskesmas.status == Status.BOOKED


def test_agus_chooses_among_his_puskesmas(client, agus, siti, sessions, clock):
    kebun_lada = session_of("puskesmas-kebun-lada", "umum")
    appointment = book(siti, kebun_lada)
    client.force_login(agus)
    home = client.get(HOME)
    assert "Puskesmas Binjai Kota" in text(home) and "Puskesmas Kebun Lada" in text(home)
    assert "RSUD" not in text(home)
    binjai_kota = session_of("puskesmas-binjai-kota", "umum").clinic.facility
    response = check_in(client, appointment.booking_code, facility=binjai_kota.pk)
    assert response.status_code == 400 and "tidak ditemukan di Puskesmas Binjai Kota" in text(response)
    response = check_in(client, appointment.booking_code, facility=kebun_lada.clinic.facility.pk)
    assert response.status_code == 302 and response["Location"] == f"{HOME}?fasilitas={kebun_lada.clinic.facility.pk}"
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN


# --- the clinic queue ---------------------------------------------------------------------------------


@pytest.fixture
def arrived(desk, three_booked, clock):
    """Aisyah (1) and Siti (3) checked in; Andi (2) has not come yet. 08:30: the session starts."""
    clock.set(at(MONDAY, 8))
    for appointment in (three_booked[2], three_booked[0]):
        assert check_in(desk, appointment.booking_code).status_code == 302
    desk.get(HOME)  # the desk reads its messages
    clock.set(at(MONDAY, 8, 30))
    return three_booked


def test_the_session_page_lists_the_waiting_patients_by_number_and_name(desk, arrived, poli_anak):
    response = desk.get(page(poli_anak.pk))
    assert response.status_code == 200
    assert [a.queue_number for a in response.context["waiting"]] == [1, 3]
    assert response.context["not_checked_in"] == 1
    body = text(response)
    assert "Aisyah Putri" in body and "Siti Aminah" in body
    assert reverse("clinics_staff:call_next", args=[poli_anak.pk]) in body
    # The waiting list follows the desk's check-ins by itself (htmx), the buttons stay put.
    assert 'hx-select="#ringkasan"' in body and 'hx-trigger="every 15s"' in body


def test_the_poli_calls_serves_and_finishes_through_the_page(desk, arrived, poli_anak, clock):
    aisyah, _, siti = arrived
    response = desk.post(reverse("clinics_staff:call_next", args=[poli_anak.pk]))
    assert response.status_code == 302 and response["Location"] == page(poli_anak.pk) + "#antrean"
    assert flashed(desk.get(page(poli_anak.pk))) == ["Nomor 1 dipanggil: Aisyah Putri."]

    response = desk.post(reverse("clinics_staff:call_next", args=[poli_anak.pk]))
    assert response.status_code == 409
    assert "Nomor 1 masih dipanggil: tandai sedang dilayani atau lewati dulu." in text(response)

    assert desk.post(move(poli_anak, aisyah, "panggil-ulang")).status_code == 302
    clock.advance(minutes=2)
    assert desk.post(move(poli_anak, aisyah, "dilayani")).status_code == 302
    clock.advance(minutes=10)
    assert desk.post(move(poli_anak, aisyah, "selesai")).status_code == 302
    aisyah.refresh_from_db()
    assert (aisyah.status, aisyah.call_count) == (Status.DONE, 2)
    assert (aisyah.served_at, aisyah.done_at) == (at(MONDAY, 8, 32), at(MONDAY, 8, 42))

    desk.post(reverse("clinics_staff:call_next", args=[poli_anak.pk]))
    siti.refresh_from_db()
    assert siti.status == Status.CALLED
    page_after = desk.get(page(poli_anak.pk))
    assert [a.queue_number for a in page_after.context["in_room"]] == [3]
    assert [a.queue_number for a in page_after.context["finished"]] == [1]


def test_an_absent_patient_is_skipped_and_recalled_when_they_turn_up(desk, arrived, poli_anak):
    aisyah = arrived[0]
    desk.post(reverse("clinics_staff:call_next", args=[poli_anak.pk]))
    response = desk.post(move(poli_anak, aisyah, "lewati"))
    assert response.status_code == 302
    aisyah.refresh_from_db()
    assert aisyah.status == Status.SKIPPED
    listed = desk.get(page(poli_anak.pk))
    assert [a.queue_number for a in listed.context["skipped"]] == [1]
    assert "Panggil ulang nomor 1" in text(listed)
    assert desk.post(move(poli_anak, aisyah, "panggil-ulang")).status_code == 302
    aisyah.refresh_from_db()
    assert aisyah.status == Status.CALLED


def test_calling_with_nobody_waiting_and_serving_before_calling_are_refused(desk, three_booked, poli_anak, clock):
    clock.set(at(MONDAY, 8, 30))
    response = desk.post(reverse("clinics_staff:call_next", args=[poli_anak.pk]))
    assert response.status_code == 409
    assert "Belum ada pasien yang sudah check-in dan menunggu dipanggil." in text(response)

    check_in(desk, three_booked[0].booking_code)
    response = desk.post(move(poli_anak, three_booked[0], "dilayani"))
    assert response.status_code == 409
    assert "tidak dapat diubah menjadi &#x27;Sedang dilayani&#x27;" in text(response)
    response = desk.post(move(poli_anak, three_booked[0], "selesai"))
    assert response.status_code == 409
    three_booked[0].refresh_from_db()
    assert three_booked[0].status == Status.CHECKED_IN


def test_unknown_moves_and_another_sessions_patient_are_not_found(desk, three_booked, poli_anak, sessions):
    assert desk.post(move(poli_anak, three_booked[0], "hapus")).status_code == 404
    other = session_of("rsud-djoelham", "umum")
    assert desk.post(move(other, three_booked[0], "lewati")).status_code == 404
    assert desk.get(page(999999)).status_code == 404


def test_a_walk_in_joins_the_same_queue_already_checked_in(desk, three_booked, poli_anak, clock):
    clock.set(at(MONDAY, 8, 40))
    response = desk.post(
        reverse("clinics_staff:walk_in", args=[poli_anak.pk]),
        {"nik": WALK_IN_NIK, "name": "Rina Marpaung", "payment_type": "general"},
    )
    assert response.status_code == 302
    walk_in = Appointment.objects.get(patient_nik=WALK_IN_NIK)
    assert (walk_in.walk_in, walk_in.status, walk_in.queue_number) == (True, Status.CHECKED_IN, 4)
    listed = desk.get(page(poli_anak.pk))
    assert flashed(listed) == [
        f"Pasien loket terdaftar: Rina Marpaung, nomor antrean 4 (sudah check-in, kode booking {walk_in.booking_code})."
    ]
    assert [a.queue_number for a in listed.context["waiting"]] == [4]


def test_a_walk_in_with_bad_input_is_shown_again_with_the_fields_to_fix(desk, poli_anak, clock):
    url = reverse("clinics_staff:walk_in", args=[poli_anak.pk])
    response = desk.post(url, {"nik": "12345", "name": "", "payment_type": "jkn", "bpjs_number": ""})
    assert response.status_code == 400
    form = response.context["walk_in_form"]
    assert set(form.errors) >= {"nik", "name", "bpjs_number", "referral_number"}
    assert "Nomor kartu BPJS Kesehatan wajib diisi untuk pasien JKN." in text(response)
    assert not Appointment.objects.exists()


def test_a_walk_in_is_only_for_todays_session(desk, sessions, clock):
    tuesday = session_of("rsud-djoelham", "anak", day=MONDAY + timedelta(days=1))
    response = desk.post(
        reverse("clinics_staff:walk_in", args=[tuesday.pk]),
        {"nik": WALK_IN_NIK, "name": "Rina Marpaung", "payment_type": "general"},
    )
    assert response.status_code == 409
    assert "Pendaftaran loket hanya untuk sesi hari ini yang belum selesai." in text(response)


def test_cancelling_a_session_needs_a_reason_and_tells_the_patients(desk, three_booked, poli_anak, mailoutbox):
    url = reverse("clinics_staff:cancel_session", args=[poli_anak.pk])
    response = desk.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Tuliskan alasan pembatalan; pasien menerimanya lewat SMS." in text(response)
    response = desk.post(url, {"reason": "Dokter sakit"})
    assert response.status_code == 302
    poli_anak.refresh_from_db()
    assert poli_anak.status == SessionStatus.CANCELLED
    assert flashed(desk.get(page(poli_anak.pk))) == ["Sesi praktik dibatalkan; 3 pasien diberi tahu lewat SMS."]
    response = desk.post(url, {"reason": "Lagi"})
    assert response.status_code == 409 and "Sesi praktik ini sudah dibatalkan." in text(response)


# --- a doctor's leave ---------------------------------------------------------------------------------


def test_sri_records_a_doctors_leave_and_wednesdays_patients_are_told(desk, siti, sessions):
    doctor = Practitioner.objects.get(name__startswith="dr. Rahmawati")
    wednesday = session_of("rsud-djoelham", "anak", day=MONDAY + timedelta(days=2))
    booked = book(siti, wednesday)
    url = reverse("clinics_staff:exception", args=[doctor.pk])
    assert desk.get(url).status_code == 200
    response = desk.post(url, {"date": "2027-03-03", "reason": "leave", "schedule": "", "note": ""})
    assert response.status_code == 302
    exception = ScheduleException.objects.get(practitioner=doctor)
    assert (exception.date, exception.reason, exception.created_by.full_name) == (
        MONDAY + timedelta(days=2),
        "leave",
        "Sri Wahyuni",
    )
    booked.refresh_from_db()
    wednesday.refresh_from_db()
    assert (booked.status, wednesday.status) == (Status.CANCELLED, SessionStatus.CANCELLED)
    assert "Rabu, 3 Maret 2027: Dokter cuti" in text(desk.get(url))


def test_a_leave_in_the_past_or_without_reason_is_refused(desk, sessions):
    doctor = Practitioner.objects.get(name__startswith="dr. Rahmawati")
    url = reverse("clinics_staff:exception", args=[doctor.pk])
    response = desk.post(url, {"date": "2027-02-26", "reason": "leave"})
    assert response.status_code == 400 and "Tanggal sudah lewat." in text(response)
    response = desk.post(url, {"date": "2027-03-03", "reason": "tamasya"})
    assert response.status_code == 400 and "Pilih alasan dari pilihan yang tersedia." in text(response)
    assert not ScheduleException.objects.exists()


# --- who may work here --------------------------------------------------------------------------------


def test_agus_cannot_work_the_rsuds_queue(client, agus, three_booked, poli_anak, clock):
    client.force_login(agus)
    assert client.get(page(poli_anak.pk)).status_code == 403
    assert client.post(reverse("clinics_staff:call_next", args=[poli_anak.pk])).status_code == 403
    assert client.post(move(poli_anak, three_booked[0], "lewati")).status_code == 403
    walk_in = {"nik": WALK_IN_NIK, "name": "Rina Marpaung", "payment_type": "general"}
    assert client.post(reverse("clinics_staff:walk_in", args=[poli_anak.pk]), walk_in).status_code == 403
    assert client.post(reverse("clinics_staff:cancel_session", args=[poli_anak.pk]), {"reason": "x"}).status_code == 403
    doctor = Practitioner.objects.get(name__startswith="dr. Rahmawati")
    assert client.get(reverse("clinics_staff:exception", args=[doctor.pk])).status_code == 403
    response = check_in(client, three_booked[0].booking_code)
    assert response.status_code == 400
    poli_anak.refresh_from_db()
    assert poli_anak.status == SessionStatus.OPEN and poli_anak.now_serving == 0
    assert not Appointment.objects.exclude(status=Status.BOOKED).exists()


@pytest.mark.parametrize("who", ["budi", "irma", "andi", "siti"])
def test_citizens_and_other_officers_are_turned_away(request, client, who, three_booked, poli_anak, clock):
    client.force_login(request.getfixturevalue(who))
    doctor = Practitioner.objects.get(name__startswith="dr. Rahmawati")
    assert client.get(HOME).status_code == 403
    assert check_in(client, three_booked[0].booking_code).status_code == 403
    assert client.get(page(poli_anak.pk)).status_code == 403
    assert client.post(reverse("clinics_staff:call_next", args=[poli_anak.pk])).status_code == 403
    assert client.post(move(poli_anak, three_booked[0], "lewati")).status_code == 403
    assert client.get(reverse("clinics_staff:exception", args=[doctor.pk])).status_code == 403
    assert client.post(reverse("clinics_staff:cancel_session", args=[poli_anak.pk]), {"reason": "x"}).status_code == 403
    assert not Appointment.objects.exclude(status=Status.BOOKED).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, poli_anak, clock):
    login = reverse("accounts:login")
    for url in (HOME, page(poli_anak.pk)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login)
    response = client.post(CHECK_IN, {"code": "ABCD2345"})
    assert response.status_code == 302 and response["Location"].startswith(login)


def test_a_doctor_with_a_login_works_the_queue_of_their_own_sessions_only(client, city, three_booked, poli_anak, clock):
    login = make_officer("198101012008012001", "dr. Rahmawati Lubis", opd(city, "rsud-djoelham"), Role.OFFICER)
    Practitioner.objects.filter(pk=poli_anak.practitioner_id).update(user=login)
    client.force_login(login)
    home = client.get(HOME)
    assert home.status_code == 200
    assert "Check-in pasien" not in text(home)
    assert [s.pk for g in home.context["groups"] for c in g["clinics"] for s in c["sessions"]] == [poli_anak.pk]
    assert check_in(client, three_booked[0].booking_code).status_code == 403

    clock.set(at(MONDAY, 8, 30))
    Appointment.objects.filter(pk=three_booked[0].pk).update(status=Status.CHECKED_IN, checked_in_at=at(MONDAY, 8))
    assert client.post(reverse("clinics_staff:call_next", args=[poli_anak.pk])).status_code == 302
    session_page = client.get(page(poli_anak.pk))
    assert "Pendaftaran di loket" not in text(session_page) and "Batalkan sesi" not in text(session_page)
    walk_in = {"nik": WALK_IN_NIK, "name": "Rina Marpaung", "payment_type": "general"}
    assert client.post(reverse("clinics_staff:walk_in", args=[poli_anak.pk]), walk_in).status_code == 403
    other = session_of("rsud-djoelham", "umum")
    assert client.get(page(other.pk)).status_code == 403


def test_the_officer_workspace_links_hospital_staff_to_the_desk(client, sri, budi):
    client.force_login(sri)
    assert HOME in text(client.get(reverse("portal:officer_workspace")))
    client.force_login(budi)
    assert HOME not in text(client.get(reverse("portal:officer_workspace")))


def test_the_staff_pages_label_every_field(desk, three_booked, poli_anak, clock):
    clock.set(at(MONDAY, 8, 30))
    doctor = Practitioner.objects.get(name__startswith="dr. Rahmawati")
    for url in (HOME, page(poli_anak.pk), reverse("clinics_staff:exception", args=[doctor.pk])):
        response = desk.get(url)
        fields = structure(response)
        assert fields.inputs and all(input_id in fields.label_for for input_id in fields.inputs), (url, fields.inputs)
        assert fields.links[0] == "#isi"
        assert not [asset for asset in fields.assets if asset.startswith(("http:", "https:", "//"))]
