"""The worker's side: sessions made from the weekly schedules, no-shows, reminders the day before, and
sessions cancelled by the facility with the patients told and offered the next free session."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from clinics import actions
from clinics.models import Appointment, Practitioner, ScheduleException, Session, SessionStatus, Status
from clinics.tasks import close_sessions_on_holidays, mark_no_shows, materialize_upcoming_sessions, send_reminders
from clinics.tests.conftest import MONDAY, NOW, at, book, session_of
from core.scheduler import SCHEDULE
from notifications.models import Notification

SUNDAY = NOW - timedelta(days=1)


def test_sessions_are_made_once_with_the_schedules_quotas(city):
    made = actions.materialize_sessions(city, MONDAY, 7)
    assert made == Session.objects.count() > 0
    assert actions.materialize_sessions(city, MONDAY, 7) == 0
    anak = session_of("rsud-djoelham", "anak")
    assert (anak.start.isoformat(), anak.end.isoformat(), anak.quota_jkn, anak.quota_general) == (
        "08:30:00",
        "12:00:00",
        15,
        10,
    )
    assert anak.starts_at == at(MONDAY, 8, 30) and anak.ends_at == at(MONDAY, 12)
    # Saturday: only the puskesmas with Saturday hours; Sunday: nothing.
    saturday = MONDAY + timedelta(days=5)
    assert set(Session.objects.filter(date=saturday).values_list("clinic__facility__code", flat=True)) == {
        "puskesmas-binjai-kota",
        "puskesmas-kebun-lada",
    }
    assert not Session.objects.filter(date=MONDAY + timedelta(days=6)).exists()


def test_holidays_of_the_city_calendar_get_no_sessions(city):
    actions.materialize_sessions(city, date(2026, 12, 21), 7)
    days = set(Session.objects.filter(clinic__code="penyakit-dalam").values_list("date", flat=True))
    assert days == {date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23)}  # 24th cuti bersama, 25th Natal


def test_a_doctor_on_leave_gets_no_session_that_day(city):
    doctor = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")
    ScheduleException.objects.create(practitioner=doctor, date=MONDAY, reason="leave")
    actions.materialize_sessions(city, MONDAY, 7)
    assert not Session.objects.filter(practitioner=doctor, date=MONDAY).exists()
    assert Session.objects.filter(practitioner=doctor, date=MONDAY + timedelta(days=1)).exists()


def test_the_daily_job_makes_four_weeks_from_today(city):
    assert ("clinics.materialize_sessions", timedelta(days=1), "clinics.tasks.materialize_upcoming_sessions") in (
        SCHEDULE
    )
    assert materialize_upcoming_sessions.call() > 0
    dates = Session.objects.values_list("date", flat=True)
    assert max(dates) - min(dates) <= timedelta(days=27)


def test_patients_not_checked_in_by_the_end_of_the_session_become_no_shows(siti, andi, sri, aisyah, poli_anak):
    missed = book(siti, poli_anak, member=aisyah)
    came = book(andi, poli_anak)
    actions.do_check_in(sri, came.booking_code, now=at(MONDAY, 8))
    assert actions.mark_no_shows(at(MONDAY, 11, 59)) == 0
    assert actions.mark_no_shows(at(MONDAY, 12)) == 1
    assert actions.mark_no_shows(at(MONDAY, 12, 5)) == 0
    missed.refresh_from_db()
    came.refresh_from_db()
    assert (missed.status, missed.no_show_at, came.status) == (Status.NO_SHOW, at(MONDAY, 12), Status.CHECKED_IN)
    assert "tidak hadir" in Notification.objects.filter(user=siti, template="clinic_status").get(channel="sms").body
    assert ("clinics.no_shows", timedelta(minutes=5), "clinics.tasks.mark_no_shows") in SCHEDULE
    assert mark_no_shows.call() == 0


def test_the_reminder_goes_out_the_day_before_exactly_once(siti, andi, aisyah, poli_anak, sessions):
    reminded = book(siti, poli_anak, member=aisyah, now=SUNDAY)
    cancelled = book(andi, poli_anak, now=SUNDAY)
    actions.do_cancel(andi, cancelled, now=SUNDAY)
    later = book(siti, session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=1)), now=SUNDAY)

    assert actions.send_reminders(at(SUNDAY.date(), 7, 59)) == 0  # before 08.00
    assert actions.send_reminders(at(SUNDAY.date(), 8)) == 1
    assert actions.send_reminders(at(SUNDAY.date(), 8, 30)) == 0
    assert actions.send_reminders(at(SUNDAY.date(), 20)) == 0

    reminders = Notification.objects.filter(template="clinic_reminder")
    assert list(reminders.values_list("channel", flat=True).order_by("channel")) == ["email", "sms"]
    sms = reminders.get(channel="sms")
    assert reminded.booking_code in sms.body and "08.30" in sms.body and "Aisyah Putri" in sms.body
    reminded.refresh_from_db()
    later.refresh_from_db()
    assert reminded.reminded_at == at(SUNDAY.date(), 8) and later.reminded_at is None
    assert ("clinics.reminders", timedelta(minutes=30), "clinics.tasks.send_reminders") in SCHEDULE
    assert send_reminders.call() == 0


def test_an_appointment_already_reminded_is_not_reminded_again(siti, poli_anak):
    appointment = book(siti, poli_anak, now=SUNDAY)
    Appointment.objects.filter(pk=appointment.pk).update(reminded_at=at(SUNDAY.date(), 8))
    assert actions.send_reminders(at(SUNDAY.date(), 9)) == 0
    assert not Notification.objects.filter(template="clinic_reminder").exists()


def test_staff_cancel_a_session_and_the_patients_are_told_with_the_next_free_session(siti, andi, aisyah, sri, sessions):
    poli_anak = session_of("rsud-djoelham", "anak")
    jkn = book(siti, poli_anak, member=aisyah, now=SUNDAY)
    general = book(andi, poli_anak, now=SUNDAY)
    tuesday = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=1))
    Session.objects.filter(pk=tuesday.pk).update(booked_general=10)  # Tuesday is full for general patients

    told = actions.do_cancel_session(sri, poli_anak, reason="Dokter mengikuti seminar", now=at(MONDAY, 6))

    assert told == 2
    poli_anak.refresh_from_db()
    assert (poli_anak.status, poli_anak.booked_general) == (SessionStatus.CANCELLED, 0)
    assert set(Appointment.objects.filter(session=poli_anak).values_list("status", flat=True)) == {"cancelled"}
    texts = {n.user_id: n.body for n in Notification.objects.filter(template="clinic_session_cancelled", channel="sms")}
    assert "Dokter mengikuti seminar" in texts[siti.pk]
    assert "03-03-2027 08.30" in texts[siti.pk]  # Tuesday is full, Wednesday has room
    assert jkn.booking_code in texts[siti.pk] and general.booking_code in texts[andi.pk]
    with pytest.raises(actions.IllegalMove):
        actions.do_cancel_session(sri, poli_anak, reason="lagi", now=at(MONDAY, 6))


def test_only_the_facilitys_staff_cancel_its_sessions(agus, budi, siti, poli_anak):
    for user in (agus, budi, siti):
        with pytest.raises(PermissionDenied):
            actions.do_cancel_session(user, poli_anak, reason="x", now=NOW)


def test_a_leave_entered_later_cancels_the_sessions_already_made(siti, aisyah, sri, poli_anak):
    booking = book(siti, poli_anak, member=aisyah, now=SUNDAY)
    actions.do_add_exception(sri, poli_anak.practitioner, date=MONDAY, reason="leave", now=SUNDAY)
    poli_anak.refresh_from_db()
    booking.refresh_from_db()
    assert (poli_anak.status, booking.status) == (SessionStatus.CANCELLED, Status.CANCELLED)
    assert "Dokter cuti" in Notification.objects.get(template="clinic_session_cancelled", channel="sms").body


def test_a_holiday_added_later_closes_that_days_sessions_once_and_the_patients_are_offered_another_day(
    city, siti, aisyah, andi, sessions
):
    # Monday's sessions are made; then the government declares Monday a cuti bersama and the city admin adds it.
    monday = session_of("rsud-djoelham", "anak")
    booking = book(siti, monday, member=aisyah, now=SUNDAY)
    umum_morning = session_of("rsud-djoelham", "umum")  # poli umum has an afternoon session on Monday too
    book(andi, umum_morning, now=SUNDAY)
    city.holidays.create(date=MONDAY, name="Cuti bersama Idulfitri")
    on_monday = Session.objects.filter(date=MONDAY, status=SessionStatus.OPEN).count()

    # Until the worker comes by, nobody can book that day any more.
    assert MONDAY not in {session.date for session in actions.bookable_sessions(city=city, now=SUNDAY)}
    with pytest.raises(ValidationError) as refused:
        book(andi, monday, now=SUNDAY)
    assert refused.value.message_dict["session"] == ["01-03-2027 hari libur (Cuti bersama Idulfitri); pilih hari lain."]

    assert actions.close_sessions_on_holidays(now=SUNDAY) == on_monday > 1
    assert actions.close_sessions_on_holidays(now=SUNDAY) == 0  # a second worker finds nothing to do

    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    assert not Session.objects.filter(date=MONDAY, status=SessionStatus.OPEN).exists()
    assert Session.objects.filter(date=MONDAY + timedelta(days=1), status=SessionStatus.OPEN).exists()
    texts = {n.user_id: n.body for n in Notification.objects.filter(template="clinic_session_cancelled", channel="sms")}
    assert "Hari libur: Cuti bersama Idulfitri" in texts[siti.pk]
    assert "02-03-2027 08.30" in texts[siti.pk]  # Tuesday's poli anak is offered
    # Not Monday afternoon's poli umum, closed a moment later: Tuesday's.
    assert "Sesi terdekat yang masih kosong: 02-03-2027 08.00" in texts[andi.pk]
    event = AuditEvent.objects.filter(action="clinic.session_cancelled", object_id=str(monday.pk)).get()
    assert (event.actor, event.actor_label) == (None, "Sistem")


def test_the_holiday_sweep_runs_from_the_worker_and_leaves_sessions_that_have_begun(city, siti, sessions, clock):
    assert ("clinics.holidays", timedelta(minutes=5), "clinics.tasks.close_sessions_on_holidays") in SCHEDULE
    city.holidays.create(date=MONDAY, name="Hari libur mendadak")
    clock.set(at(MONDAY, 23))  # the day is over: its history stays as it was
    assert close_sessions_on_holidays.call() == 0
    assert not Session.objects.filter(date=MONDAY, status=SessionStatus.CANCELLED).exists()
    clock.set(at(MONDAY, 10))  # the morning sessions are running and go on; the afternoon's are closed
    afternoon = Session.objects.filter(date=MONDAY, start__hour__gte=13)
    assert close_sessions_on_holidays.call() == afternoon.count() > 0
    assert set(Session.objects.filter(date=MONDAY, status=SessionStatus.CANCELLED)) == set(afternoon)
