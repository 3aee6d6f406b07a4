"""generate_appointments: bulk outpatient history that looks like a city's hospitals and puskesmas, with a live
today on top (Monday 1 March 2027, 10.00: the morning sessions running)."""

import io
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from accounts.nik import parse_nik
from audit.models import AuditEvent
from clinics import actions
from clinics.generator import booking_code, generate_appointments
from clinics.models import (
    ACTIVE_STATUSES,
    CODE_PATTERN,
    Appointment,
    PaymentType,
    Session,
    SessionStatus,
    Status,
)
from clinics.tests.conftest import MONDAY, at
from notifications.models import Notification

COUNT = 1500
NOW = at(MONDAY, 10)
WINDOW = 14


@pytest.fixture
def generated(city):
    result = generate_appointments(city, COUNT, seed=7, now=NOW)
    return result, list(Appointment.objects.select_related("session", "family_member").order_by("id"))


def history(rows):
    return [a for a in rows if a.date < MONDAY]


def test_n_historical_appointments_in_sessions_made_from_the_weekly_schedules_up_to_yesterday(city, generated):
    result, rows = generated
    past = history(rows)
    assert len(past) == result.appointments == COUNT
    # Up to Saturday (no poli works on Sunday).
    assert max(a.date for a in past) == MONDAY - timedelta(days=2)
    assert min(a.date for a in past) == result.first_day
    sessions = Session.objects.filter(date__lt=MONDAY).select_related("schedule")
    assert sessions.count() == result.sessions
    for session in sessions:
        schedule = session.schedule
        assert (schedule.clinic_id, schedule.practitioner_id, schedule.weekday) == (
            session.clinic_id,
            session.practitioner_id,
            session.date.weekday(),
        )
        assert (session.start, session.end, session.quota_jkn, session.quota_general, session.quota_walk_in) == (
            schedule.start,
            schedule.end,
            schedule.quota_jkn,
            schedule.quota_general,
            schedule.quota_walk_in,
        )
    assert not sessions.filter(date__in=city.holidays.values("date")).exists()
    # No audit trail or messages for bulk history.
    assert not AuditEvent.objects.filter(action__startswith="clinic.").exists()
    assert not Notification.objects.exists()


def test_a_realistic_mix_of_fates_in_the_past(generated):
    _, rows = generated
    statuses = Counter(a.status for a in history(rows))
    assert set(statuses) == {Status.DONE, Status.NO_SHOW, Status.CANCELLED, Status.RESCHEDULED}
    assert 0.7 < statuses[Status.DONE] / COUNT < 0.9
    assert 0.03 < statuses[Status.NO_SHOW] / COUNT < 0.1
    assert 0.05 < statuses[Status.CANCELLED] / COUNT < 0.14
    assert 0.01 < statuses[Status.RESCHEDULED] / COUNT < 0.06
    online = [a for a in history(rows) if not a.walk_in]
    walk_ins = [a for a in history(rows) if a.walk_in]
    assert 0.05 < len(walk_ins) / COUNT < 0.3
    assert 0.6 < sum(a.payment_type == PaymentType.JKN for a in online) / len(online) < 0.85
    assert 0.1 < sum(a.family_member_id is not None for a in online) / len(online) < 0.3
    # Most walk-ins have no account; the counter registered them.
    assert sum(a.patient_id is None for a in walk_ins) / len(walk_ins) > 0.5
    assert all(a.status in (Status.DONE, Status.NO_SHOW) and a.checked_in_at for a in walk_ins)


