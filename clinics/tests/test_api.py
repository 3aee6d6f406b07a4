"""The e-Dokter API for anybody and for patients: facilities, free places, the queue board, family members,
booking, my appointments, cancelling and rescheduling — and the whole visit through the API.

Siti books for her daughter Aisyah at RSUD Dr. R.M. Djoelham; Andi must never see or touch her bookings.
The clock stands at Monday 1 March 2027, 07:00 in Binjai unless the story moves it.
"""

import pytest
import yaml
from django.core.management import call_command

from clinics import actions
from clinics.models import Appointment, Clinic, FamilyMember, Practitioner, Session, Status
from clinics.tests.conftest import AISYAH_NIK, BPJS, MEDAN_NIK, MONDAY, REFERRAL, at, book, one_day, session_of
from conftest import SITI_NIK
from core.testing import api_client as api
from core.testing import api_error as error

pytestmark = pytest.mark.usefixtures("clock")

TUESDAY = one_day(MONDAY)


def anak(day=MONDAY):
    return session_of("rsud-djoelham", "anak", day)


def booking(session, **fields):
    return {"session": session.pk, "payment_type": "general", **fields}


# --- anybody: facilities, free places, the board ----------------------------------------------


def test_anybody_lists_the_facilities_with_their_poli_and_doctors(city):
    response = api().get("/api/v1/dokter/fasilitas")

    assert response.status_code == 200
    facilities = {item["code"]: item for item in response.json()}
    assert set(facilities) == {"rsud-djoelham", "puskesmas-binjai-kota", "puskesmas-kebun-lada"}
    rsud = facilities["rsud-djoelham"]
    assert rsud["kind"] == "rsud" and len(rsud["poli"]) == 10
    poli = {item["code"]: item for item in rsud["poli"]}
    assert poli["anak"]["name"] == "Poli Anak" and poli["anak"]["referral_required"] is True
    doctor = next(item for item in rsud["doctors"] if item["name"].startswith("dr. Rahmawati Lubis"))
    assert doctor["poli"] == [poli["anak"]["id"]] and doctor["specialty"]
    kia = next(item for item in facilities["puskesmas-kebun-lada"]["poli"] if item["code"] == "kia")
    assert kia["referral_required"] is False


def test_an_inactive_poli_is_not_offered(city):
    Clinic.objects.filter(facility__code="rsud-djoelham", code="jantung").update(active=False)

    rsud = next(item for item in api().get("/api/v1/dokter/fasilitas").json() if item["code"] == "rsud-djoelham")

    assert "jantung" not in [item["code"] for item in rsud["poli"]]
    cardiologist = next(item for item in rsud["doctors"] if item["name"].startswith("dr. Irwan Saragih"))
    assert cardiologist["poli"] == []


def test_the_free_places_of_a_poli_on_a_day_count_every_booking(siti, andi, poli_anak):
    url = f"/api/v1/dokter/sesi?poli={poli_anak.clinic_id}&tanggal=2027-03-01"
    before = api().get(url).json()
    assert [(item["id"], item["free_jkn"], item["free_general"]) for item in before] == [(poli_anak.pk, 15, 10)]
    assert before[0]["start"] == "08:30" and before[0]["doctor"]["name"].startswith("dr. Rahmawati Lubis")
    assert before[0]["facility"]["code"] == "rsud-djoelham" and before[0]["poli"]["code"] == "anak"

    book(siti, poli_anak)
    book(andi, poli_anak, payment="jkn", bpjs_number=BPJS, referral_number=REFERRAL)

    after = api().get(url).json()
    assert [(item["free_jkn"], item["free_general"]) for item in after] == [(14, 9)]


def test_sessions_are_found_by_facility_and_doctor_for_the_next_14_days_only(city, sessions):
    doctor = Practitioner.objects.get(name__startswith="dr. Rahmawati Lubis")

    response = api().get("/api/v1/dokter/sesi", {"fasilitas": "rsud-djoelham", "dokter": doctor.pk})

    dates = [item["date"] for item in response.json()]
    # Monday to Thursday, two weeks; nothing after Sunday 14 March.
    assert dates == [
        "2027-03-01",
        "2027-03-02",
        "2027-03-03",
        "2027-03-04",
        "2027-03-08",
        "2027-03-09",
        "2027-03-10",
        "2027-03-11",
    ]
    puskesmas = api().get("/api/v1/dokter/sesi", {"fasilitas": "puskesmas-binjai-kota", "tanggal": "2027-03-06"})
    assert {item["poli"]["code"] for item in puskesmas.json()} == {"umum"}  # Saturday: poli umum only


