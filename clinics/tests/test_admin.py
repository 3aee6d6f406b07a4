"""e-Dokter in the admin: the city admin (and a facility's staff with admin rights) keep facilities, poli,
doctors and weekly schedules up to date and enter days off; every change is audited; sessions and
appointments stay read only; hospital staff without admin rights never get in."""

from datetime import time

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from audit.models import AuditEvent
from clinics.models import (
    Appointment,
    Clinic,
    Facility,
    Practitioner,
    ScheduleException,
    Session,
    SessionStatus,
    Status,
    Weekday,
)
from clinics.models import WeeklySchedule as Schedule
from clinics.tests.conftest import AISYAH_NIK, BPJS, MONDAY, book, session_of
from conftest import PASSWORD, make_citizen
from notifications.models import Notification

SCHEDULES = "/admin/clinics/weeklyschedule/"
EXCEPTIONS = "/admin/clinics/scheduleexception/"


@pytest.fixture
def city_admin(client, city, clock):
    admin = User.objects.create_superuser("197001012000011001", PASSWORD, full_name="Admin Kota")
    client.force_login(admin)
    return admin


def schedule_of(doctor, weekday=Weekday.MONDAY):
    return Schedule.objects.get(practitioner__name=doctor, weekday=weekday)


def events(obj, action):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


def schedule_form(schedule, **changes):
    """What the change page of a saved schedule sends (its slot is read only there)."""
    values = {
        "end": schedule.end.strftime("%H:%M"),
        "active": "on" if schedule.active else "",
        "quota_jkn": schedule.quota_jkn,
        "quota_general": schedule.quota_general,
        "quota_walk_in": schedule.quota_walk_in,
        "minutes_per_patient": schedule.minutes_per_patient,
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value != ""}


def new_schedule_form(doctor, clinic, **changes):
    values = {
        "practitioner": doctor.pk,
        "clinic": clinic.pk,
        "weekday": Weekday.FRIDAY,
        "start": "08:30",
        "end": "12:00",
        "quota_jkn": 10,
        "quota_general": 5,
        "quota_walk_in": 3,
        "minutes_per_patient": 10,
        "active": "on",
    }
    values.update(changes)
    return values


def errors_of(response):
    return response.context["adminform"].form.errors


@pytest.mark.parametrize(
    "model", ["facility", "clinic", "practitioner", "weeklyschedule", "scheduleexception", "session", "appointment"]
)
def test_every_list_opens(client, city_admin, sessions, model):
    assert client.get(f"/admin/clinics/{model}/").status_code == 200


def test_appointments_show_no_nik_or_bpjs_number(client, city_admin, siti, aisyah, sessions):
    appointment = book(
        siti, session_of("puskesmas-binjai-kota", "umum"), member=aisyah, payment="jkn", bpjs_number=BPJS
    )
    for url in ("/admin/clinics/appointment/", f"/admin/clinics/appointment/{appointment.pk}/change/"):
        page = client.get(url).content.decode()
        assert "Aisyah Putri" in page
        assert AISYAH_NIK not in page and BPJS not in page
    assert AISYAH_NIK not in client.get(f"/admin/clinics/familymember/{aisyah.pk}/change/").content.decode()


# --- weekly schedules -------------------------------------------------------------------------


def test_the_city_admin_changes_a_schedules_quotas_and_hours_audited(client, city_admin, sessions):
    schedule = schedule_of("dr. Rahmawati Lubis, Sp.A")
    page = client.get(f"{SCHEDULES}{schedule.pk}/change/").content.decode()
    assert "berlaku untuk sesi yang dibuat sesudahnya" in page
    monday_session = session_of("rsud-djoelham", "anak")

    response = client.post(
        f"{SCHEDULES}{schedule.pk}/change/", schedule_form(schedule, end="12:30", quota_jkn=20, minutes_per_patient=8)
    )

    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.end, schedule.quota_jkn, schedule.minutes_per_patient) == (time(12, 30), 20, 8)
    [event] = events(schedule, "clinic.weeklyschedule_changed")
    assert event.actor == city_admin
    assert event.before == {"end": "12:00:00", "quota_jkn": 15, "minutes_per_patient": 10}
    assert event.after == {"end": "12:30:00", "quota_jkn": 20, "minutes_per_patient": 8}
    # A session already made keeps what it was made with.
    monday_session.refresh_from_db()
    assert (monday_session.quota_jkn, monday_session.end) == (15, time(12, 0))


