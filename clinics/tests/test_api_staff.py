"""The e-Dokter API for the facility's staff: the registration desk (check-in by booking code, walk-ins) and
the poli (call next, recall, skip, served, done), a session's queue with names, and cancelling a session —
and everybody else refused: Andi (a citizen), Budi (Dinas PUPR), Irma (Inspektorat: reads only), Agus (Dinas
Kesehatan: the puskesmas, not the RSUD) and anybody not logged in.

Sri works the desk of RSUD Dr. R.M. Djoelham. The clock stands at Monday 1 March 2027, 07:00 in Binjai.
"""

import pytest

from accounts.models import Role
from clinics import actions
from clinics.models import Appointment, Session, SessionStatus, Status
from clinics.tests.conftest import AISYAH_NIK, BPJS, MONDAY, REFERRAL, at, book, one_day, session_of
from conftest import ANDI_NIK, make_officer, opd
from core.testing import api_client as api
from core.testing import api_error as error
from notifications.models import Notification

pytestmark = pytest.mark.usefixtures("clock")

WALK_IN_NIK = "1275026707800001"  # a woman born 27 July 1980, without an account


def check_in(user, code):
    return api(user).post("/api/v1/dokter/petugas/check-in", {"code": code}, format="json")


def session_url(session, suffix=""):
    return f"/api/v1/dokter/petugas/sesi/{session.pk}{suffix}"


def walk_in(**fields):
    return {"nik": WALK_IN_NIK, "name": "Rina Marpaung", "payment_type": "general", **fields}


# --- the registration desk --------------------------------------------------------------------


def test_the_desk_checks_a_patient_in_with_the_code_as_typed_or_read_from_the_qr(siti, aisyah, sri, poli_anak):
    appointment = book(siti, poli_anak, member=aisyah)
    typed = f"{appointment.booking_code[:4].lower()}-{appointment.booking_code[4:].lower()}"

    response = check_in(sri, f" {typed} ")

    assert response.status_code == 200
    body = response.json()
    assert (body["booking_code"], body["status"], body["queue_number"]) == (appointment.booking_code, "checked_in", 1)
    assert (body["patient_name"], body["patient_nik"]) == ("Aisyah Putri", "1275********0004")
    assert body["checked_in_at"] == "2027-03-01T07:00:00+07:00"
    assert AISYAH_NIK not in response.content.decode()


def test_a_patient_is_checked_in_once_and_only_on_the_day(siti, sri, poli_anak, sessions):
    today = book(siti, poli_anak)
    tomorrow = book(siti, session_of("rsud-djoelham", "umum", one_day(MONDAY)))
    assert check_in(sri, today.booking_code).status_code == 200

    again = check_in(sri, today.booking_code)
    early = check_in(sri, tomorrow.booking_code)

    assert again.status_code == 409
    assert error(again)["message"] == (
        "Pendaftaran berstatus 'Sudah check-in, menunggu dipanggil' "
        "tidak dapat diubah menjadi 'Sudah check-in, menunggu dipanggil'."
    )
    assert early.status_code == 409
    assert error(early)["message"] == "Pendaftaran ini untuk tanggal 02-03-2027; check-in hanya pada hari itu."
    tomorrow.refresh_from_db()
    assert tomorrow.status == Status.BOOKED


def test_an_unknown_or_missing_code_is_refused(sri, city):
    unknown = check_in(sri, "ABCD2345")
    assert unknown.status_code == 404 and error(unknown)["message"] == "Kode booking tidak ditemukan."
    blank = check_in(sri, "  ")
    assert blank.status_code == 400 and error(blank)["fields"]["code"] == ["Isi kode booking pasien."]


def test_the_counter_registers_a_walk_in_into_the_same_queue(siti, andi, sri, poli_anak):
    book(siti, poli_anak)

    response = api(sri).post(session_url(poli_anak, "/walk-in"), walk_in(), format="json")
    linked = api(sri).post(
        session_url(poli_anak, "/walk-in"),
        walk_in(nik=ANDI_NIK, name="Andi Saputra", payment_type="jkn", bpjs_number=BPJS, referral_number=REFERRAL),
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["queue_number"], body["status"], body["walk_in"]) == (2, "checked_in", True)
    assert (body["patient_name"], body["patient_nik"]) == ("Rina Marpaung", "1275********0001")
    assert linked.status_code == 201 and linked.json()["queue_number"] == 3
    # Andi has an account: the visit registered at the counter is among his appointments.
    mine = api(andi).get("/api/v1/dokter/janji").json()["results"]
    assert [(item["booking_code"], item["walk_in"]) for item in mine] == [(linked.json()["booking_code"], True)]
    poli_anak.refresh_from_db()
    assert (poli_anak.walk_ins, poli_anak.booked_general, poli_anak.last_queue_number) == (2, 1, 3)


