"""Fifty-five patients press "Daftar" at the same moment for the last ten places of Monday's poli anak.

Each booking runs on its own PostgreSQL connection, all released at one barrier: the session row lock
must let exactly ten through, with ten distinct, consecutive queue numbers, and refuse the rest cleanly.
And four workers sweeping a newly declared holiday at once cancel each session of that day once.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from accounts.models import User
from audit.models import AuditEvent
from clinics.actions import close_sessions_on_holidays
from clinics.models import Appointment, Session
from clinics.tests.conftest import NOW, book
from conftest import make_citizen
from core.testing import run_concurrently
from notifications.models import Notification

RACERS = 55
ALREADY_BOOKED = 5
PLACES = 15  # general quota of the session: 5 taken before, 10 left


def citizens(count, offset=0):
    # Binjai NIKs (1275), kecamatan 01, born 1 January 1990, serials offset+1…
    return [
        make_citizen(f"127501010190{offset + n + 1:04d}", f"Pasien {offset + n + 1}", phone="") for n in range(count)
    ]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_five_racers_for_the_last_ten_places_get_exactly_ten_consecutive_numbers(city, poli_anak):
    Session.objects.filter(pk=poli_anak.pk).update(quota_general=PLACES)
    poli_anak.refresh_from_db()
    for patient in citizens(ALREADY_BOOKED):
        book(patient, poli_anak)
    racers = citizens(RACERS, offset=ALREADY_BOOKED)

    def attempt(patient):
        def run():
            try:
                return book(patient, poli_anak).queue_number
            except ValidationError as exc:
                return exc.message_dict["session"][0]
            finally:
                connections.close_all()

        return run

    results = run_concurrently(*(attempt(patient) for patient in racers), timeout=180)

    numbers = sorted(result for result in results if isinstance(result, int))
    refusals = [result for result in results if isinstance(result, str)]
    assert numbers == list(range(ALREADY_BOOKED + 1, PLACES + 1))
    assert len(refusals) == RACERS - 10
    assert set(refusals) == {"Kuota pasien umum sesi ini sudah penuh; pilih sesi atau dokter lain."}
    session = Session.objects.get(pk=poli_anak.pk)
    assert (session.booked_general, session.last_queue_number) == (PLACES, PLACES)
    booked = Appointment.objects.filter(session=session)
    assert booked.count() == PLACES
    assert sorted(booked.values_list("queue_number", flat=True)) == list(range(1, PLACES + 1))
    assert AuditEvent.objects.filter(action="clinic.booked").count() == PLACES
    assert User.objects.filter(appointments__isnull=False).distinct().count() == PLACES


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_workers_sending_reminders_at_once_send_each_exactly_once(city, poli_anak):
    from datetime import timedelta

    from clinics import actions
    from clinics.tests.conftest import NOW, at
    from notifications.models import Notification

    sunday = NOW - timedelta(days=1)
    patients = [
        make_citizen(f"127501010190{n + 1:04d}", f"Pasien {n + 1}", phone=f"+62812000001{n:02d}") for n in range(8)
    ]
    for patient in patients:
        book(patient, poli_anak, now=sunday)

    def worker():
        try:
            return actions.send_reminders(at(sunday.date(), 9))
        finally:
            connections.close_all()

    sent = run_concurrently(*(worker for _ in range(4)))

    assert sum(sent) == 8
    assert Notification.objects.filter(template="clinic_reminder", channel="sms").count() == 8
    assert Appointment.objects.filter(reminded_at__isnull=True).count() == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_workers_sweeping_a_new_holiday_cancel_each_session_and_tell_each_patient_once(city, poli_anak):
    patients = [
        make_citizen(f"127501010190{n + 101:04d}", f"Pasien {n + 101}", phone=f"+62812340001{n:02d}") for n in range(6)
    ]
    for patient in patients:
        book(patient, poli_anak)
    city.holidays.create(date=poli_anak.date, name="Cuti bersama")
    on_that_day = Session.objects.filter(date=poli_anak.date, status="open").count()

    def sweep():
        return close_sessions_on_holidays(now=NOW - timedelta(days=1))

    assert sum(run_concurrently(*[sweep] * 4, timeout=120)) == on_that_day
    assert not Session.objects.filter(date=poli_anak.date, status="open").exists()
    cancellations = AuditEvent.objects.filter(action="clinic.session_cancelled")
    assert cancellations.count() == on_that_day
    texts = Notification.objects.filter(template="clinic_session_cancelled", channel="sms")
    assert sorted(texts.values_list("user_id", flat=True)) == sorted(patient.pk for patient in patients)
