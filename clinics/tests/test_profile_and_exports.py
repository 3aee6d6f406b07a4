"""The facilities come from the city profile; e-Dokter's figures and cases for the rest of the platform."""

import copy
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.demo import demo_nik, load_demo_users
from cities.profile import read_profile, resolve_profile_path
from clinics import actions, exports
from clinics.demo import load_demo_clinics
from clinics.models import Appointment, Clinic, Facility, Practitioner, Session, WeeklySchedule
from clinics.tests.conftest import BPJS, MONDAY, NOW, at, book, session_of
from conftest import make_citizen
from kotacerdas import domains

RSUD_POLI = {"umum", "anak", "penyakit-dalam", "bedah", "obgyn", "mata", "gigi", "tht", "saraf", "jantung"}


def clinics_section():
    return copy.deepcopy(read_profile(resolve_profile_path("binjai"))["clinics"])


def test_binjai_has_the_rsud_with_its_poli_and_two_puskesmas(city):
    rsud = Facility.objects.get(city=city, code="rsud-djoelham")
    assert (rsud.name, rsud.kind, rsud.opd.code) == ("RSUD Dr. R.M. Djoelham Binjai", "rsud", "rsud-djoelham")
    assert set(rsud.clinics.values_list("code", flat=True)) == RSUD_POLI
    assert all(rsud.clinics.values_list("referral_required", flat=True))
    puskesmas = Facility.objects.filter(city=city, kind="puskesmas")
    assert puskesmas.count() == 2 and {f.opd.code for f in puskesmas} == {"dinkes"}
    assert not Clinic.objects.filter(facility__kind="puskesmas", referral_required=True).exists()
    anak = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")
    assert list(anak.clinics.values_list("code", flat=True)) == ["anak"]
    assert sorted(anak.schedules.values_list("weekday", flat=True)) == [0, 1, 2, 3]
    assert Practitioner.objects.filter(facility=rsud).count() >= 10


def test_loading_the_section_again_changes_nothing_and_drops_no_schedule_silently(city):
    counts = exports.load_profile_section(city, clinics_section())
    assert counts["fasilitas kesehatan"] == 3 and counts["poli"] == 16
    assert WeeklySchedule.objects.count() == counts["jadwal praktik"]
    section = clinics_section()
    doctor = section["facilities"][0]["practitioners"][2]
    doctor["schedules"][0]["days"] = ["mon"]
    exports.load_profile_section(city, section)
    schedules = WeeklySchedule.objects.filter(practitioner__sip_number=doctor["sip_number"])
    assert list(schedules.filter(active=True).values_list("weekday", flat=True)) == [0]
    assert schedules.filter(active=False).count() == 3


def test_changes_in_the_file_reach_poli_doctors_and_schedules(city):
    section = clinics_section()
    rsud = section["facilities"][0]
    rsud["clinics"][0]["referral_required"] = False
    rsud["practitioners"][0]["name"] = "dr. Fitri Handayani, M.Kes"
    rsud["practitioners"][0]["schedules"][0]["quota_jkn"] = 30
    exports.load_profile_section(city, section)
    assert not Clinic.objects.get(facility__code="rsud-djoelham", code="umum").referral_required
    fitri = Practitioner.objects.get(sip_number=rsud["practitioners"][0]["sip_number"])
    assert fitri.name == "dr. Fitri Handayani, M.Kes"
    assert set(fitri.schedules.values_list("quota_jkn", flat=True)) == {30}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s["facilities"][0].update(kind="klinik"), "jenis harus salah satu"),
        (lambda s: s["facilities"][0].update(opd="rs-tidak-ada"), "OPD 'rs-tidak-ada' tidak ada"),
        (lambda s: s["facilities"][0]["practitioners"][0]["schedules"][0].update(clinic="kulit"), "poli 'kulit'"),
        (lambda s: s["facilities"][0]["practitioners"][0]["schedules"][0].update(days=["senin"]), "kode hari"),
        (lambda s: s["facilities"][0]["practitioners"][0]["schedules"][0].update(end="07:00"), "jam selesai"),
        (lambda s: s["facilities"][0]["practitioners"][0]["schedules"][0].update(quota_jkn=-1), "quota_jkn"),
        (lambda s: s["facilities"][0]["practitioners"][0].update(warna="biru"), "kunci tidak dikenal: warna"),
        (lambda s: s["facilities"].append(s["facilities"][0]), "dipakai lebih dari sekali"),
        (
            lambda s: s["facilities"][0]["practitioners"][0]["schedules"].append(
                s["facilities"][0]["practitioners"][0]["schedules"][0]
            ),
            "tertulis dua kali",
        ),
    ],
)
def test_a_bad_section_is_refused_with_a_message_naming_the_place(city, change, message):
    section = clinics_section()
    change(section)
    with pytest.raises(ValidationError) as exc:
        exports.load_profile_section(city, section)
    assert message in exc.value.messages[0]
    assert exc.value.messages[0].startswith("Fasilitas 'rsud-djoelham'")