@pytest.mark.parametrize(
    ("story", "status", "field", "message"),
    [
        ("bad nik", 400, "nik", None),
        ("no name", 400, "name", "Nama pasien wajib diisi (paling panjang 150 karakter)."),
        ("jkn without bpjs", 400, "bpjs_number", "Nomor kartu BPJS Kesehatan wajib diisi untuk pasien JKN."),
        ("counter full", 400, "session", "Kuota loket sesi ini sudah penuh."),
        ("already booked", 400, "session", None),
        ("tomorrow", 409, None, "Pendaftaran loket hanya untuk sesi hari ini yang belum selesai."),
        ("cancelled", 409, None, "Sesi praktik ini dibatalkan."),
    ],
)
def test_a_walk_in_the_rules_refuse_answers_with_a_clear_message(
    siti, sri, poli_anak, sessions, story, status, field, message
):
    session, data = poli_anak, walk_in()
    if story == "bad nik":
        data["nik"] = "12345"
    elif story == "no name":
        data["name"] = ""
    elif story == "jkn without bpjs":
        data.update(payment_type="jkn", referral_number=REFERRAL)
    elif story == "counter full":
        Session.objects.filter(pk=poli_anak.pk).update(walk_ins=5)
    elif story == "already booked":
        book(siti, poli_anak)
        data.update(nik=siti.login_id, name="Siti Aminah")
    elif story == "tomorrow":
        session = session_of("rsud-djoelham", "anak", one_day(MONDAY))
    elif story == "cancelled":
        Session.objects.filter(pk=poli_anak.pk).update(status=SessionStatus.CANCELLED)
    before = Appointment.objects.count()

    response = api(sri).post(session_url(session, "/walk-in"), data, format="json")

    assert response.status_code == status
    if field:
        messages = error(response)["fields"][field]
        assert messages and (message is None or messages == [message])
    else:
        assert error(response)["message"] == message
    assert Appointment.objects.count() == before


# --- the poli's queue -------------------------------------------------------------------------


@pytest.fixture
def queue(clock, siti, andi, aisyah, sri, poli_anak):
    """Aisyah (1) and Andi (2) checked in for Monday's poli anak at 08.00; Siti (3) booked, not yet there."""
    first = book(siti, poli_anak, member=aisyah)
    second = book(andi, poli_anak)
    third = book(siti, poli_anak)
    clock.set(at(MONDAY, 8))
    for appointment in (first, second):
        actions.do_check_in(sri, appointment.booking_code)
    return first, second, third


def move(user, appointment, name):
    return api(user).post(f"/api/v1/dokter/petugas/janji/{appointment.booking_code}/{name}")


def test_the_staff_see_the_whole_queue_with_names(queue, sri, poli_anak):
    response = api(sri).get(session_url(poli_anak))

    assert response.status_code == 200
    body = response.json()
    assert (body["poli"]["code"], body["status"]) == ("anak", "open")
    assert body["doctor"]["name"].startswith("dr. Rahmawati Lubis")
    assert [(row["queue_number"], row["patient_name"], row["status"]) for row in body["appointments"]] == [
        (1, "Aisyah Putri", "checked_in"),
        (2, "Andi Saputra", "checked_in"),
        (3, "Siti Aminah", "booked"),
    ]
    assert (body["booked_general"], body["last_queue_number"], body["now_serving"]) == (3, 3, 0)
    assert AISYAH_NIK not in response.content.decode() and ANDI_NIK not in response.content.decode()


