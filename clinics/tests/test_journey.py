"""The whole visit, as the issue's "done when" tells it: Siti, new to e-Dokter, books poli anak at RSUD
Dr. R.M. Djoelham for her daughter for tomorrow, is reminded, checks in with the code at the desk, is called,
served and done — with the audit trail and the public timeline telling her the same story."""

from datetime import timedelta

from audit.events import public_timeline
from clinics import actions, exports
from clinics.models import Status
from clinics.tests.conftest import MONDAY, NOW, at, book
from notifications.models import Notification

SUNDAY_MORNING = NOW - timedelta(days=1)


def test_siti_books_for_tomorrow_is_reminded_checks_in_is_called_and_served(siti, aisyah, sri, poli_anak):
    free = actions.bookable_sessions(clinic=poli_anak.clinic, now=SUNDAY_MORNING)
    assert free[0] == poli_anak and free[0].free_general == 10

    appointment = book(siti, poli_anak, member=aisyah, now=SUNDAY_MORNING)
    assert (appointment.queue_number, appointment.estimated_at) == (1, at(MONDAY, 8, 30))

    assert actions.send_reminders(SUNDAY_MORNING.replace(hour=9)) == 1
    assert actions.send_reminders(SUNDAY_MORNING.replace(hour=10)) == 0

    actions.do_check_in(sri, appointment.booking_code, now=at(MONDAY, 8, 5))
    assert actions.current_estimate(appointment, at(MONDAY, 8, 5)).estimated_at == at(MONDAY, 8, 30)
    called = actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 32))
    assert called == appointment
    queues = exports.stats(poli_anak.clinic.facility.city, now=at(MONDAY, 8, 33))["queues"]
    queue = next(q for q in queues if q["session"] == poli_anak.pk)
    assert queue["now_serving"] == 1
    actions.do_mark_served(sri, called, now=at(MONDAY, 8, 33))
    actions.do_mark_done(sri, called, now=at(MONDAY, 8, 45))

    appointment.refresh_from_db()
    assert appointment.status == Status.DONE
    assert (appointment.checked_in_at, appointment.called_at, appointment.served_at, appointment.done_at) == (
        at(MONDAY, 8, 5),
        at(MONDAY, 8, 32),
        at(MONDAY, 8, 33),
        at(MONDAY, 8, 45),
    )
    assert actions.mark_no_shows(at(MONDAY, 13)) == 0
    timeline = [entry.text for entry in public_timeline(appointment)]
    assert timeline[0].startswith("Terdaftar di Poli Anak RSUD Dr. R.M. Djoelham Binjai")
    assert timeline[1:] == [
        "Check-in di RSUD Dr. R.M. Djoelham Binjai; menunggu dipanggil ke Poli Anak.",
        "Nomor antrean 1 dipanggil ke Poli Anak.",
        "Pasien sedang dilayani di poli.",
        "Pelayanan di poli selesai.",
    ]
    templates = list(Notification.objects.filter(user=siti, channel="sms").values_list("template", flat=True))
    assert sorted(templates) == ["clinic_booked", "clinic_reminder"]