def test_every_session_counts_what_it_holds_within_its_quotas_with_consecutive_queue_numbers(generated):
    _, rows = generated
    by_session = defaultdict(list)
    for appointment in rows:
        by_session[appointment.session_id].append(appointment)
    sessions = Session.objects.filter(pk__in=by_session)
    assert sessions.count() == len(by_session)
    for session in sessions:
        held = [a for a in by_session[session.pk] if a.status not in (Status.CANCELLED, Status.RESCHEDULED)]
        counted = Counter((a.walk_in, a.payment_type) for a in held)
        walk_ins = counted[(True, PaymentType.JKN)] + counted[(True, PaymentType.GENERAL)]
        assert (session.booked_jkn, session.booked_general, session.walk_ins) == (
            counted[(False, PaymentType.JKN)],
            counted[(False, PaymentType.GENERAL)],
            walk_ins,
        )
        assert session.booked_jkn <= session.quota_jkn and session.booked_general <= session.quota_general
        assert session.walk_ins <= session.quota_walk_in
        numbers = sorted(a.queue_number for a in by_session[session.pk])
        assert numbers == list(range(1, session.last_queue_number + 1))
        # Numbers in the order the places were taken: online bookings, then walk-ins as they came.
        taken = sorted(by_session[session.pk], key=lambda a: a.queue_number)
        assert [a.booked_at for a in taken] == sorted(a.booked_at for a in taken)
        for appointment in taken:
            planned = session.starts_at + timedelta(
                minutes=(appointment.queue_number - 1) * session.minutes_per_patient
            )
            assert appointment.estimated_at == (
                max(planned, appointment.checked_in_at) if appointment.walk_in else planned
            )


def test_nobody_holds_two_places_in_one_poli_on_one_day_and_every_nik_is_valid(city, generated):
    _, rows = generated
    active = Counter((a.clinic_id, a.date, a.patient_nik) for a in rows if a.status in ACTIVE_STATUSES)
    assert max(active.values()) == 1
    for nik in {a.patient_nik for a in rows}:
        parse_nik(nik, today=MONDAY)
    online = [a for a in rows if not a.walk_in]
    assert all(a.patient_id for a in online)
    assert all(a.patient_nik.startswith(city.nik_prefix) for a in online)
    for appointment in online:
        if appointment.family_member_id:
            member = appointment.family_member
            assert member.owner_id == appointment.patient_id
            assert (member.nik, member.name) == (appointment.patient_nik, appointment.patient_name)
            assert parse_nik(member.nik, today=MONDAY).birth_date == member.birth_date


def test_booking_codes_are_distinct_and_readable_payments_carry_their_numbers(generated):
    _, rows = generated
    assert len({a.booking_code for a in rows}) == len(rows)
    assert all(CODE_PATTERN.fullmatch(a.booking_code) for a in rows)
    assert all(a.booking_code == booking_code(a.pk) for a in rows if a.date < MONDAY)
    for appointment in rows:
        if appointment.payment_type == PaymentType.JKN:
            assert len(appointment.bpjs_number) == 13 and appointment.bpjs_number.isdigit()
            assert bool(appointment.referral_number) == appointment.clinic.referral_required
        else:
            assert appointment.bpjs_number == appointment.referral_number == ""


def test_each_status_has_the_timestamps_of_its_steps_in_order(generated):
    _, rows = generated
    for a in history(rows):
        session = a.session
        steps = [a.booked_at, a.checked_in_at, a.called_at, a.served_at, a.done_at]
        present = [moment for moment in steps if moment is not None]
        assert present == sorted(present)
        assert a.updated_at == max([*present, a.cancelled_at or a.booked_at, a.no_show_at or a.booked_at])
        if a.status == Status.DONE:
            assert None not in steps and a.call_count >= 1
            assert session.starts_at - timedelta(hours=2) < a.checked_in_at < session.ends_at + timedelta(hours=3)
        elif a.status == Status.NO_SHOW:
            assert a.no_show_at > session.ends_at and a.served_at is None and a.done_at is None
            assert (a.called_at is None) == (a.checked_in_at is None)
        else:
            assert a.cancelled_at and a.checked_in_at is None and a.called_at is None
            if session.status == SessionStatus.OPEN and not a.walk_in:
                cutoff = session.starts_at - timedelta(hours=2)
                assert a.booked_at <= a.cancelled_at <= cutoff
        if not a.walk_in:
            assert session.starts_at - timedelta(days=WINDOW) < a.booked_at < session.starts_at
        if a.reminded_at:
            assert a.booked_at < a.reminded_at < (a.cancelled_at or a.checked_in_at or a.no_show_at)
            assert a.reminded_at.astimezone(session.starts_at.tzinfo).date() == a.date - timedelta(days=1)


