"""Fifty-five patients press "Daftar" at the same moment for the last ten places of Monday's poli anak.

Each booking runs on its own PostgreSQL connection, all released at one barrier: the session row lock
must let exactly ten through, with ten distinct, consecutive queue numbers, and refuse the rest cleanly.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Appointment, Session
from clinics.tests.conftest import book
from conftest import make_citizen
from core.testing import run_concurrently

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
