"""e-Dokter demo data: the coming four weeks of sessions, and Rina's bookings so her pages show something.

The facilities, poli, doctors and weekly schedules come from the city profile ("clinics" section, loaded
by load_city). Here the dated sessions are made for CLINIC_SESSION_DAYS_AHEAD days (as the daily job does)
and Rina, the demo citizen, registers her daughter and books through clinics.actions like anybody:
poli anak at the RSUD for her daughter (paying as a general patient) and poli umum at a puskesmas for
herself (JKN, no referral needed there). Idempotent: nothing is booked again once Rina has a booking.
"""

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_nik
from accounts.models import User
from clinics import actions
from clinics.models import ACTIVE_STATUSES, Appointment, FacilityKind, PaymentType, Relation

DAUGHTER_NAME = "Nadia Putri"
DAUGHTER_NIK_REST = "015203190002"  # kecamatan 01, a girl born 12 March 2019 (day 12 + 40), serial 0002
RINA_BPJS = "0001234567891"


def load_demo_clinics(city, now=None):
    """Make the coming sessions and Rina's demo bookings; returns (sessions made, bookings made)."""
    now = now or timezone.now()
    made = actions.materialize_sessions(city, timezone.localdate(now, city.zone))
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
