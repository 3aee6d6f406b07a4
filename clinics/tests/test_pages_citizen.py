"""e-Dokter's public and citizen pages, through the Django test client.

On Monday 1 March 2027 at 07:00 Siti finds the paediatrician at RSUD Dr. R.M. Djoelham, sees the free
places, books for herself and for her daughter Aisyah, shows the QR code of the booking code, cancels and
reschedules before the cut-off. Every bad input comes back in the page with a clear message; Andi never
sees or touches Siti's appointments (404), visitors are asked to log in and officers get 403.
"""

import re
from datetime import timedelta
from html import unescape

import pytest
import segno
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinics import actions
from clinics.models import Appointment, FamilyMember, Session, Status
from clinics.tests.conftest import BPJS, MEDAN_NIK, MONDAY, REFERRAL, at, book, one_day, session_of
from portal.tests.test_accessibility import structure

TUESDAY = one_day(MONDAY)


def html(response):
    return unescape(response.content.decode())


def text(response):
    """The page's visible text, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def results(response):
    """The text of the find page's result list (without the search form's choices)."""
    match = re.search(r'<div id="daftar-poli"[^>]*>(.*?)</div>', html(response), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def error_summary(response):
    match = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', html(response), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def assert_accessible(response):
    page = structure(response)
    assert page.html_lang == "id"
    assert page.links[0] == "#isi"
    assert all(input_id in page.label_for for input_id in page.inputs), page.inputs


def book_url(session):
    return reverse("clinics:book", args=[session.pk])


def appointment_url(appointment):
    return reverse("clinics:appointment", args=[appointment.booking_code])


def general(**extra):
    return {"patient": "diri", "payment_type": "general", **extra}


@pytest.fixture
def siti_client(client, siti, clock):
    client.force_login(siti)
    return client


@pytest.fixture
def tuesday_anak(sessions):
    """Poli Anak on Tuesday 2 March, 08.30: cancel and reschedule are open until 06.30 that day."""
    return session_of("rsud-djoelham", "anak", TUESDAY)


# --- Finding a poli and its free places (public) ---------------------------------------------------


def test_the_find_page_lists_facilities_poli_doctors_and_free_places(client, sessions, clock):
    response = client.get(reverse("clinics:find"))

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    for name in ("RSUD Dr. R.M. Djoelham Binjai", "Puskesmas Binjai Kota", "Puskesmas Kebun Lada"):
        assert name in page
    assert "Poli Anak" in page and "dr. Rahmawati Lubis, Sp.A" in page
    # Poli Anak: Mon–Thu 15 JKN + 10 general (dr. Lubis) and Thu–Fri 10 + 6 (dr. Tarigan) in two weeks,
    # minus nothing booked; the first free session is Monday 08.30.
    monday_and_later = Session.objects.filter(clinic__code="anak", clinic__facility__code="rsud-djoelham")
    jkn = sum(s.quota_jkn for s in monday_and_later if s.date <= MONDAY + timedelta(days=13))
    assert f"{jkn} JKN" in page
    assert f'href="{reverse("clinics:clinic", args=["rsud-djoelham", "anak"])}"' in html(response)
    assert 'aria-current="page">Dokter<' in html(response)


def test_searching_a_doctors_name_finds_the_poli(client, sessions, clock):
    response = client.get(reverse("clinics:find"), {"q": "tarigan"})

    page = results(response)
    assert response.status_code == 200
    assert "1 poli cocok" in page
    assert "Poli Anak" in page and "Poli Mata" not in page and "Puskesmas" not in page


def test_filters_by_facility_and_poli(client, sessions, clock):
    by_poli = results(client.get(reverse("clinics:find"), {"poli": "gigi"}))
    assert "3 poli cocok" in by_poli and "Poli Gigi dan Mulut" in by_poli and "Poli Anak" not in by_poli

    by_both = results(client.get(reverse("clinics:find"), {"poli": "gigi", "fasilitas": "puskesmas-kebun-lada"}))
    assert "1 poli cocok" in by_both and "Puskesmas Kebun Lada" in by_both and "RSUD" not in by_both


def test_an_unknown_filter_is_a_clear_error(client, sessions, clock):
    response = client.get(reverse("clinics:find"), {"fasilitas": "rs-tidak-ada"})

    assert response.status_code == 400
    assert "Pilih rumah sakit atau puskesmas dari daftar." in error_summary(response)


def test_the_poli_page_shows_each_sessions_free_places_and_a_booking_link(client, poli_anak, siti, andi, clock):
    book(siti, poli_anak)
    book(andi, poli_anak, payment="jkn", bpjs_number=BPJS, referral_number=REFERRAL)
    full = session_of("rsud-djoelham", "anak", TUESDAY)
    Session.objects.filter(pk=full.pk).update(booked_jkn=F("quota_jkn"), booked_general=F("quota_general"))

    response = client.get(reverse("clinics:clinic", args=["rsud-djoelham", "anak"]))

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    assert "Senin, 1 Maret 2027" in page and "08.30–12.00 · dr. Rahmawati Lubis, Sp.A" in page
    monday = page.split("Senin, 1 Maret 2027")[1].split("Selasa, 2 Maret 2027")[0]
    assert "JKN: 14 tempat kosong" in monday and "Umum: 9 tempat kosong" in monday
    tuesday = page.split("Selasa, 2 Maret 2027")[1].split("Rabu, 3 Maret 2027")[0]
    assert "JKN: penuh" in tuesday and "Umum: penuh" in tuesday
    assert f'href="{book_url(poli_anak)}"' in html(response)
    assert f'href="{book_url(full)}"' not in html(response)
    # Fourteen days: Monday 1 to Sunday 14 March; the Monday after is not offered yet.
    assert "Kamis, 11 Maret 2027" in page and "15 Maret" not in page


def test_the_poli_page_filters_by_doctor(client, sessions, clock):
    tarigan = Session.objects.filter(practitioner__name__startswith="dr. Andre Tarigan").first().practitioner
    url = reverse("clinics:clinic", args=["rsud-djoelham", "anak"])

    page = text(client.get(url, {"dokter": tarigan.pk}))

    assert "dr. Andre Tarigan, Sp.A" in page.split("Jadwal dan tempat kosong")[1]
    assert "13.00–" in page and "08.30–12.00" not in page
    other = Session.objects.filter(clinic__code="mata").first().practitioner
    refused = client.get(url, {"dokter": other.pk})
    assert refused.status_code == 400
    assert "Dokter ini tidak praktik di poli ini" in error_summary(refused)


def test_an_unknown_poli_is_not_found(client, sessions, clock):
    assert client.get(reverse("clinics:clinic", args=["rsud-djoelham", "kulit"])).status_code == 404
    assert client.get(reverse("clinics:clinic", args=["rs-lain", "anak"])).status_code == 404


def test_the_poli_page_reads_its_sessions_in_one_query_whatever_the_bookings(
    client, poli_anak, siti, andi, aisyah, clock
):
    url = reverse("clinics:clinic", args=["rsud-djoelham", "anak"])
    client.get(url)  # the city profile is cached after the first request
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    book(siti, poli_anak)
    book(siti, poli_anak, member=aisyah)
    book(andi, session_of("rsud-djoelham", "anak", TUESDAY))
    with CaptureQueriesContext(connection) as after:
        client.get(url)

    assert len(after.captured_queries) == len(before.captured_queries) <= 4
    assert [q["sql"] for q in after.captured_queries if "clinics_session" in q["sql"]] == [
        q["sql"] for q in before.captured_queries if "clinics_session" in q["sql"]
    ]
    assert sum('FROM "clinics_session"' in q["sql"] for q in after.captured_queries) == 1
    assert not [q for q in after.captured_queries if "clinics_appointment" in q["sql"]]


# --- Booking ------------------------------------------------------------------------------------


def test_siti_books_for_herself_and_lands_on_her_appointment(siti_client, siti, poli_anak):
    page = siti_client.get(book_url(poli_anak))
    assert page.status_code == 200
    assert_accessible(page)

    response = siti_client.post(book_url(poli_anak), general())

    appointment = Appointment.objects.get(patient=siti)
    assert response.status_code == 302 and response["Location"] == appointment_url(appointment)
    assert (appointment.patient_name, appointment.payment_type, appointment.queue_number) == (
        "Siti Aminah",
        "general",
        1,
    )
    shown = siti_client.get(response["Location"])
    assert f"kode booking {appointment.booking_code}, nomor antrean 1" in text(shown)


def test_siti_books_jkn_for_aisyah(siti_client, siti, aisyah, poli_anak):
    form = siti_client.get(book_url(poli_anak))
    assert "Aisyah Putri (anak)" in text(form)

    response = siti_client.post(
        book_url(poli_anak),
        {"patient": f"keluarga-{aisyah.pk}", "payment_type": "jkn", "bpjs_number": BPJS, "referral_number": REFERRAL},
    )

    appointment = Appointment.objects.get(patient=siti)
    assert response["Location"] == appointment_url(appointment)
    assert (appointment.family_member, appointment.patient_name, appointment.payment_type) == (
        aisyah,
        "Aisyah Putri",
        "jkn",
    )
    assert appointment.bpjs_number == BPJS and appointment.referral_number == REFERRAL


def test_a_full_session_is_refused_in_the_page(siti_client, poli_anak):
    Session.objects.filter(pk=poli_anak.pk).update(booked_general=F("quota_general"))

    response = siti_client.post(book_url(poli_anak), general())

    assert response.status_code == 400
    assert "Kuota pasien umum sesi ini sudah penuh; pilih sesi atau dokter lain." in error_summary(response)
    assert not Appointment.objects.exists()


def test_a_past_or_started_session_is_refused_in_the_page(siti_client, siti, poli_anak, clock):
    clock.set(at(MONDAY, 9))
    started = siti_client.post(book_url(poli_anak), general())
    assert started.status_code == 400
    assert "Sesi ini sudah dimulai; pendaftaran online ditutup." in error_summary(started)

    clock.set(at(TUESDAY, 7))
    siti_client.force_login(siti)  # a login lasts 8 hours
    past = siti_client.post(book_url(poli_anak), general())
    assert past.status_code == 400
    assert "Tanggal sesi ini sudah lewat" in error_summary(past)
    assert not Appointment.objects.exists()


def test_a_second_booking_for_the_same_person_poli_and_day_is_refused(siti_client, siti, poli_anak):
    book(siti, poli_anak)
    afternoon = Session.objects.get(pk=poli_anak.pk)
    # Another doctor's session of the same poli the same day would be refused the same way; the same
    # session shows it too.
    response = siti_client.post(book_url(afternoon), general())

    assert response.status_code == 400
    assert "Siti Aminah sudah terdaftar di Poli Anak pada 01-03-2027; satu pendaftaran per poli per hari." in (
        error_summary(response)
    )
    assert Appointment.objects.count() == 1


def test_jkn_without_a_bpjs_number_or_referral_is_refused_next_to_the_field(siti_client, poli_anak):
    response = siti_client.post(book_url(poli_anak), {"patient": "diri", "payment_type": "jkn"})

    assert response.status_code == 400
    page = html(response)
    assert "Nomor kartu BPJS Kesehatan wajib diisi untuk pasien JKN." in error_summary(response)
    assert 'id="id_bpjs_number_error"' in page
    assert "Poli Anak melayani pasien JKN dengan rujukan" in error_summary(response)
    assert 'id="id_referral_number_error"' in page

    with_card = siti_client.post(book_url(poli_anak), {"patient": "diri", "payment_type": "jkn", "bpjs_number": BPJS})
    assert with_card.status_code == 400
    assert "BPJS" not in error_summary(with_card) and "nomor rujukan" in error_summary(with_card)
    assert not Appointment.objects.exists()


def test_a_booking_without_a_payment_type_asks_for_one(siti_client, poli_anak):
    response = siti_client.post(book_url(poli_anak), {"patient": "diri"})

    assert response.status_code == 400
    assert "Pilih cara bayar: JKN (BPJS Kesehatan) atau umum." in error_summary(response)
    assert not Appointment.objects.exists()


def test_a_family_member_of_another_citizen_cannot_be_chosen(siti_client, andi, poli_anak):
    member = actions.do_add_family_member(andi, nik="1275015203190004", name="Anak Andi", relation="child")

    response = siti_client.post(book_url(poli_anak), general(patient=f"keluarga-{member.pk}"))

    assert response.status_code == 400
    assert "Pilih diri Anda sendiri atau anggota keluarga yang Anda daftarkan." in error_summary(response)
    assert not Appointment.objects.exists()


def test_an_unknown_session_is_not_found(siti_client, sessions):
    assert siti_client.get(reverse("clinics:book", args=[999999])).status_code == 404


# --- My appointments, one appointment, the QR code ---------------------------------------------


def test_my_appointments_lists_own_and_familys_upcoming_first(siti_client, siti, andi, aisyah, poli_anak, clock):
    earlier = book(siti, poli_anak, member=aisyah, now=at(MONDAY, 6))
    later = book(siti, session_of("rsud-djoelham", "mata", one_day(TUESDAY) + timedelta(days=1)))
    cancelled = book(siti, session_of("rsud-djoelham", "umum", TUESDAY))
    actions.do_cancel(siti, cancelled, now=at(MONDAY, 7))
    book(andi, poli_anak)

    response = siti_client.get(reverse("clinics:mine"))

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    upcoming, past = page.split("Akan datang")[1].split("Riwayat")
    assert upcoming.index(earlier.booking_code) < upcoming.index(later.booking_code)
    assert "Aisyah Putri" in upcoming and "Terdaftar" in upcoming and "nomor antrean 1" in upcoming
    assert "perkiraan dilayani pukul 08.30" in upcoming
    assert cancelled.booking_code in past and "Dibatalkan" in past
    assert "Andi" not in page


def test_the_appointment_page_shows_code_number_time_qr_and_timeline(siti_client, siti, aisyah, poli_anak):
    appointment = book(siti, poli_anak, member=aisyah)

    response = siti_client.get(appointment_url(appointment))

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    assert appointment.booking_code in page and "Nomor antrean 1" in page
    assert "dr. Rahmawati Lubis, Sp.A" in page and "Senin, 1 Maret 2027, 08.30–12.00" in page
    assert "Perkiraan dilayani sekarang: pukul 08.30 WIB · 0 pasien sebelum Anda" in page
    assert "Terdaftar di Poli Anak RSUD Dr. R.M. Djoelham Binjai" in page  # the public timeline
    # The QR code holds exactly the booking code, as the desk's scanner types it.
    expected = segno.make_qr(appointment.booking_code, error="m").svg_inline(border=4)
    drawn = re.search(r'<path [^>]*d="([^"]+)"', expected).group(1)
    assert f'd="{drawn}"' in response.content.decode()
    # A full QR code of version 1 (21 modules and the quiet zone), not a Micro QR that scanners cannot read.
    assert '<svg role="img" viewBox="0 0 29 29" class="qr">' in response.content.decode()
    # 07.00 is past the cut-off (2 hours before 08.30): no buttons, the desk is named.
    assert "Batas waktu membatalkan atau memindah jadwal online sudah lewat" in page
    assert reverse("clinics:cancel", args=[appointment.booking_code]) not in html(response)


def test_the_live_estimate_follows_the_queue_on_the_day(siti_client, siti, andi, sri, poli_anak, clock):
    first = book(andi, poli_anak)
    mine = book(siti, poli_anak)
    actions.do_check_in(sri, first.booking_code, now=at(MONDAY, 8, 40))
    actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 50))
    clock.set(at(MONDAY, 9))

    page = text(siti_client.get(appointment_url(mine)))

    assert "Perkiraan dilayani sekarang: pukul 09.10 WIB · 1 pasien sebelum Anda" in page
    assert "Nomor yang terakhir dipanggil: 1 ." in page


def test_a_booking_code_in_small_letters_leads_to_the_appointment(siti_client, siti, poli_anak):
    appointment = book(siti, poli_anak)

    response = siti_client.get(reverse("clinics:appointment", args=[appointment.booking_code.lower()]))

    assert response.status_code == 302 and response["Location"] == appointment_url(appointment)


def test_my_cases_links_to_the_appointment_page(siti_client, siti, aisyah, poli_anak):
    appointment = book(siti, poli_anak, member=aisyah)

    response = siti_client.get(reverse("portal:my_cases"))

    assert f'<a href="{appointment_url(appointment)}">{appointment.booking_code}</a>' in html(response)


# --- Cancelling and rescheduling ---------------------------------------------------------------


def test_siti_cancels_before_the_cut_off(siti_client, siti, tuesday_anak):
    appointment = book(siti, tuesday_anak)
    detail = siti_client.get(appointment_url(appointment))
    assert "Anda dapat membatalkan atau memindah jadwal sampai Selasa, 2 Maret 2027 pukul 06.30" in text(detail)
    assert siti_client.get(reverse("clinics:cancel", args=[appointment.booking_code])).status_code == 200

    response = siti_client.post(reverse("clinics:cancel", args=[appointment.booking_code]), {"reason": "Sudah sehat"})

    assert response.status_code == 302 and response["Location"] == appointment_url(appointment)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert "Pendaftaran dibatalkan oleh pasien. Alasan/catatan: Sudah sehat" in text(
        siti_client.get(response["Location"])
    )
    tuesday_anak.refresh_from_db()
    assert tuesday_anak.booked_general == 0
    again = siti_client.post(reverse("clinics:cancel", args=[appointment.booking_code]))
    assert again.status_code == 409 and "tidak dapat diubah menjadi 'Dibatalkan'" in text(again)


def test_cancelling_after_the_cut_off_shows_the_message(siti_client, siti, poli_anak):
    appointment = book(siti, poli_anak)
    expected = "Pendaftaran hanya dapat dibatalkan paling lambat 2 jam sebelum sesi dimulai."

    shown = siti_client.get(reverse("clinics:cancel", args=[appointment.booking_code]))
    assert expected in error_summary(shown) and "Ya, batalkan" not in text(shown)

    response = siti_client.post(reverse("clinics:cancel", args=[appointment.booking_code]))

    assert response.status_code == 400
    assert expected in error_summary(response)
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_siti_reschedules_to_another_session_of_the_same_poli(siti_client, siti, tuesday_anak):
    appointment = book(siti, tuesday_anak)
    thursday = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=3), practitioner="dr. Andre")
    full = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=2))
    Session.objects.filter(pk=full.pk).update(booked_general=F("quota_general"))
    url = reverse("clinics:reschedule", args=[appointment.booking_code])

    page = siti_client.get(url)
    assert page.status_code == 200
    assert_accessible(page)
    assert f'id="sesi-{full.pk}" disabled' in html(page) and f'id="sesi-{tuesday_anak.pk}"' not in html(page)

    response = siti_client.post(url, {"session": thursday.pk})

    new = Appointment.objects.get(session=thursday)
    assert response.status_code == 302 and response["Location"] == appointment_url(new)
    appointment.refresh_from_db()
    assert appointment.status == Status.RESCHEDULED and appointment.rescheduled_to == new
    old_page = text(siti_client.get(appointment_url(appointment)))
    assert f"pendaftaran baru {new.booking_code}" in old_page


def test_rescheduling_into_a_full_session_or_after_the_cut_off_is_refused(siti_client, siti, tuesday_anak, clock):
    appointment = book(siti, tuesday_anak)
    full = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=2))
    Session.objects.filter(pk=full.pk).update(booked_general=F("quota_general"))
    url = reverse("clinics:reschedule", args=[appointment.booking_code])

    into_full = siti_client.post(url, {"session": full.pk})
    assert into_full.status_code == 400
    assert "Kuota pasien umum sesi ini sudah penuh" in error_summary(into_full)

    clock.set(at(TUESDAY, 7))
    siti_client.force_login(siti)
    late = siti_client.post(url, {"session": full.pk})
    assert late.status_code == 400
    assert "Pendaftaran hanya dapat dipindah paling lambat 2 jam sebelum sesi dimulai." in error_summary(late)
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


# --- Family members ------------------------------------------------------------------------------


def test_siti_adds_and_removes_a_family_member(siti_client, siti):
    page = siti_client.get(reverse("clinics:family"))
    assert page.status_code == 200
    assert_accessible(page)

    response = siti_client.post(
        reverse("clinics:family"), {"nik": "1275015203190004", "name": "Aisyah Putri", "relation": "child"}
    )

    assert response.status_code == 302
    member = FamilyMember.objects.get(owner=siti)
    listed = text(siti_client.get(reverse("clinics:family")))
    assert "Aisyah Putri" in listed and "NIK 1275********0004" in listed and "lahir 12 Maret 2019" in listed

    removed = siti_client.post(reverse("clinics:family_remove", args=[member.pk]))
    assert removed.status_code == 302 and not FamilyMember.objects.exists()


def test_a_foreign_nik_is_refused_with_the_message(siti_client, siti):
    response = siti_client.post(reverse("clinics:family"), {"nik": MEDAN_NIK, "name": "Aisyah", "relation": "child"})

    assert response.status_code == 400
    assert "Binjai" in error_summary(response)
    assert 'id="id_nik_error"' in html(response)
    assert not FamilyMember.objects.exists()


def test_an_empty_family_member_form_names_what_is_missing(siti_client, siti):
    response = siti_client.post(reverse("clinics:family"), {"nik": "", "name": "", "relation": ""})

    assert response.status_code == 400
    summary = error_summary(response)
    assert "NIK wajib diisi." in summary and "Nama lengkap wajib diisi." in summary
    assert "Pilih hubungan keluarga." in summary
    assert not FamilyMember.objects.exists()


def test_a_member_with_visits_stays(siti_client, siti, aisyah, poli_anak):
    book(siti, poli_anak, member=aisyah)

    response = siti_client.post(reverse("clinics:family_remove", args=[aisyah.pk]))

    assert response.status_code == 400
    assert "Aisyah Putri masih punya pendaftaran yang akan datang" in text(response)
    assert FamilyMember.objects.filter(pk=aisyah.pk).exists()


# --- The appointment in the patient's calendar ----------------------------------------------------


def calendar_lines(response):
    """The .ics file's content lines, folded lines joined again (RFC 5545 §3.1)."""
    return response.content.decode().replace("\r\n ", "").split("\r\n")