def test_a_session_already_started_is_no_longer_offered(clock, poli_anak):
    clock.set(at(MONDAY, 8, 30))

    response = api().get("/api/v1/dokter/sesi", {"poli": poli_anak.clinic_id, "tanggal": "2027-03-01"})

    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"poli": "anak"}, "poli", "Harus berupa angka."),
        ({"poli": 999999}, "poli", "Poli tidak ditemukan; pilih dari daftar fasilitas."),
        ({"dokter": 999999}, "dokter", "Dokter tidak ditemukan; pilih dari daftar fasilitas."),
        ({"fasilitas": "rs-tidak-ada"}, "fasilitas", "Fasilitas kesehatan tidak ditemukan."),
        ({"fasilitas": "RSUD!"}, "fasilitas", "Kode fasilitas terdiri dari huruf kecil, angka dan tanda hubung."),
        ({"tanggal": "01-03-2027"}, "tanggal", "Tanggal ditulis TTTT-BB-HH, mis. 2027-03-02."),
        ({"tanggal": "2027-02-28"}, "tanggal", "Tanggal sudah lewat; pilih hari ini atau sesudahnya."),
        ({"tanggal": "2027-03-15"}, "tanggal", "Pendaftaran online dibuka paling lama 14 hari sebelumnya."),
    ],
)
def test_a_bad_session_filter_is_refused_with_a_message(sessions, params, field, message):
    response = api().get("/api/v1/dokter/sesi", params)

    assert response.status_code == 400
    assert error(response)["fields"][field] == [message]


def test_the_queue_board_shows_numbers_never_names(clock, siti, andi, aisyah, sri, poli_anak):
    mine = book(siti, poli_anak, member=aisyah)
    book(andi, poli_anak)
    third = book(siti, poli_anak)
    clock.set(at(MONDAY, 8, 0))
    actions.do_check_in(sri, mine.booking_code)
    actions.do_check_in(sri, third.booking_code)
    actions.do_call_next(sri, poli_anak)

    response = api().get("/api/v1/dokter/antrean/rsud-djoelham/anak")

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["date"] == "2027-03-01" and body["poli"]["name"] == "Poli Anak"
    [board] = body["sessions"]
    assert board["session"] == poli_anak.pk and board["doctor"].startswith("dr. Rahmawati Lubis")
    assert (board["now_serving"], board["next_numbers"], board["waiting"], board["not_checked_in"]) == (1, [3], 1, 1)
    assert board["last_number"] == 3
    text = response.content.decode()
    for private in ("Siti", "Aisyah", "Andi", SITI_NIK, AISYAH_NIK, mine.booking_code, third.booking_code):
        assert private not in text


def test_the_board_of_an_unknown_poli_is_not_found(city):
    for url in ("/api/v1/dokter/antrean/rsud-djoelham/kulit", "/api/v1/dokter/antrean/rs-lain/anak"):
        response = api().get(url)
        assert response.status_code == 404 and error(response)["message"] == "Poli tidak ditemukan."


def test_the_facility_board_shows_every_poli_of_the_day_numbers_only(clock, siti, aisyah, sri, poli_anak):
    mine = book(siti, poli_anak, member=aisyah)
    clock.set(at(MONDAY, 8, 0))
    actions.do_check_in(sri, mine.booking_code)
    actions.do_call_next(sri, poli_anak)

    response = api().get("/api/v1/dokter/antrean/rsud-djoelham")

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["facility"] == {"code": "rsud-djoelham", "name": "RSUD Dr. R.M. Djoelham Binjai"}
    assert body["date"] == "2027-03-01"
    names = [board["poli"]["name"] for board in body["sessions"]]
    assert names == sorted(names) and len(set(names)) > 5
    [anak] = [board for board in body["sessions"] if board["poli"]["code"] == "anak"]
    assert (anak["session"], anak["now_serving"], anak["waiting"]) == (poli_anak.pk, 1, 0)
    text = response.content.decode()
    for private in ("Siti", "Aisyah", SITI_NIK, AISYAH_NIK, mine.booking_code):
        assert private not in text