def test_a_rescheduled_booking_points_at_the_same_persons_place_in_a_later_session_of_the_poli(generated):
    _, rows = generated
    moved = [a for a in rows if a.status == Status.RESCHEDULED]
    assert moved
    for old in moved:
        new = old.rescheduled_to
        assert new is not None and new.status in (*ACTIVE_STATUSES, Status.NO_SHOW)
        assert (new.clinic_id, new.patient_nik, new.patient_id, new.payment_type) == (
            old.clinic_id,
            old.patient_nik,
            old.patient_id,
            old.payment_type,
        )
        assert 0 < (new.date - old.date).days <= 7
        assert new.booked_at == old.cancelled_at
        assert new.session.starts_at - timedelta(days=WINDOW) < new.booked_at
    assert not any(a.rescheduled_to_id for a in rows if a.status != Status.RESCHEDULED)


def test_cancelled_sessions_told_their_patients_and_hold_nobody(city):
    generate_appointments(city, COUNT, seed=1, now=NOW)  # a seed with a cancelled session
    cancelled = Session.objects.filter(status=SessionStatus.CANCELLED, date__lt=MONDAY)
    assert cancelled.exists()
    for session in cancelled:
        assert (session.booked_jkn, session.booked_general, session.walk_ins) == (0, 0, 0)
        rows = list(session.appointments.all())
        assert len(rows) == session.last_queue_number
        assert {a.status for a in rows} <= {Status.CANCELLED}
        assert {a.reason for a in rows} == {session.cancel_reason}


def test_today_is_live_and_the_coming_days_fill_less_the_further_ahead(city, generated):
    result, rows = generated
    live = [a for a in rows if a.date >= MONDAY]
    assert len(live) == result.live_appointments > 0
    sessions = Session.objects.filter(date__gte=MONDAY)
    assert sessions.count() == result.live_sessions
    assert max(s.date for s in sessions) == MONDAY + timedelta(days=WINDOW)
    booked = Counter(a.date for a in live if not a.walk_in)
    offered = Counter()
    for session in sessions:
        offered[session.date] += session.quota_jkn + session.quota_general
    assert booked[MONDAY] / offered[MONDAY] > 0.7
    assert booked[MONDAY] / offered[MONDAY] > booked[MONDAY + timedelta(days=7)] / offered[MONDAY + timedelta(days=7)]
    assert booked[MONDAY + timedelta(days=WINDOW)] == 0  # not bookable yet
    assert all(a.booked_at <= NOW and a.updated_at <= NOW for a in live)
    assert not any(a.walk_in for a in live if a.date > MONDAY)
    future = Counter(a.status for a in live if a.date > MONDAY)
    assert set(future) == {Status.BOOKED, Status.CANCELLED}
    today = Counter(a.status for a in live if a.date == MONDAY)
    assert {Status.DONE, Status.CHECKED_IN, Status.BOOKED} <= set(today)
    assert sum(today[s] for s in (Status.CALLED, Status.SERVED)) >= 1
    # At most one patient in the room per running session, and the board shows who.
    running = sessions.filter(date=MONDAY, starts_at__lte=NOW, ends_at__gt=NOW)
    assert running.exists()
    for session in running:
        in_room = session.appointments.filter(status__in=[Status.CALLED, Status.SERVED])
        assert in_room.count() <= 1
        board = actions.queue_board(session)
        assert board.now_serving == (in_room.get().queue_number if in_room.exists() else None)
        assert board.waiting == session.appointments.filter(status=Status.CHECKED_IN).count()
    # Tomorrow's patients have had their reminder (the job runs from 08.00 the day before).
    tomorrow = [a for a in live if a.date == MONDAY + timedelta(days=1) and a.status == Status.BOOKED]
    assert sum(a.reminded_at is not None for a in tomorrow) / len(tomorrow) > 0.8