def test_call_next_serve_done_skip_and_recall(clock, queue, sri, poli_anak):
    first, second, _ = queue
    clock.set(at(MONDAY, 8, 30))

    called = api(sri).post(session_url(poli_anak, "/panggil"))
    assert called.status_code == 200
    assert called.json()["called"]["queue_number"] == 1
    assert called.json()["message"] == "Nomor antrean 1 dipanggil ke Poli Anak."
    blocked = api(sri).post(session_url(poli_anak, "/panggil"))
    assert blocked.status_code == 409
    assert error(blocked)["message"] == "Nomor 1 masih dipanggil: tandai sedang dilayani atau lewati dulu."

    assert move(sri, first, "skip").json()["status"] == "skipped"  # Aisyah is not there
    assert api(sri).post(session_url(poli_anak, "/panggil")).json()["called"]["queue_number"] == 2
    early = move(sri, first, "recall")
    assert early.status_code == 409
    assert error(early)["message"] == "Nomor 2 masih dipanggil: tandai sedang dilayani atau lewati dulu."
    assert move(sri, second, "served").json()["status"] == "served"
    assert move(sri, second, "done").json()["status"] == "done"

    recalled = move(sri, first, "recall")  # Aisyah is back
    assert recalled.status_code == 200
    assert (recalled.json()["status"], recalled.json()["call_count"]) == ("called", 2)
    assert move(sri, first, "served").json()["served_at"] == "2027-03-01T08:30:00+07:00"
    assert move(sri, first, "done").status_code == 200

    nobody = api(sri).post(session_url(poli_anak, "/panggil"))
    assert nobody.status_code == 200
    assert nobody.json() == {"called": None, "message": "Tidak ada pasien yang menunggu dipanggil."}


WAITING_TO = "Pendaftaran berstatus 'Sudah check-in, menunggu dipanggil' tidak dapat diubah menjadi"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("served", f"{WAITING_TO} 'Sedang dilayani'."),
        ("done", f"{WAITING_TO} 'Selesai'."),
        ("skip", f"{WAITING_TO} 'Dilewati (tidak ada saat dipanggil)'."),
        ("recall", "Hanya pasien yang sudah dipanggil atau dilewati yang dapat dipanggil ulang."),
    ],
)
def test_a_queue_move_out_of_turn_is_a_conflict(queue, sri, name, message):
    first, _, _ = queue

    response = move(sri, first, name)

    assert response.status_code == 409
    assert error(response)["message"] == message
    first.refresh_from_db()
    assert first.status == Status.CHECKED_IN


def test_the_staff_cancel_a_session_and_its_patients_are_told(siti, sri, sessions):
    tuesday = session_of("rsud-djoelham", "anak", one_day(MONDAY))
    appointment = book(siti, tuesday)

    missing = api(sri).post(session_url(tuesday, "/batalkan"), {"reason": " "}, format="json")
    response = api(sri).post(session_url(tuesday, "/batalkan"), {"reason": "Dokter sakit"}, format="json")

    assert missing.status_code == 400
    assert error(missing)["fields"]["reason"] == ["Tuliskan alasan pembatalan; pasien menerimanya lewat SMS."]
    assert response.status_code == 200
    body = response.json()
    assert body["told"] == 1
    assert (body["session"]["status"], body["session"]["cancel_reason"]) == ("cancelled", "Dokter sakit")
    assert body["session"]["appointments"][0]["status"] == "cancelled"
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    sms = Notification.objects.filter(user=siti, channel="sms").order_by("id").last()
    assert "Dokter sakit" in sms.body
    again = api(sri).post(session_url(tuesday, "/batalkan"), {"reason": "Dokter sakit"}, format="json")
    assert again.status_code == 409 and error(again)["message"] == "Sesi praktik ini sudah dibatalkan."


def test_an_unknown_session_is_not_found(sri, city):
    for response in (
        api(sri).get("/api/v1/dokter/petugas/sesi/999999"),
        api(sri).post("/api/v1/dokter/petugas/sesi/999999/panggil"),
    ):
        assert response.status_code == 404 and error(response)["message"] == "Sesi praktik tidak ditemukan."


# --- everybody else ---------------------------------------------------------------------------

NOT_STAFF = "Hanya untuk petugas rumah sakit dan puskesmas."
NOT_RSUD_STAFF = "Hanya petugas RSUD Dr. R.M. Djoelham Binjai yang dapat melakukan ini."
READS_ONLY = "Inspektorat hanya dapat membaca, tidak mengubah."
NO_CODE = "Kode booking tidak ditemukan."

# An officer who is not the RSUD's staff (Budi of Dinas PUPR, Agus of the Dinas Kesehatan, Bayu of the Command
# Center), per endpoint.
OUTSIDE_THE_RSUD = {
    "queue": (403, NOT_RSUD_STAFF),
    "check-in": (404, NO_CODE),
    "walk-in": (403, NOT_RSUD_STAFF),
    "call": (403, NOT_RSUD_STAFF),
    "cancel": (403, NOT_RSUD_STAFF),
    "move": (404, NO_CODE),
}