def test_the_board_of_an_unknown_facility_is_not_found(city):
    response = api().get("/api/v1/dokter/antrean/rs-lain")
    assert response.status_code == 404 and error(response)["message"] == "Rumah sakit atau puskesmas tidak ditemukan."


# --- family members ---------------------------------------------------------------------------


def test_siti_registers_her_daughter_and_sees_her_nik_masked(siti):
    response = api(siti).post(
        "/api/v1/dokter/keluarga", {"nik": AISYAH_NIK, "name": "Aisyah Putri", "relation": "child"}, format="json"
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": FamilyMember.objects.get(owner=siti).pk,
        "name": "Aisyah Putri",
        "nik": "1275********0004",
        "relation": "child",
        "relation_label": "Anak",
        "birth_date": "2019-03-12",
    }
    listed = api(siti).get("/api/v1/dokter/keluarga")
    assert [item["name"] for item in listed.json()] == ["Aisyah Putri"] and AISYAH_NIK not in listed.content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"nik": MEDAN_NIK},
            "nik",
            "NIK ini bukan NIK penduduk Kota Binjai (harus diawali 1275). Pendaftaran hanya untuk penduduk kota.",
        ),
        ({"nik": "1275013202190004"}, "nik", "Tanggal lahir pada NIK (digit 7–12) tidak valid."),
        ({"birth_date": "2019-03-13"}, "birth_date", "Tanggal lahir tidak sesuai dengan tanggal lahir pada NIK."),
        ({"relation": "tetangga"}, "relation", "Pilih hubungan keluarga dari pilihan yang tersedia."),
        ({"name": "  "}, "name", "Nama lengkap wajib diisi."),
    ],
)
def test_a_bad_family_member_is_refused_with_a_message(siti, fields, field, message):
    data = {"nik": AISYAH_NIK, "name": "Aisyah Putri", "relation": "child", **fields}

    response = api(siti).post("/api/v1/dokter/keluarga", data, format="json")

    assert response.status_code == 400
    assert error(response)["fields"][field] == [message]
    assert not FamilyMember.objects.exists()


def test_a_family_member_is_registered_once(siti, aisyah):
    response = api(siti).post(
        "/api/v1/dokter/keluarga", {"nik": AISYAH_NIK, "name": "Aisyah", "relation": "child"}, format="json"
    )

    assert response.status_code == 400
    assert error(response)["fields"]["nik"] == ["Anggota keluarga dengan NIK ini sudah Anda daftarkan."]


def test_a_family_member_is_removed_only_by_her_registrant_and_only_without_bookings(siti, andi, aisyah, poli_anak):
    url = f"/api/v1/dokter/keluarga/{aisyah.pk}"
    assert api(andi).delete(url).status_code == 404

    book(siti, poli_anak, member=aisyah)
    refused = api(siti).delete(url)
    assert refused.status_code == 400
    assert error(refused)["fields"]["family_member"] == [
        "Aisyah Putri masih punya pendaftaran yang akan datang; batalkan dulu pendaftarannya."
    ]

    Appointment.objects.all().delete()
    assert api(siti).delete(url).status_code == 204
    assert not FamilyMember.objects.exists()


def test_family_members_are_for_citizens(city, sri, budi):
    assert api().get("/api/v1/dokter/keluarga").status_code == 401
    for officer in (sri, budi):
        response = api(officer).get("/api/v1/dokter/keluarga")
        assert response.status_code == 403
        assert error(response)["message"] == "Hanya untuk warga yang masuk dengan NIK."
        response = api(officer).post(
            "/api/v1/dokter/keluarga", {"nik": AISYAH_NIK, "name": "A", "relation": "child"}, format="json"
        )
        assert response.status_code == 403


# --- booking and my appointments --------------------------------------------------------------