def test_the_jobs_find_the_history_settled_and_a_citizen_can_still_book(city, generated, andi):
    assert actions.mark_no_shows(NOW) == 0
    session = next(s for s in actions.bookable_sessions(city=city, now=NOW) if s.free_general > 0)
    appointment = actions.do_book(andi, session, payment_type=PaymentType.GENERAL, now=NOW)
    assert appointment.queue_number == session.last_queue_number + 1


def test_running_it_again_adds_older_history_and_leaves_the_live_window_alone(city, generated):
    result, rows = generated
    live = Appointment.objects.filter(date__gte=MONDAY).count()
    again = generate_appointments(city, 500, seed=8, now=NOW)
    assert Appointment.objects.filter(date__lt=MONDAY).count() == COUNT + 500
    assert Appointment.objects.filter(date__gte=MONDAY).count() == live
    assert again.live_appointments == 0
    older = Appointment.objects.filter(Q(date__lt=result.first_day))
    assert older.count() == 500
    assert again.citizens_created == 0 and again.family_members_created == 0


def test_the_same_seed_makes_the_same_live_window_whatever_the_history(city):
    first = generate_appointments(city, 1000, seed=11, now=NOW)
    shape = Counter(Appointment.objects.filter(date__gte=MONDAY).values_list("date", "status", "queue_number"))
    Appointment.objects.all().delete()
    Session.objects.all().delete()
    second = generate_appointments(city, 2500, seed=11, now=NOW)
    assert second.live_appointments == first.live_appointments
    assert Counter(Appointment.objects.filter(date__gte=MONDAY).values_list("date", "status", "queue_number")) == shape


def test_too_few_days_for_the_count_is_refused(city):
    with pytest.raises(ValueError, match="untuk 100000 perlu sekitar"):
        generate_appointments(city, 100_000, seed=1, days=30, now=NOW)
    assert not Appointment.objects.exists()


def test_a_fixed_span_spreads_the_count_over_it(city):
    result = generate_appointments(city, 800, seed=1, days=60, now=NOW)
    assert result.days == 60 and result.first_day == MONDAY - timedelta(days=60)
    assert Appointment.objects.filter(date__lt=MONDAY).count() == 800


def test_the_command(city, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG mati"):
        call_command("generate_appointments", "--count", "10")
    for arguments, message in (
        (["--count", "0"], "paling sedikit 1"),
        (["--count", "10", "--days", "0"], "--days"),
        (["--count", "10", "--now", "kemarin"], "ISO 8601"),
        (["--count", "10", "--now", "2027-03-01T10:00"], "zona waktu"),
        (["--count", "100000", "--days", "7"], "perlu sekitar"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("generate_appointments", *arguments, "--force")
    out = io.StringIO()
    call_command(
        "generate_appointments", "--count", "400", "--seed", "5", "--now", NOW.isoformat(), "--force", stdout=out
    )
    text = out.getvalue()
    assert "Membuat 400 pendaftaran rawat jalan untuk Kota Binjai" in text
    assert "400 pendaftaran dalam" in text and "Status: selesai" in text
    assert Appointment.objects.filter(date__lt=MONDAY).count() == 400


def test_the_command_needs_the_city_profile(db, settings):
    settings.CITY = "binjai"
    from cities.models import forget_current_city

    forget_current_city()
    with pytest.raises(CommandError, match="load_city binjai"):
        call_command("generate_appointments", "--count", "10", "--force")