@pytest.mark.parametrize("code", ["antrean", "saya", "keluarga", "sesi"])
def test_a_facility_cannot_take_a_word_of_the_dokter_addresses(city, code):
    section = clinics_section()
    section["facilities"][0]["code"] = code
    with pytest.raises(ValidationError) as exc:
        exports.load_profile_section(city, section)
    assert f"Kode '{code}' dipakai alamat halaman /dokter/" in exc.value.messages[0]


def test_stats_count_todays_bookings_queue_and_fill_rate(siti, andi, aisyah, sri, poli_anak):
    first = book(siti, poli_anak, member=aisyah)
    second = book(andi, poli_anak)
    book(siti, session_of("puskesmas-binjai-kota", "umum"), payment="jkn", bpjs_number=BPJS)
    actions.do_check_in(sri, first.booking_code, now=at(MONDAY, 8))
    actions.do_check_in(sri, second.booking_code, now=at(MONDAY, 8, 10))
    actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 30))

    figures = exports.stats(poli_anak.clinic.facility.city, now=at(MONDAY, 8, 35))

    anak = figures["by_clinic"]["rsud-djoelham/anak"]
    assert (anak["booked"], anak["checked_in"], anak["waiting"], anak["in_room"], anak["no_shows"]) == (2, 2, 1, 1, 0)
    assert anak["average_wait_minutes"] == 30.0
    assert anak["places_offered"] == 30 and anak["quota_fill_rate"] == round(2 / 30, 3)
    assert figures["by_facility"]["rsud-djoelham"]["booked"] == 2
    assert figures["by_facility"]["puskesmas-binjai-kota"]["booked"] == 1
    assert figures["totals"]["booked"] == 3
    assert figures["by_clinic"]["rsud-djoelham/mata"]["booked"] == 0
    queue = next(q for q in figures["queues"] if q["session"] == poli_anak.pk)
    assert (queue["now_serving"], queue["last_number"], queue["waiting"]) == (1, 2, 1)
    assert "Siti" not in str(figures["queues"]) and "Aisyah" not in str(figures["queues"])


def test_my_cases_lists_the_bookings_of_the_citizen_only(siti, andi, aisyah, poli_anak):
    appointment = book(siti, poli_anak, member=aisyah)
    cases = [case for case in domains.citizen_cases(siti) if case.service == "e-Dokter"]
    assert [(c.number, c.status) for c in cases] == [(appointment.booking_code, "Terdaftar")]
    assert "Poli Anak" in cases[0].title and "Aisyah Putri" in cases[0].title
    assert not [case for case in domains.citizen_cases(andi) if case.service == "e-Dokter"]


def test_the_demo_makes_four_weeks_of_sessions_and_rinas_bookings_once(city):
    load_demo_users(city, "Demo-uji-2026")
    made, booked = load_demo_clinics(city, now=NOW)
    assert made > 0 and booked == 2
    # 28 days from Monday 1 March: the last is Sunday 28 March, when nobody practises.
    assert max(Session.objects.values_list("date", flat=True)) == MONDAY + timedelta(days=26)
    rina = Appointment.objects.filter(patient__login_id=demo_nik(city))
    assert sorted(rina.values_list("clinic__code", "payment_type")) == [("anak", "general"), ("umum", "jkn")]
    assert load_demo_clinics(city, now=NOW) == (0, 0)


def test_the_demo_loaded_during_practice_hours_shows_a_live_queue_once(city):
    load_demo_users(city, "Demo-uji-2026")
    load_demo_clinics(city, now=at(MONDAY, 9))
    anak = session_of("rsud-djoelham", "anak")
    board = actions.queue_board(anak)
    assert board.now_serving == 2 and board.waiting == anak.walk_ins - 2
    walk_ins = Appointment.objects.filter(walk_in=True).count()
    assert walk_ins > 0
    load_demo_clinics(city, now=at(MONDAY, 10))
    assert Appointment.objects.filter(walk_in=True).count() == walk_ins


def test_palu_runs_e_dokter_from_its_own_profile(palu):
    """Another city, no code of its own: RSUD Anutapura's poli anak is bookable by a Palu citizen, and a
    Binjai NIK is not accepted as a Palu family member."""
    rsud = Facility.objects.get(city=palu, code="rsud-anutapura")
    assert (rsud.kind, rsud.opd.code) == ("rsud", "rsud-anutapura")
    assert Facility.objects.get(city=palu, code="puskesmas-talise").opd.code == "dinkes"
    assert not Facility.objects.filter(city=palu, code="rsud-djoelham").exists()
    made = actions.materialize_sessions(palu, MONDAY, 7)
    assert made > 0
    anak = Session.objects.get(clinic__facility=rsud, clinic__code="anak", date=MONDAY)
    nur = make_citizen("7271014506900001", "Nur Aini", phone="+6281300000091")
    appointment = actions.do_book(nur, anak, payment_type="general", now=NOW)
    assert (appointment.queue_number, appointment.session.clinic.facility.city) == (1, palu)
    with pytest.raises(ValidationError):
        actions.do_add_family_member(nur, nik="1275015203190004", name="Anak dari Binjai", relation="child")