def test_siti_books_with_bpjs_and_referral_and_gets_code_number_and_estimate(siti, aisyah, sessions):
    tuesday = anak(TUESDAY)
    data = booking(tuesday, family_member=aisyah.pk, payment_type="jkn", bpjs_number=BPJS, referral_number=REFERRAL)

    response = api(siti).post("/api/v1/dokter/janji", data, format="json")

    assert response.status_code == 201
    body = response.json()
    appointment = Appointment.objects.get()
    assert body["booking_code"] == appointment.booking_code and len(body["booking_code"]) == 8
    assert response["Location"] == f"http://testserver/api/v1/dokter/janji/{appointment.booking_code}"
    assert (body["queue_number"], body["estimated_at"]) == (1, "2027-03-02T08:30:00+07:00")
    assert (body["status"], body["patient_name"], body["family_member"]) == ("booked", "Aisyah Putri", aisyah.pk)
    assert (body["payment_type"], body["referral_number"]) == ("jkn", REFERRAL)
    assert body["live"] == {"ahead": 0, "estimated_at": "2027-03-02T08:30:00+07:00"}
    assert body["may_change"] is True and body["cancel_until"] == "2027-03-02T06:30:00+07:00"
    assert body["facility"]["name"] == "RSUD Dr. R.M. Djoelham Binjai" and body["poli"]["code"] == "anak"
    assert AISYAH_NIK not in response.content.decode() and BPJS not in response.content.decode()


def test_my_appointments_come_newest_first_a_page_at_a_time(clock, siti, aisyah, sessions):
    first = book(siti, anak(TUESDAY))
    clock.advance(minutes=5)
    second = book(siti, anak(TUESDAY), member=aisyah)

    page = api(siti).get("/api/v1/dokter/janji", {"size": 1})
    assert page.status_code == 200
    assert [item["booking_code"] for item in page.json()["results"]] == [second.booking_code]
    following = api(siti).get(page.json()["next"])
    assert [item["booking_code"] for item in following.json()["results"]] == [first.booking_code]
    assert following.json()["next"] is None
    bad = api(siti).get("/api/v1/dokter/janji", {"cursor": "rusak"})
    assert bad.status_code == 400 and error(bad)["fields"]["cursor"] == ["Kursor halaman tidak valid."]


def test_andi_sees_only_his_own_appointments(siti, andi, poli_anak):
    mine = book(siti, poli_anak)
    book(andi, poli_anak)

    codes = [item["booking_code"] for item in api(andi).get("/api/v1/dokter/janji").json()["results"]]

    assert mine.booking_code not in codes and len(codes) == 1


def test_the_detail_shows_the_live_estimate_once_the_queue_moves(clock, siti, andi, sri, poli_anak):
    first = book(andi, poli_anak)
    second = book(siti, poli_anak)
    url = f"/api/v1/dokter/janji/{second.booking_code}"
    assert api(siti).get(url).json()["live"] == {"ahead": 1, "estimated_at": "2027-03-01T08:40:00+07:00"}

    clock.set(at(MONDAY, 8, 50))  # the doctor starts late: nobody called yet
    actions.do_check_in(sri, first.booking_code)
    assert api(siti).get(url).json()["live"] == {"ahead": 1, "estimated_at": "2027-03-01T09:00:00+07:00"}
    assert api(siti).get(url).json()["estimated_at"] == "2027-03-01T08:40:00+07:00"  # the estimate at booking


