"""e-Dokter demo data: the coming four weeks of sessions, and Rina's bookings so her pages show something.

The facilities, poli, doctors and weekly schedules come from the city profile ("clinics" section, loaded
by load_city). Here the dated sessions are made for CLINIC_SESSION_DAYS_AHEAD days (as the daily job does)
and Rina, the demo citizen, registers her daughter and books through clinics.actions like anybody:
poli anak at the RSUD for her daughter (paying as a general patient) and poli umum at a puskesmas for
herself (JKN, no referral needed there). Idempotent: nothing is booked again once Rina has a booking.

So that the waiting-room boards and the staff queue show a live queue when the demo is loaded during
practice hours, the RSUD's desk registers a few walk-in patients into each of today's sessions that has
not ended yet; the poli has served the first and is calling the second.
"""

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_nik
from accounts.models import Role, User
from clinics import actions
from clinics.models import ACTIVE_STATUSES, Appointment, FacilityKind, PaymentType, Relation, Session, SessionStatus

DAUGHTER_NAME = "Nadia Putri"
DAUGHTER_NIK_REST = "015203190002"  # kecamatan 01, a girl born 12 March 2019 (day 12 + 40), serial 0002
RINA_BPJS = "0001234567891"
WALK_IN_NAMES = ("Ahmad Syahputra", "Dedi Kurniawan", "Erna Simanjuntak", "Joko Susilo", "Lina Marpaung")


def load_demo_clinics(city, now=None):
    """Make the coming sessions and Rina's demo bookings; returns (sessions made, bookings made)."""
    now = now or timezone.now()
    made = actions.materialize_sessions(city, timezone.localdate(now, city.zone))
    _queue_today(city, now)
    rina = User.objects.filter(login_id=demo_nik(city)).first()
    if rina is None or Appointment.objects.filter(patient=rina, status__in=ACTIVE_STATUSES).exists():
        return made, 0
    booked = 0
    with transaction.atomic():
        daughter = rina.family_members.filter(nik=f"{city.nik_prefix}{DAUGHTER_NIK_REST}").first()
        if daughter is None:
            daughter = actions.do_add_family_member(
                rina, nik=f"{city.nik_prefix}{DAUGHTER_NIK_REST}", name=DAUGHTER_NAME, relation=Relation.CHILD
            )
        for clinic_code, kind, member, payment in (
            ("anak", FacilityKind.RSUD, daughter, PaymentType.GENERAL),
            ("umum", FacilityKind.PUSKESMAS, None, PaymentType.JKN),
        ):
            session = next(
                (
                    s
                    for s in actions.bookable_sessions(city=city, now=now)
                    if s.clinic.code == clinic_code and s.clinic.facility.kind == kind and s.free(payment) > 0
                ),
                None,
            )
            if session is None:
                continue
            actions.do_book(
                rina,
                session,
                payment_type=payment,
                family_member=member,
                bpjs_number=RINA_BPJS if payment == PaymentType.JKN else "",
                now=now,
            )
            booked += 1
    return made, booked


def _queue_today(city, now):
    """Walk-ins in today's unfinished RSUD sessions (once per session), the first served, the second called."""
    sessions = Session.objects.filter(
        clinic__facility__city=city,
        clinic__facility__kind=FacilityKind.RSUD,
        date=timezone.localdate(now, city.zone),
        status=SessionStatus.OPEN,
        ends_at__gt=now,
        walk_ins=0,
    ).select_related("clinic__facility__opd")
    for session in sessions:
        desk = User.objects.filter(role=Role.HOSPITAL_STAFF, opd=session.clinic.facility.opd, is_active=True).first()
        if desk is None:
            continue
        with transaction.atomic():
            for serial, name in enumerate(WALK_IN_NAMES[: session.free_walk_in], start=1):
                # Kecamatan 01, men born on the 1st–5th of March 1985, serials from the session's id.
                nik = f"{city.nik_prefix}01{serial:02d}0385{(session.pk * 10 + serial) % 10000:04d}"
                actions.do_register_walk_in(
                    desk, session, nik=nik, name=name, payment_type=PaymentType.GENERAL, now=now
                )
            first = actions.do_call_next(desk, session, now=now)
            if first is not None:
                actions.do_mark_served(desk, first, now=now)
                actions.do_call_next(desk, session, now=now)