def test_siti_saves_aisyahs_appointment_in_her_calendar_with_a_reminder(siti_client, siti, aisyah, tuesday_anak):
    appointment = book(siti, tuesday_anak, member=aisyah)
    page = siti_client.get(appointment_url(appointment)).content.decode()
    assert f'href="{reverse("clinics:calendar", args=[appointment.booking_code])}"' in page

    response = siti_client.get(reverse("clinics:calendar", args=[appointment.booking_code]))

    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="pendaftaran-{appointment.booking_code}.ics"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.endswith("\r\n") and all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = calendar_lines(response)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-2:] == ["END:VCALENDAR", ""]
    assert f"UID:{appointment.booking_code}@testserver" in lines
    assert "DTSTART:20270302T013000Z" in lines  # 08.30 WIB, number 1
    assert f"DTEND:20270302T01{30 + tuesday_anak.minutes_per_patient}00Z" in lines
    assert "SUMMARY:Berobat ke Poli Anak\\, RSUD Dr. R.M. Djoelham Binjai" in lines
    assert "STATUS:CONFIRMED" in lines and "TRIGGER:-PT1H" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert (
        appointment.booking_code in description and "nomor antrean 1" in description and "Aisyah Putri" in description
    )


def test_a_cancelled_appointments_calendar_file_cancels_the_event(siti_client, siti, tuesday_anak, clock):
    appointment = book(siti, tuesday_anak)
    actions.do_cancel(siti, appointment, reason="")
    page = siti_client.get(appointment_url(appointment)).content.decode()
    assert reverse("clinics:calendar", args=[appointment.booking_code]) not in page
    lines = calendar_lines(siti_client.get(reverse("clinics:calendar", args=[appointment.booking_code])))
    assert "STATUS:CANCELLED" in lines and "SEQUENCE:1" in lines
    assert "BEGIN:VALARM" not in lines