# (status, message) per endpoint for each caller; a booking code the caller may not handle is not found.
REFUSALS = {
    "anonymous": {name: (401, None) for name in ("queue", "check-in", "walk-in", "call", "cancel", "move")},
    "andi": {name: (403, NOT_STAFF) for name in ("queue", "check-in", "walk-in", "call", "cancel", "move")},
    "budi": OUTSIDE_THE_RSUD,
    "agus": OUTSIDE_THE_RSUD,
    "bayu": OUTSIDE_THE_RSUD,  # the Command Center: boards and statistics, no patient names
    "irma": {
        "check-in": (404, NO_CODE),
        "walk-in": (403, READS_ONLY),
        "call": (403, READS_ONLY),
        "cancel": (403, READS_ONLY),
        "move": (404, NO_CODE),
    },
}


@pytest.mark.parametrize(
    ("caller", "endpoint"), [(caller, endpoint) for caller, refusals in REFUSALS.items() for endpoint in refusals]
)
def test_nobody_but_the_facility_staff_works_the_desk_or_the_queue(request, queue, poli_anak, caller, endpoint):
    first, _, third = queue
    client = api() if caller == "anonymous" else api(request.getfixturevalue(caller))
    response = {
        "queue": lambda: client.get(session_url(poli_anak)),
        "check-in": lambda: client.post("/api/v1/dokter/petugas/check-in", {"code": third.booking_code}, format="json"),
        "walk-in": lambda: client.post(session_url(poli_anak, "/walk-in"), walk_in(), format="json"),
        "call": lambda: client.post(session_url(poli_anak, "/panggil")),
        "cancel": lambda: client.post(session_url(poli_anak, "/batalkan"), {"reason": "Tes"}, format="json"),
        "move": lambda: client.post(f"/api/v1/dokter/petugas/janji/{first.booking_code}/skip"),
    }[endpoint]()

    status, message = REFUSALS[caller][endpoint]
    assert response.status_code == status
    if message:
        assert error(response)["message"] == message
    else:
        assert error(response)["code"] == "not_authenticated"
    assert "Aisyah" not in response.content.decode()
    assert sorted(Appointment.objects.values_list("queue_number", "status")) == [
        (1, Status.CHECKED_IN),
        (2, Status.CHECKED_IN),
        (3, Status.BOOKED),
    ]
    poli_anak.refresh_from_db()
    assert (poli_anak.status, poli_anak.now_serving) == (SessionStatus.OPEN, 0)


def test_the_inspektorat_reads_a_sessions_queue(queue, irma, poli_anak):
    response = api(irma).get(session_url(poli_anak))

    assert response.status_code == 200
    assert [row["patient_name"] for row in response.json()["appointments"]] == [
        "Aisyah Putri",
        "Andi Saputra",
        "Siti Aminah",
    ]


def test_the_dinkes_staff_work_the_puskesmas_and_not_the_rsud(siti, sri, agus, sessions):
    puskesmas = session_of("puskesmas-binjai-kota", "umum", MONDAY)
    appointment = book(siti, puskesmas)

    refused = check_in(sri, appointment.booking_code)
    assert refused.status_code == 404
    assert api(sri).post(session_url(puskesmas, "/panggil")).status_code == 403

    assert check_in(agus, appointment.booking_code).status_code == 200
    called = api(agus).post(session_url(puskesmas, "/panggil"))
    assert called.status_code == 200 and called.json()["called"]["booking_code"] == appointment.booking_code


def test_a_doctor_with_a_login_works_the_queue_of_their_own_sessions_only(city, queue, poli_anak, sessions):
    doctor = make_officer("198107072008012001", "Rahmawati Lubis", opd(city, "rsud-djoelham"), Role.OFFICER)
    poli_anak.practitioner.user = doctor
    poli_anak.practitioner.save()
    first, _, third = queue
    other = session_of("rsud-djoelham", "umum", MONDAY)

    assert api(doctor).get(session_url(poli_anak)).status_code == 200
    assert api(doctor).post(session_url(poli_anak, "/panggil")).json()["called"]["queue_number"] == 1
    assert move(doctor, first, "served").status_code == 200
    assert api(doctor).get(session_url(other)).status_code == 403
    assert api(doctor).post(session_url(other, "/panggil")).status_code == 403
    desk = check_in(doctor, third.booking_code)  # the desk's work, not the doctor's
    assert desk.status_code == 403 and error(desk)["message"] == NOT_RSUD_STAFF