@pytest.mark.parametrize(
    ("story", "status", "field", "message"),
    [
        ("full", 400, "session", "Kuota pasien umum sesi ini sudah penuh; pilih sesi atau dokter lain."),
        ("past", 400, "session", "Tanggal sesi ini sudah lewat; pilih sesi hari ini atau yang akan datang."),
        ("started", 400, "session", "Sesi ini sudah dimulai; pendaftaran online ditutup. Silakan mendaftar di loket."),
        (
            "duplicate",
            400,
            "session",
            "Siti Aminah sudah terdaftar di Poli Anak pada 01-03-2027; satu pendaftaran per poli per hari.",
        ),
        ("cancelled", 400, "session", "Sesi praktik ini dibatalkan; pilih sesi lain."),
        ("unknown session", 400, "session", "Sesi praktik tidak ditemukan; pilih dari daftar sesi."),
        ("session not a number", 400, "session", "Harus berupa angka."),
        ("another's family member", 400, "family_member", "Pilih anggota keluarga yang Anda daftarkan sendiri."),
        ("jkn without bpjs", 400, "bpjs_number", "Nomor kartu BPJS Kesehatan wajib diisi untuk pasien JKN."),
        ("bpjs too short", 400, "bpjs_number", "Nomor kartu BPJS Kesehatan terdiri dari 13 angka."),
        (
            "jkn without referral",
            400,
            "referral_number",
            "Poli Anak melayani pasien JKN dengan rujukan: isi nomor rujukan dari puskesmas atau klinik Anda.",
        ),
        ("unknown payment", 400, "payment_type", "Pilih cara bayar: JKN (BPJS Kesehatan) atau umum."),
    ],
)
def test_a_booking_the_rules_refuse_answers_with_a_clear_message(
    clock, siti, andi, poli_anak, story, status, field, message
):
    data = booking(poli_anak)
    if story == "full":
        Session.objects.filter(pk=poli_anak.pk).update(booked_general=10)
    elif story == "past":
        clock.set(at(TUESDAY, 7))
    elif story == "started":
        clock.set(at(MONDAY, 8, 31))
    elif story == "duplicate":
        book(siti, poli_anak)
    elif story == "cancelled":
        Session.objects.filter(pk=poli_anak.pk).update(status="cancelled")
    elif story == "unknown session":
        data["session"] = 999999
    elif story == "session not a number":
        data["session"] = "besok"
    elif story == "another's family member":
        member = actions.do_add_family_member(andi, nik=AISYAH_NIK, name="Aisyah", relation="child")
        data["family_member"] = member.pk
    elif story == "jkn without bpjs":
        data.update(payment_type="jkn", referral_number=REFERRAL)
    elif story == "bpjs too short":
        data.update(payment_type="jkn", bpjs_number="12345", referral_number=REFERRAL)
    elif story == "jkn without referral":
        data.update(payment_type="jkn", bpjs_number=BPJS)
    elif story == "unknown payment":
        data["payment_type"] = "asuransi"
    before = Appointment.objects.count()

    response = api(siti).post("/api/v1/dokter/janji", data, format="json")

    assert response.status_code == status
    assert error(response)["fields"][field] == [message]
    assert error(response)["message"] == f"{field}: {message}"
    assert Appointment.objects.count() == before


def test_only_a_citizen_books(city, sri, irma, poli_anak):
    assert api().post("/api/v1/dokter/janji", booking(poli_anak), format="json").status_code == 401
    for officer in (sri, irma):
        response = api(officer).post("/api/v1/dokter/janji", booking(poli_anak), format="json")
        assert response.status_code == 403
        assert error(response)["message"] == "Hanya untuk warga yang masuk dengan NIK."
        assert api(officer).get("/api/v1/dokter/janji").status_code == 403
    assert not Appointment.objects.exists()


# --- cancelling and rescheduling --------------------------------------------------------------