def test_a_visit_under_way_stays_in_the_calendar_without_a_reminder(siti_client, siti, tuesday_anak):
    appointment = book(siti, tuesday_anak)
    Appointment.objects.filter(pk=appointment.pk).update(status=Status.CALLED)
    lines = calendar_lines(siti_client.get(reverse("clinics:calendar", args=[appointment.booking_code])))
    assert "STATUS:CONFIRMED" in lines and "SEQUENCE:0" in lines
    assert "BEGIN:VALARM" not in lines


# --- Who may open what ---------------------------------------------------------------------------


def test_andi_cannot_see_cancel_or_reschedule_sitis_appointment(client, siti, andi, aisyah, tuesday_anak, clock):
    appointment = book(siti, tuesday_anak, member=aisyah)
    client.force_login(andi)
    code = appointment.booking_code

    for name in ("clinics:appointment", "clinics:calendar", "clinics:cancel", "clinics:reschedule"):
        assert client.get(reverse(name, args=[code])).status_code == 404, name
    assert client.post(reverse("clinics:cancel", args=[code])).status_code == 404
    other = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=2))
    assert client.post(reverse("clinics:reschedule", args=[code]), {"session": other.pk}).status_code == 404
    assert client.post(reverse("clinics:family_remove", args=[aisyah.pk])).status_code == 404
    assert code not in text(client.get(reverse("clinics:mine")))
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED and FamilyMember.objects.filter(pk=aisyah.pk).exists()
    # An unknown code looks the same.
    assert client.get(reverse("clinics:appointment", args=["ZZZZ2345"])).status_code == 404


