"""Demo users for the current city, so every role can be tried after `make run`.

Idempotent: each demo user's login (NIK or NIP) is derived from the city and
the OPD it belongs to, so running again finds and refreshes the same users
instead of adding more. All demo users share one password, from the
environment variable KC_DEMO_PASSWORD (default: DEMO_PASSWORD_DEFAULT).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.nik import check_nik_for_city, check_nip

DEMO_PASSWORD_DEFAULT = "Demo-Kota-Cerdas-2026"

# Each role gets its own appointment year in the NIP, so (OPD, role) → one NIP.
ROLE_SLOT = {
    Role.OFFICER: 0,
    Role.HEAD: 1,
    Role.INSPEKTORAT: 2,
    Role.BCC_OPERATOR: 3,
    Role.BAPPEDA_PLANNER: 4,
    Role.TAPD: 5,
    Role.HOSPITAL_STAFF: 6,
    Role.CITY_ADMIN: 7,
}

# The city-wide roles and the OPD function that hosts each of them.
CITY_ROLES = (
    (Role.INSPEKTORAT, "inspektorat", "Auditor Inspektorat"),
    (Role.BCC_OPERATOR, "kominfo", "Operator Command Center"),
    (Role.BAPPEDA_PLANNER, "perencanaan", "Perencana Bappeda"),
    (Role.TAPD, "keuangan", "Anggota TAPD"),
    (Role.HOSPITAL_STAFF, "rumah_sakit", "Petugas Pendaftaran RSUD"),
    (Role.CITY_ADMIN, "kominfo", "Admin Kota"),
)

DEMO_CITIZEN_NAME = "Rina Marlina"
DEMO_CITIZEN_PHONE = "+6281200000001"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    opd: str
    login_id: str


def demo_nik(city):
    """A valid NIK of the city: kecamatan 01, a woman born 17 August 1992 (day 17 + 40), serial 0001."""
    nik = f"{city.nik_prefix}01570892" + "0001"
    check_nik_for_city(nik, city)
    return nik


def demo_nip(opd, role):
    """A valid NIP, unique per (OPD, role): born 1960–1979 on a day counted from the OPD's id,
    serial from the id too, appointment year from the role."""
    birth = date(1960, 1, 1) + timedelta(days=opd.pk % 7300)
    appointed = 2005 + ROLE_SLOT[role]
    sex = "1" if opd.pk % 2 else "2"
    return check_nip(f"{birth:%Y%m%d}{appointed}01{sex}{opd.pk % 1000:03d}")


def _upsert(login_id, password_hash, **fields):
    user = User.objects.filter(login_id=login_id).first() or User(login_id=login_id)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_active = True
    user.failed_logins, user.locked_until = 0, None
    user.password = password_hash
    user.save()
    return user


def _officer(opd, role, name, password_hash, **extra):
    user = _upsert(
        demo_nip(opd, role),
        password_hash,
        kind=User.Kind.OFFICER,
        opd=opd,
        role=role,
        full_name=name,
        phone="",
        email="",
        **extra,
    )
    return DemoLogin(role=Role(role).label, name=user.full_name, opd=opd.short_name, login_id=user.login_id)


@transaction.atomic
def load_demo_users(city, password):
    """Create or refresh the demo users of `city`; returns (logins, city roles without a hosting OPD)."""
    now = timezone.now()
    # One hash for all: the password is the same and public anyway, and Argon2 is slow on purpose.
    password_hash = make_password(password)
    citizen = _upsert(
        demo_nik(city),
        password_hash,
        kind=User.Kind.CITIZEN,
        full_name=DEMO_CITIZEN_NAME,
        phone=DEMO_CITIZEN_PHONE,
        phone_verified_at=now,
        email="",
        email_verified_at=None,
    )
    logins = [DemoLogin(role=User.Kind.CITIZEN.label, name=citizen.full_name, opd="", login_id=citizen.login_id)]
    opds = list(city.opds.order_by("short_name"))
    for opd in opds:
        logins.append(_officer(opd, Role.OFFICER, f"Petugas {opd.short_name}", password_hash))
        logins.append(_officer(opd, Role.HEAD, f"Kepala {opd.short_name}", password_hash))
    missing = []
    for role, function, name in CITY_ROLES:
        host = next((opd for opd in opds if function in opd.functions), None)
        if host is None:
            missing.append(Role(role).label)
            continue
        admin = role == Role.CITY_ADMIN
        logins.append(_officer(host, role, name, password_hash, is_staff=admin, is_superuser=admin))
    return logins, missing
