"""Siti books Monday's poli anak at RSUD Dr. R.M. Djoelham for her daughter Aisyah, and every rule of booking."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings

from audit.models import AuditEvent
from cities.models import City, forget_current_city
from clinics import actions
from clinics.models import Appointment, PaymentType, Session, Status, parse_booking_code
from clinics.tests.conftest import AISYAH_NIK, BPJS, MEDAN_NIK, MONDAY, NOW, REFERRAL, at, book, session_of
from notifications.models import Notification


def messages(exc, field):
    return exc.value.message_dict[field]


def test_siti_books_poli_anak_for_her_daughter_and_gets_code_number_and_time(siti, aisyah, poli_anak):
    appointment = book(siti, poli_anak, member=aisyah)

    assert appointment.queue_number == 1
    assert appointment.estimated_at == at(MONDAY, 8, 30)
    assert (appointment.patient_nik, appointment.patient_name) == (AISYAH_NIK, "Aisyah Putri")
    assert parse_booking_code(appointment.booking_code) == appointment.booking_code
    assert appointment.status == Status.BOOKED
    poli_anak.refresh_from_db()
    assert (poli_anak.booked_general, poli_anak.last_queue_number) == (1, 1)
    event = AuditEvent.objects.get(action="clinic.booked")
    assert event.public and appointment.booking_code in event.public_text
    sms = Notification.objects.get(channel="sms", user=siti)
    assert appointment.booking_code in sms.body and "antrean 1" in sms.body and "08.30" in sms.body


def test_the_next_patient_gets_the_next_number_and_a_later_estimate(siti, andi, aisyah, poli_anak):
    book(siti, poli_anak, member=aisyah)
    second = book(andi, poli_anak)
    # Siti herself may see the paediatrician too: one booking per *person* per poli per day.
    third = book(siti, poli_anak)
    assert [second.queue_number, third.queue_number] == [2, 3]
    assert second.estimated_at == at(MONDAY, 8, 40)
    assert third.estimated_at == at(MONDAY, 8, 50)


def test_booking_codes_are_unambiguous_and_read_back_loosely():
    assert parse_booking_code(" abcd-2345 ") == "ABCD2345"
    assert parse_booking_code("ABCD1234") is None  # 1 is not in the alphabet (looks like I)
    assert parse_booking_code("ABC") is None
    assert parse_booking_code(None) is None


def test_jkn_at_the_rsud_needs_a_bpjs_card_number_and_a_referral(siti, poli_anak):
    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak, payment="jkn")
    assert messages(exc, "bpjs_number") == ["Nomor kartu BPJS Kesehatan wajib diisi untuk pasien JKN."]
    assert "rujukan" in messages(exc, "referral_number")[0]

    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak, payment="jkn", bpjs_number="12345", referral_number="x")
    assert messages(exc, "bpjs_number") == ["Nomor kartu BPJS Kesehatan terdiri dari 13 angka."]
    assert messages(exc, "referral_number") == ["Nomor rujukan terdiri dari 10–25 huruf dan angka."]

    appointment = book(siti, poli_anak, payment="jkn", bpjs_number="0001 2345 67890", referral_number=REFERRAL)
    assert (appointment.bpjs_number, appointment.referral_number) == (BPJS, REFERRAL)
    poli_anak.refresh_from_db()
    assert (poli_anak.booked_jkn, poli_anak.booked_general) == (1, 0)


def test_jkn_at_the_puskesmas_poli_umum_needs_no_referral(siti, sessions):
    session = session_of("puskesmas-binjai-kota", "umum")
    appointment = book(siti, session, payment="jkn", bpjs_number=BPJS)
    assert appointment.referral_number == ""


def test_an_unknown_payment_type_is_refused(siti, poli_anak):
    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak, payment="gratis")
    assert "cara bayar" in messages(exc, "payment_type")[0]


def test_a_full_quota_is_refused_while_the_other_payment_type_still_has_room(siti, andi, poli_anak):
    Session.objects.filter(pk=poli_anak.pk).update(quota_general=1)
    book(andi, poli_anak)
    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak)
    assert messages(exc, "session") == ["Kuota pasien umum sesi ini sudah penuh; pilih sesi atau dokter lain."]
    assert book(siti, poli_anak, payment="jkn", bpjs_number=BPJS, referral_number=REFERRAL).queue_number == 2


def test_a_past_session_is_refused(siti, poli_anak):
    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak, now=NOW + timedelta(days=1))
    assert "sudah lewat" in messages(exc, "session")[0]


def test_a_session_that_has_started_is_refused_online(siti, poli_anak):
    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak, now=at(MONDAY, 8, 31))
    assert messages(exc, "session") == [
        "Sesi ini sudah dimulai; pendaftaran online ditutup. Silakan mendaftar di loket."
    ]


def test_booking_opens_fourteen_days_ahead(siti, poli_anak):
    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak, now=NOW - timedelta(days=14))
    assert messages(exc, "session") == ["Pendaftaran online dibuka paling lama 14 hari sebelumnya."]
    assert book(siti, poli_anak, now=NOW - timedelta(days=13)).queue_number == 1


def test_a_cancelled_session_is_refused(siti, poli_anak):
    Session.objects.filter(pk=poli_anak.pk).update(status="cancelled")
    with pytest.raises(ValidationError) as exc:
        book(siti, poli_anak)
    assert messages(exc, "session") == ["Sesi praktik ini dibatalkan; pilih sesi lain."]


def test_the_same_person_cannot_book_the_same_poli_twice_on_one_day_even_with_another_doctor(siti, aisyah, sessions):
    # Thursday: poli anak has dr. Rahmawati in the morning and dr. Andre in the afternoon.
    thursday = MONDAY + timedelta(days=3)
    morning = session_of("rsud-djoelham", "anak", thursday, "dr. Rahmawati")
    afternoon = session_of("rsud-djoelham", "anak", thursday, "dr. Andre")
    book(siti, morning, member=aisyah)
    for session in (morning, afternoon):
        with pytest.raises(ValidationError) as exc:
            book(siti, session, member=aisyah)
        assert messages(exc, "session") == [
            "Aisyah Putri sudah terdaftar di Poli Anak pada 04-03-2027; satu pendaftaran per poli per hari."
        ]
    # Another poli, or another day, is fine.
    book(siti, session_of("rsud-djoelham", "umum", thursday), member=aisyah)
    book(siti, session_of("rsud-djoelham", "anak", MONDAY), member=aisyah)


def test_a_cancelled_booking_does_not_block_booking_again(siti, aisyah, poli_anak):
    first = book(siti, poli_anak, member=aisyah, now=NOW - timedelta(days=1))
    actions.do_cancel(siti, first, now=NOW - timedelta(days=1))
    assert book(siti, poli_anak, member=aisyah).queue_number == 2


def test_family_member_nik_is_checked_like_the_citizens_own(siti):
    with pytest.raises(ValidationError) as exc:
        actions.do_add_family_member(siti, nik=MEDAN_NIK, name="Keponakan", relation="other")
    assert messages(exc, "nik") == [
        "NIK ini bukan NIK penduduk Kota Binjai (harus diawali 1275). Pendaftaran hanya untuk penduduk kota."
    ]
    with pytest.raises(ValidationError) as exc:
        actions.do_add_family_member(siti, nik="1275013202190004", name="Anak", relation="child")
    assert messages(exc, "nik") == ["Tanggal lahir pada NIK (digit 7–12) tidak valid."]
    with pytest.raises(ValidationError) as exc:
        actions.do_add_family_member(siti, nik=siti.login_id, name="Siti", relation="other")
    assert "NIK Anda sendiri" in messages(exc, "nik")[0]
    with pytest.raises(ValidationError) as exc:
        actions.do_add_family_member(siti, nik=AISYAH_NIK, name="", relation="cousin", birth_date=MONDAY)
    assert set(exc.value.message_dict) == {"name", "relation", "birth_date"}


def test_a_family_member_keeps_the_birth_date_of_the_nik_and_is_registered_once(siti, aisyah):
    assert aisyah.birth_date.isoformat() == "2019-03-12"
    with pytest.raises(ValidationError) as exc:
        actions.do_add_family_member(siti, nik=AISYAH_NIK, name="Aisyah", relation="child")
    assert messages(exc, "nik") == ["Anggota keluarga dengan NIK ini sudah Anda daftarkan."]


def test_nobody_books_for_another_citizens_family_member(siti, andi, aisyah, poli_anak):
    with pytest.raises(ValidationError) as exc:
        book(andi, poli_anak, member=aisyah)
    assert messages(exc, "family_member") == ["Pilih anggota keluarga yang Anda daftarkan sendiri."]


def test_officers_do_not_book_online(budi, sri, poli_anak):
    for officer in (budi, sri):
        with pytest.raises(PermissionDenied):
            book(officer, poli_anak)
        with pytest.raises(PermissionDenied):
            actions.do_add_family_member(officer, nik=AISYAH_NIK, name="Aisyah", relation="child")


@override_settings(CLINIC_NO_SHOW_LIMIT=2, CLINIC_NO_SHOW_WINDOW_DAYS=30, CLINIC_NO_SHOW_BLOCK_DAYS=14)
def test_repeated_no_shows_block_online_booking_for_a_while(siti, sessions):
    for day in (MONDAY, MONDAY + timedelta(days=2)):
        book(siti, session_of("rsud-djoelham", "penyakit-dalam", day))
    after_wednesday = at(MONDAY + timedelta(days=2), 13)
    assert actions.mark_no_shows(after_wednesday) == 2
    assert actions.no_show_block(siti, after_wednesday) == after_wednesday + timedelta(days=14)

    friday = session_of("rsud-djoelham", "penyakit-dalam", MONDAY + timedelta(days=4))
    with pytest.raises(ValidationError) as exc:
        book(siti, friday, now=after_wednesday)
    assert messages(exc, "session") == [
        "Pendaftaran online Anda ditangguhkan sampai 17-03-2027 karena beberapa kali tidak hadir tanpa membatalkan. "
        "Anda tetap dapat mendaftar langsung di loket."
    ]
    assert actions.no_show_block(siti, after_wednesday + timedelta(days=14, seconds=1)) is None


@override_settings(CLINIC_NO_SHOW_LIMIT=2, CLINIC_NO_SHOW_WINDOW_DAYS=3)
def test_no_shows_far_apart_do_not_block(siti, sessions):
    book(siti, session_of("rsud-djoelham", "penyakit-dalam", MONDAY))
    actions.mark_no_shows(at(MONDAY, 13))
    friday = MONDAY + timedelta(days=4)
    book(siti, session_of("rsud-djoelham", "penyakit-dalam", friday), now=at(MONDAY, 13))
    actions.mark_no_shows(at(friday, 13))
    assert actions.no_show_block(siti, at(friday, 13)) is None


def test_free_places_for_the_next_fourteen_days(siti, poli_anak):
    book(siti, poli_anak)
    sessions = actions.bookable_sessions(clinic=poli_anak.clinic, now=NOW)
    assert sessions[0].pk == poli_anak.pk
    assert (sessions[0].free_general, sessions[0].free_jkn, sessions[0].free_walk_in) == (9, 15, 5)
    assert all(s.date <= MONDAY + timedelta(days=13) for s in sessions)
    # Mon–Thu dr. Rahmawati, Thu–Fri dr. Andre: 6 sessions a week.
    assert len([s for s in sessions if s.date < MONDAY + timedelta(days=7)]) == 6
    later = actions.bookable_sessions(clinic=poli_anak.clinic, now=at(MONDAY, 9))
    assert poli_anak.pk not in [s.pk for s in later]


def test_payment_type_labels_are_in_indonesian():
    assert PaymentType("jkn").label == "JKN (BPJS Kesehatan)"
    assert Appointment._meta.verbose_name == "pendaftaran rawat jalan"


def test_a_family_member_is_removed_only_without_bookings(siti, andi, aisyah, poli_anak):
    with pytest.raises(Http404):
        actions.do_remove_family_member(andi, aisyah)
    booking = book(siti, poli_anak, member=aisyah, now=NOW - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        actions.do_remove_family_member(siti, aisyah)
    assert "masih punya pendaftaran" in messages(exc, "family_member")[0]
    actions.do_cancel(siti, booking, now=NOW - timedelta(days=1))
    with pytest.raises(ValidationError):
        actions.do_remove_family_member(siti, aisyah)  # the cancelled booking keeps its record
    other = actions.do_add_family_member(siti, nik="1275011503150009", name="Fikri", relation="child")
    actions.do_remove_family_member(siti, other)
    assert not siti.family_members.filter(pk=other.pk).exists()


def test_a_city_open_to_everyone_accepts_family_members_from_elsewhere(siti, city):
    City.objects.filter(pk=city.pk).update(residents_only_registration=False)
    forget_current_city()
    member = actions.do_add_family_member(siti, nik=MEDAN_NIK, name="Keponakan dari Medan", relation="other")
    assert member.nik == MEDAN_NIK