def test_siti_cancels_before_the_cut_off_and_the_place_returns(siti, sessions):
    tuesday = anak(TUESDAY)
    appointment = book(siti, tuesday)
    url = f"/api/v1/dokter/janji/{appointment.booking_code.lower()}/batalkan"

    response = api(siti).post(url, {"reason": "Anak sudah sembuh"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["may_change"]) == ("cancelled", False)
    tuesday.refresh_from_db()
    assert tuesday.booked_general == 0
    again = api(siti).post(url, {}, format="json")
    assert again.status_code == 409
    assert error(again)["message"] == "Pendaftaran berstatus 'Dibatalkan' tidak dapat diubah menjadi 'Dibatalkan'."


def test_cancelling_or_moving_after_the_cut_off_is_refused(siti, poli_anak, sessions):
    appointment = book(siti, poli_anak)  # Monday 08.30: the cut-off was 06.30, it is 07.00
    base = f"/api/v1/dokter/janji/{appointment.booking_code}"
    assert api(siti).get(base).json()["may_change"] is False

    cancel = api(siti).post(f"{base}/batalkan", {}, format="json")
    move = api(siti).post(f"{base}/jadwal-ulang", {"session": anak(TUESDAY).pk}, format="json")

    assert cancel.status_code == 400
    assert error(cancel)["fields"]["appointment"] == [
        "Pendaftaran hanya dapat dibatalkan paling lambat 2 jam sebelum sesi dimulai. "
        "Hubungi loket pendaftaran bila berhalangan."
    ]
    assert move.status_code == 400
    assert error(move)["message"].startswith("appointment: Pendaftaran hanya dapat dipindah paling lambat 2 jam")
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_siti_moves_her_booking_to_another_day_and_gets_a_new_code(siti, aisyah, sessions):
    old = book(siti, anak(TUESDAY), member=aisyah)
    wednesday = anak(one_day(TUESDAY))

    response = api(siti).post(
        f"/api/v1/dokter/janji/{old.booking_code}/jadwal-ulang", {"session": wednesday.pk}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["booking_code"] != old.booking_code and body["session"] == wednesday.pk
    assert (body["queue_number"], body["date"], body["patient_name"]) == (1, "2027-03-03", "Aisyah Putri")
    before = api(siti).get(f"/api/v1/dokter/janji/{old.booking_code}").json()
    assert (before["status"], before["rescheduled_to"]) == ("rescheduled", body["booking_code"])


def test_a_booking_moves_only_within_its_poli(siti, sessions):
    old = book(siti, anak(TUESDAY))
    elsewhere = session_of("rsud-djoelham", "umum", TUESDAY)

    for target, message in [
        (elsewhere.pk, "Jadwal hanya dapat dipindah ke sesi lain di poli yang sama."),
        (old.session_id, "Pilih sesi yang berbeda dari sesi sekarang."),
        (999999, "Sesi praktik tidak ditemukan; pilih dari daftar sesi."),
    ]:
        response = api(siti).post(
            f"/api/v1/dokter/janji/{old.booking_code}/jadwal-ulang", {"session": target}, format="json"
        )
        assert response.status_code == 400 and error(response)["fields"]["session"] == [message]


def test_another_patients_appointment_is_not_found(siti, andi, budi, sessions):
    appointment = book(siti, anak(TUESDAY))
    base = f"/api/v1/dokter/janji/{appointment.booking_code}"

    for client in (api(andi), api(budi)):
        for response in (
            client.get(base),
            client.post(f"{base}/batalkan", {}, format="json"),
            client.post(f"{base}/jadwal-ulang", {"session": anak(one_day(TUESDAY)).pk}, format="json"),
        ):
            assert response.status_code == 404
            assert error(response)["message"] == "Data tidak ditemukan."
    assert api().get(base).status_code == 401
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED
    # A code nobody was given, and something shaped like a NIK, are not found either.
    assert api(siti).get("/api/v1/dokter/janji/ABCDEFGH").status_code == 404
    assert api(siti).get(f"/api/v1/dokter/janji/{SITI_NIK}").status_code == 404


# --- the whole visit, through the API ---------------------------------------------------------


def test_the_whole_visit_through_the_api(clock, siti, aisyah, sri, sessions):
    """Siti books poli anak for tomorrow for Aisyah, checks in at the desk, is called, served and done."""
    siti_app, desk, screen = api(siti), api(sri), api()
    tuesday = screen.get("/api/v1/dokter/sesi", {"fasilitas": "rsud-djoelham", "tanggal": "2027-03-02"}).json()
    session = next(item for item in tuesday if item["poli"]["code"] == "anak")
    family = siti_app.get("/api/v1/dokter/keluarga").json()
    booked = siti_app.post(
        "/api/v1/dokter/janji",
        {"session": session["id"], "family_member": family[0]["id"], "payment_type": "general"},
        format="json",
    )
    assert booked.status_code == 201
    code, number = booked.json()["booking_code"], booked.json()["queue_number"]

    clock.set(at(TUESDAY, 8, 5))
    checked_in = desk.post("/api/v1/dokter/petugas/check-in", {"code": code}, format="json")
    assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in"
    board = screen.get("/api/v1/dokter/antrean/rsud-djoelham/anak").json()["sessions"][0]
    assert board["next_numbers"] == [number] and board["now_serving"] is None

    clock.set(at(TUESDAY, 8, 31))
    called = desk.post(f"/api/v1/dokter/petugas/sesi/{session['id']}/panggil")
    assert called.status_code == 200 and called.json()["called"]["booking_code"] == code
    board = screen.get("/api/v1/dokter/antrean/rsud-djoelham/anak").json()["sessions"][0]
    assert (board["now_serving"], board["next_numbers"]) == (number, [])
    assert siti_app.get(f"/api/v1/dokter/janji/{code}").json()["status"] == "called"

    clock.set(at(TUESDAY, 8, 32))
    assert desk.post(f"/api/v1/dokter/petugas/janji/{code}/served").json()["status"] == "served"
    clock.set(at(TUESDAY, 8, 45))
    assert desk.post(f"/api/v1/dokter/petugas/janji/{code}/done").json()["status"] == "done"

    detail = siti_app.get(f"/api/v1/dokter/janji/{code}").json()
    assert detail["status"] == "done" and detail["live"] is None
    assert (detail["checked_in_at"], detail["called_at"], detail["served_at"], detail["done_at"]) == (
        "2027-03-02T08:05:00+07:00",
        "2027-03-02T08:31:00+07:00",
        "2027-03-02T08:32:00+07:00",
        "2027-03-02T08:45:00+07:00",
    )
    assert [entry["text"] for entry in detail["timeline"]][1:] == [
        "Check-in di RSUD Dr. R.M. Djoelham Binjai; menunggu dipanggil ke Poli Anak.",
        f"Nomor antrean {number} dipanggil ke Poli Anak.",
        "Pasien sedang dilayani di poli.",
        "Pelayanan di poli selesai.",
    ]


# --- the schema -------------------------------------------------------------------------------


def test_every_e_dokter_operation_is_in_the_schema_with_a_summary(db, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    operations = {
        (path, method): operation
        for path, methods in paths.items()
        if path.startswith("/api/v1/dokter/")
        for method, operation in methods.items()
        if method != "parameters"
    }
    assert set(operations) == {
        ("/api/v1/dokter/fasilitas", "get"),
        ("/api/v1/dokter/sesi", "get"),
        ("/api/v1/dokter/antrean/{facility}", "get"),
        ("/api/v1/dokter/antrean/{facility}/{clinic}", "get"),
        ("/api/v1/dokter/keluarga", "get"),
        ("/api/v1/dokter/keluarga", "post"),
        ("/api/v1/dokter/keluarga/{id}", "delete"),
        ("/api/v1/dokter/janji", "get"),
        ("/api/v1/dokter/janji", "post"),
        ("/api/v1/dokter/janji/{code}", "get"),
        ("/api/v1/dokter/janji/{code}/batalkan", "post"),
        ("/api/v1/dokter/janji/{code}/jadwal-ulang", "post"),
        ("/api/v1/dokter/petugas/check-in", "post"),
        ("/api/v1/dokter/petugas/sesi/{id}", "get"),
        ("/api/v1/dokter/petugas/sesi/{id}/walk-in", "post"),
        ("/api/v1/dokter/petugas/sesi/{id}/panggil", "post"),
        ("/api/v1/dokter/petugas/sesi/{id}/batalkan", "post"),
        ("/api/v1/dokter/petugas/janji/{code}/recall", "post"),
        ("/api/v1/dokter/petugas/janji/{code}/skip", "post"),
        ("/api/v1/dokter/petugas/janji/{code}/served", "post"),
        ("/api/v1/dokter/petugas/janji/{code}/done", "post"),
    }
    for key, operation in operations.items():
        assert operation.get("summary") and "description" not in operation, key
    public = [key for key, operation in operations.items() if operation["security"] == [{}]]
    assert sorted(public) == [
        ("/api/v1/dokter/antrean/{facility}", "get"),
        ("/api/v1/dokter/antrean/{facility}/{clinic}", "get"),
        ("/api/v1/dokter/fasilitas", "get"),
        ("/api/v1/dokter/sesi", "get"),
    ]


def test_the_board_shows_each_session_of_the_day_in_a_fixed_number_of_queries(
    siti, andi, sri, sessions, django_assert_max_num_queries
):
    morning, afternoon = Session.objects.filter(
        clinic__code="umum", clinic__facility__code="rsud-djoelham", date=MONDAY
    )
    book(siti, morning)
    book(andi, afternoon)
    actions.do_cancel_session(sri, afternoon, reason="Dokter dinas luar")
    api().get("/api/v1/dokter/antrean/rsud-djoelham/umum")  # the city and its settings read once

    with django_assert_max_num_queries(3):
        response = api().get("/api/v1/dokter/antrean/rsud-djoelham/umum")

    boards = response.json()["sessions"]
    assert [(board["start"], board["status"], board["not_checked_in"]) for board in boards] == [
        ("08:00", "open", 1),
        ("13:00", "cancelled", 0),
    ]
    with django_assert_max_num_queries(3):  # every poli of the RSUD: the same few queries
        assert api().get("/api/v1/dokter/antrean/rsud-djoelham").status_code == 200
