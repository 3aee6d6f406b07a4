"""Siti changes her plans: cancelling and rescheduling until two hours before the session; Andi may not."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from clinics import actions
from clinics.models import Appointment, Session, Status
from clinics.tests.conftest import MONDAY, NOW, at, book, session_of

SUNDAY = NOW - timedelta(days=1)


@pytest.fixture
def booking(siti, aisyah, poli_anak):
    return book(siti, poli_anak, member=aisyah, now=SUNDAY)


def test_cancelling_before_the_cut_off_gives_the_place_back(siti, booking, poli_anak):
    actions.do_cancel(siti, booking, reason="Anak sudah sembuh", now=at(MONDAY, 6, 30))
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED and booking.cancelled_at == at(MONDAY, 6, 30)
    assert booking.reason == "Anak sudah sembuh"
    poli_anak.refresh_from_db()
    assert (poli_anak.booked_general, poli_anak.last_queue_number) == (0, 1)


def test_cancelling_after_the_cut_off_is_refused(siti, booking):
    with pytest.raises(ValidationError) as exc:
        actions.do_cancel(siti, booking, now=at(MONDAY, 6, 31))
    assert exc.value.message_dict["appointment"] == [
        "Pendaftaran hanya dapat dibatalkan paling lambat 2 jam sebelum sesi dimulai. "
        "Hubungi loket pendaftaran bila berhalangan."
    ]
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED


def test_cancelling_twice_is_an_illegal_move(siti, booking):
    actions.do_cancel(siti, booking, now=SUNDAY)
    with pytest.raises(actions.IllegalMove):
        actions.do_cancel(siti, booking, now=SUNDAY)


def test_another_patients_appointment_is_not_found(andi, booking, sessions):
    with pytest.raises(Http404):
        actions.do_cancel(andi, booking, now=SUNDAY)
    with pytest.raises(Http404):
        actions.access_appointment(andi, booking)
    with pytest.raises(Http404):
        actions.do_reschedule(andi, booking, session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=1)))
    assert not actions.appointments_visible_to(andi).exists()


def test_staff_see_but_do_not_cancel_for_the_patient(sri, booking):
    assert actions.access_appointment(sri, booking) == booking
    with pytest.raises(PermissionDenied):
        actions.do_cancel(sri, booking, now=SUNDAY)


def test_rescheduling_moves_the_booking_to_another_session_of_the_same_poli(siti, booking, poli_anak):
    tuesday = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=1))
    new = actions.do_reschedule(siti, booking, tuesday, now=SUNDAY)

    booking.refresh_from_db()
    assert booking.status == Status.RESCHEDULED and booking.rescheduled_to == new
    assert (new.session, new.queue_number, new.patient_name, new.status) == (tuesday, 1, "Aisyah Putri", "booked")
    assert new.booking_code != booking.booking_code
    poli_anak.refresh_from_db()
    tuesday.refresh_from_db()
    assert (poli_anak.booked_general, tuesday.booked_general) == (0, 1)


def test_rescheduling_is_refused_after_the_cut_off_to_another_poli_or_a_full_session(siti, booking, sessions):
    tuesday = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        actions.do_reschedule(siti, booking, tuesday, now=at(MONDAY, 7))
    assert "dipindah paling lambat 2 jam" in exc.value.message_dict["appointment"][0]
    with pytest.raises(ValidationError) as exc:
        actions.do_reschedule(siti, booking, session_of("rsud-djoelham", "umum"), now=SUNDAY)
    assert exc.value.message_dict["session"] == ["Jadwal hanya dapat dipindah ke sesi lain di poli yang sama."]
    Session.objects.filter(pk=tuesday.pk).update(quota_general=0)
    with pytest.raises(ValidationError) as exc:
        actions.do_reschedule(siti, booking, tuesday, now=SUNDAY)
    assert "penuh" in exc.value.message_dict["session"][0]
    assert Appointment.objects.get(pk=booking.pk).status == Status.BOOKED