CITIZEN_PAGES = ["clinics:mine", "clinics:family"]


@pytest.mark.parametrize("name", CITIZEN_PAGES)
def test_visitors_are_asked_to_log_in(name, client, city):
    response = client.get(reverse(name))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_booking_asks_a_visitor_to_log_in(client, poli_anak, clock):
    response = client.post(book_url(poli_anak), general())

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not Appointment.objects.exists()


def test_an_officer_gets_a_clear_403_on_the_citizen_pages(client, budi, siti, tuesday_anak, clock):
    appointment = book(siti, tuesday_anak)
    client.force_login(budi)
    code = appointment.booking_code
    gets = [
        reverse("clinics:mine"),
        reverse("clinics:family"),
        book_url(tuesday_anak),
        reverse("clinics:appointment", args=[code]),
        reverse("clinics:calendar", args=[code]),
        reverse("clinics:cancel", args=[code]),
        reverse("clinics:reschedule", args=[code]),
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Petugas tidak dapat mendaftar" in text(response)
    assert client.post(book_url(tuesday_anak), general()).status_code == 403
    assert client.post(reverse("clinics:cancel", args=[code])).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED and Appointment.objects.count() == 1
    # The public pages stay open to everyone.
    assert client.get(reverse("clinics:find")).status_code == 200
