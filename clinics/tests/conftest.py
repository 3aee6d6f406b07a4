"""e-Dokter's cast and helpers.

Besides the root cast (Siti books for herself and her daughter Aisyah; Andi is another citizen who must
never see or touch Siti's appointments; Budi is a Dinas PUPR officer, Irma the Inspektorat, Bayu the
Command Center): Sri works the registration desk of RSUD Dr. R.M. Djoelham (hospital_staff of its OPD),
Agus is a hospital_staff officer of the Dinas Kesehatan, which runs the puskesmas.

The stories happen on fixed days in 2027 (NOW: Monday 1 March 2027, 07:00 in Binjai), so the sessions
made from the profile's weekly schedules are always the same.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from clinics import actions
from clinics.models import Session
from conftest import make_officer, opd

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = date(2027, 3, 1)
NOW = datetime.combine(MONDAY, time(7, 0), tzinfo=JAKARTA)
AISYAH_NIK = "1275015203190004"  # girl born 12 March 2019 (day 12 + 40), Binjai
MEDAN_NIK = "1271015203190005"  # the same, but from Kota Medan (1271)
BPJS = "0001234567890"
REFERRAL = "0301R0010327B000123"


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=JAKARTA)


@pytest.fixture
def sessions(city):
    """Two weeks of sessions from Monday 1 March 2027."""
    actions.materialize_sessions(city, MONDAY, 14)
    return Session.objects.all()


def session_of(facility, clinic, day=MONDAY, practitioner=None):
    sessions = Session.objects.filter(clinic__facility__code=facility, clinic__code=clinic, date=day)
    if practitioner:
        sessions = sessions.filter(practitioner__name__startswith=practitioner)
    return sessions.order_by("start").first()


@pytest.fixture
def poli_anak(sessions):
    """Poli Anak of the RSUD on Monday 1 March: dr. Rahmawati Lubis, Sp.A, 08.30–12.00, 10 minutes each."""
    return session_of("rsud-djoelham", "anak")


@pytest.fixture
def aisyah(siti):
    return actions.do_add_family_member(siti, nik=AISYAH_NIK, name="Aisyah Putri", relation="child")


@pytest.fixture
def sri(city):
    return make_officer(
        "198804122012012003", "Sri Wahyuni", opd(city, "rsud-djoelham"), Role.HOSPITAL_STAFF, phone="+6281300000021"
    )


@pytest.fixture
def agus(city):
    return make_officer("199005052015031004", "Agus Salim", opd(city, "dinkes"), Role.HOSPITAL_STAFF)


def book(user, session, *, member=None, payment="general", now=NOW, **extra):
    return actions.do_book(user, session, payment_type=payment, family_member=member, now=now, **extra)


def one_day(day):
    return day + timedelta(days=1)


class Clock:
    """The time the pages and the API see (django.utils.timezone.now), moved by the story."""

    def __init__(self, monkeypatch, moment):
        self.moment = moment
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, moment):
        self.moment = moment

    def advance(self, **delta):
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Pages and API calls happen at NOW (Monday 1 March 2027, 07:00 in Binjai) unless the story moves the clock."""
    return Clock(monkeypatch, NOW)