def test_the_city_admin_adds_a_schedule_and_the_doctor_works_in_that_poli(client, city_admin, sessions):
    doctor = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")
    umum = Clinic.objects.get(facility__code="rsud-djoelham", code="umum")

    response = client.post(f"{SCHEDULES}add/", new_schedule_form(doctor, umum))

    assert response.status_code == 302
    schedule = Schedule.objects.get(practitioner=doctor, weekday=Weekday.FRIDAY)
    assert (schedule.clinic, schedule.start, schedule.quota_jkn) == (umum, time(8, 30), 10)
    assert umum in doctor.clinics.all()
    [event] = events(schedule, "clinic.weeklyschedule_created")
    assert event.after["weekday"] == Weekday.FRIDAY and event.after["start"] == "08:30:00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "08:00"}, "end", "Jam selesai harus setelah jam mulai."),
        ({"quota_jkn": 0, "quota_general": 0, "quota_walk_in": 0}, "quota_jkn", "Isi paling sedikit satu kuota"),
        ({"minutes_per_patient": 0}, "minutes_per_patient", "Menit per pasien paling sedikit 1."),
        ({"quota_general": 501}, "quota_general", "Kuota umum harus bilangan bulat 0–500."),
        ({"quota_walk_in": -1}, "quota_walk_in", "lebih besar dari atau sama dengan 0"),
        # dr. Rahmawati is at Poli Anak on Mondays 08.30–12.00.
        ({"weekday": Weekday.MONDAY, "start": "11:00", "end": "13:00"}, "start", "Bertumpuk dengan jadwal"),
        ({"clinic": "puskesmas"}, "clinic", "tidak ada di fasilitas ini"),  # a poli of another facility
    ],
)
def test_an_invalid_schedule_is_refused_with_the_field_to_fix(client, city_admin, sessions, changes, field, message):
    doctor = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")
    facility = "puskesmas-binjai-kota" if changes.pop("clinic", None) == "puskesmas" else "rsud-djoelham"
    umum = Clinic.objects.get(facility__code=facility, code="umum")
    before = Schedule.objects.count()

    response = client.post(f"{SCHEDULES}add/", new_schedule_form(doctor, umum, **changes))

    assert response.status_code == 200
    assert message in " ".join(errors_of(response)[field]), errors_of(response)
    assert Schedule.objects.count() == before
    assert not AuditEvent.objects.filter(action__startswith="clinic.weeklyschedule").exists()


def test_changing_a_schedule_so_it_overlaps_another_is_refused_but_retiring_it_is_not(client, city_admin, sessions):
    # dr. Fitri: Poli Umum 08.00–12.00; a second Monday schedule of hers in the afternoon, then stretched.
    doctor = Practitioner.objects.get(name="dr. Fitri Handayani")
    morning = schedule_of("dr. Fitri Handayani")
    afternoon = Schedule.objects.create(
        practitioner=doctor,
        clinic=Clinic.objects.get(facility__code="rsud-djoelham", code="anak"),
        weekday=Weekday.MONDAY,
        start=time(13),
        end=time(15),
        quota_general=5,
    )

    response = client.post(f"{SCHEDULES}{morning.pk}/change/", schedule_form(morning, end="14:00"))
    assert response.status_code == 200
    # The start is read only on a saved schedule: the message stands above the form.
    [message] = errors_of(response)["__all__"]
    assert message.startswith("Bertumpuk dengan jadwal dr. Fitri Handayani") and "Poli Anak, 13.00–15.00" in message

    assert client.post(f"{SCHEDULES}{afternoon.pk}/change/", schedule_form(afternoon, active="")).status_code == 302
    assert client.post(f"{SCHEDULES}{morning.pk}/change/", schedule_form(morning, end="14:00")).status_code == 302
    morning.refresh_from_db()
    assert morning.end == time(14)


# --- facilities, poli, doctors ----------------------------------------------------------------


def test_the_city_admin_edits_facilities_poli_and_doctors_audited(client, city_admin, sessions):
    rsud = Facility.objects.get(code="rsud-djoelham")
    response = client.post(
        f"/admin/clinics/facility/{rsud.pk}/change/",
        {
            "name": rsud.name,
            "kind": rsud.kind,
            "address": "Jl. Sultan Hasanuddin No. 9",
            "phone": rsud.phone,
            "opd": rsud.opd_id,
            "active": "on",
        },
    )
    assert response.status_code == 302
    rsud.refresh_from_db()
    assert rsud.address == "Jl. Sultan Hasanuddin No. 9"
    assert events(rsud, "clinic.facility_changed").get().after == {"address": "Jl. Sultan Hasanuddin No. 9"}

    response = client.post(
        "/admin/clinics/clinic/add/",
        {
            "facility": rsud.pk,
            "code": "kulit",
            "name": "Poli Kulit dan Kelamin",
            "referral_required": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    kulit = Clinic.objects.get(facility=rsud, code="kulit")
    assert events(kulit, "clinic.clinic_created").exists()

    doctor = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")
    login = make_citizen("1275015003800006", "Rahmawati Lubis", phone="")
    anak = Clinic.objects.get(facility=rsud, code="anak")
    response = client.post(
        f"/admin/clinics/practitioner/{doctor.pk}/change/",
        {
            "name": "dr. Rahmawati Lubis, M.Ked(Ped), Sp.A",
            "specialty": doctor.specialty,
            "clinics": [anak.pk, kulit.pk],
            "user": login.pk,
            "active": "on",
            "sip_number": "X",
        },
    )
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert (doctor.name, doctor.user, doctor.sip_number) == (
        "dr. Rahmawati Lubis, M.Ked(Ped), Sp.A",
        login,
        doctor.sip_number,
    )
    assert set(doctor.clinics.all()) == {anak, kulit}
    event = events(doctor, "clinic.practitioner_changed").get()
    assert event.after["clinics"] == sorted([anak.pk, kulit.pk]) and event.after["user"] == login.pk
    assert doctor.sip_number != "X"


def test_a_doctor_cannot_be_put_in_a_poli_of_another_facility(client, city_admin, sessions):
    doctor = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")
    elsewhere = Clinic.objects.get(facility__code="puskesmas-binjai-kota", code="umum")

    response = client.post(
        f"/admin/clinics/practitioner/{doctor.pk}/change/",
        {"name": doctor.name, "clinics": [elsewhere.pk], "active": "on"},
    )

    assert response.status_code == 200
    assert "clinics" in errors_of(response)
    assert elsewhere not in doctor.clinics.all()


def test_a_second_facility_with_a_code_in_use_is_refused(client, city_admin):
    response = client.post(
        "/admin/clinics/facility/add/",
        {"code": "rsud-djoelham", "name": "RS Baru", "kind": "rs_swasta", "active": "on"},
    )
    assert response.status_code == 200
    assert "sudah dipakai" in errors_of(response)["code"][0]
    assert (
        client.post(
            "/admin/clinics/facility/add/", {"code": "rs-baru", "name": "RS Baru", "kind": "rs_swasta", "active": "on"}
        ).status_code
        == 302
    )
    assert Facility.objects.get(code="rs-baru").city.slug == "binjai"


def test_a_facility_code_that_is_a_word_of_the_dokter_addresses_is_refused(client, city_admin):
    response = client.post(
        "/admin/clinics/facility/add/", {"code": "antrean", "name": "RS Baru", "kind": "rs_swasta", "active": "on"}
    )
    assert response.status_code == 200
    assert "dipakai alamat halaman /dokter/" in errors_of(response)["code"][0]
    assert not Facility.objects.filter(code="antrean").exists()


# --- days off -------------------------------------------------------------------------------------


def test_a_day_off_entered_in_the_admin_cancels_the_sessions_and_texts_the_patients(client, city_admin, siti, sessions):
    appointment = book(siti, session_of("rsud-djoelham", "anak"))
    doctor = appointment.session.practitioner

    response = client.post(
        f"{EXCEPTIONS}add/",
        {"practitioner": doctor.pk, "date": MONDAY.isoformat(), "reason": "leave", "note": "Dokter sakit"},
    )

    assert response.status_code == 302
    exception = ScheduleException.objects.get(practitioner=doctor, date=MONDAY)
    assert (exception.reason, exception.created_by) == ("leave", city_admin)
    assert Session.objects.get(pk=appointment.session_id).status == SessionStatus.CANCELLED
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CANCELLED
    sms = Notification.objects.get(user=siti, template="clinic_session_cancelled", channel="sms")
    assert "Dokter sakit" in sms.body
    assert events(exception, "clinic.exception_added").get().actor == city_admin
    # Entered once: it is not edited or deleted afterwards.
    assert client.post(f"{EXCEPTIONS}{exception.pk}/change/", {"note": "x"}).status_code == 403
    assert client.post(f"{EXCEPTIONS}{exception.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_day_off_in_the_past_is_refused_on_the_form(client, city_admin, sessions):
    doctor = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")

    response = client.post(f"{EXCEPTIONS}add/", {"practitioner": doctor.pk, "date": "2027-02-26", "reason": "leave"})

    assert response.status_code == 200
    assert "Tanggal sudah lewat." in errors_of(response)["date"]
    assert not ScheduleException.objects.exists()


def test_sessions_and_appointments_stay_read_only(client, city_admin, siti, sessions):
    appointment = book(siti, session_of("rsud-djoelham", "anak"))
    session = appointment.session
    assert client.get(f"/admin/clinics/session/{session.pk}/change/").status_code == 200
    assert client.post(f"/admin/clinics/session/{session.pk}/change/", {"status": "cancelled"}).status_code == 403
    assert client.get("/admin/clinics/session/add/").status_code == 403
    assert client.post(f"/admin/clinics/appointment/{appointment.pk}/change/", {"status": "done"}).status_code == 403
    assert client.post(f"/admin/clinics/session/{session.pk}/delete/", {"post": "yes"}).status_code == 403
    doctor = session.practitioner
    assert client.post(f"/admin/clinics/practitioner/{doctor.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{SCHEDULES}{session.schedule_id}/delete/", {"post": "yes"}).status_code == 403
    assert Session.objects.get(pk=session.pk).status == SessionStatus.OPEN


# --- who gets in ------------------------------------------------------------------------------------


def test_hospital_staff_without_admin_rights_never_reach_the_admin(client, sri, sessions, clock):
    client.force_login(sri)
    schedule = schedule_of("dr. Rahmawati Lubis, Sp.A")
    doctor = schedule.practitioner

    for url in (SCHEDULES, f"{SCHEDULES}{schedule.pk}/change/", f"{EXCEPTIONS}add/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(f"{SCHEDULES}{schedule.pk}/change/", schedule_form(schedule, quota_jkn=99))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.post(f"{EXCEPTIONS}add/", {"practitioner": doctor.pk, "date": MONDAY.isoformat(), "reason": "leave"})

    schedule.refresh_from_db()
    assert schedule.quota_jkn == 15
    assert not ScheduleException.objects.exists()


@pytest.fixture
def sri_with_admin_rights(client, sri, clock):
    sri.is_staff = True
    sri.save()
    sri.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="clinics",
            codename__in=[
                "view_weeklyschedule",
                "change_weeklyschedule",
                "add_scheduleexception",
                "view_scheduleexception",
            ],
        )
    )
    client.force_login(sri)
    return sri


def test_a_hospitals_staff_with_admin_rights_manage_their_own_facility_only(
    client, sri_with_admin_rights, siti, sessions
):
    own = schedule_of("dr. Rahmawati Lubis, Sp.A")
    other = schedule_of("dr. Siska Damanik")  # Puskesmas Binjai Kota: the Dinas Kesehatan's

    listing = client.get(SCHEDULES).content.decode()
    assert "Rahmawati" in listing and "Siska" not in listing
    assert client.post(f"{SCHEDULES}{own.pk}/change/", schedule_form(own, quota_general=12)).status_code == 302
    own.refresh_from_db()
    assert own.quota_general == 12
    assert events(own, "clinic.weeklyschedule_changed").get().actor == sri_with_admin_rights

    client.post(f"{SCHEDULES}{other.pk}/change/", schedule_form(other, quota_general=1))
    other.refresh_from_db()
    assert other.quota_general != 1
    response = client.post(
        f"{EXCEPTIONS}add/", {"practitioner": other.practitioner_id, "date": MONDAY.isoformat(), "reason": "leave"}
    )
    assert response.status_code == 200 and "practitioner" in errors_of(response)
    assert not ScheduleException.objects.exists()
    # Without the permission for it, no doctor is edited.
    assert client.get(f"/admin/clinics/practitioner/{own.practitioner_id}/change/").status_code == 403
