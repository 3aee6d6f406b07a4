"""The cast every test tells its story with.

Siti is a citizen of Binjai; Budi is an officer of Dinas PUPR and Hendra its
head; Dewi is an officer of another OPD (DLH); Irma is the Inspektorat; Bayu is
a Command Center (BCC) operator; Andi is another citizen, who must never see
Siti's things.
"""

import pytest

from accounts.models import Role, User
from cities.models import City, forget_current_city
from cities.profile import load_profile, read_profile, resolve_profile_path

# The browser harness (fixtures `browser`, `page`, `request_log`) for every app's @pytest.mark.browser tests.
pytest_plugins = ["portal.tests.browser"]

PASSWORD = "Kata-sandi-uji-2026"

SITI_NIK = "1275014505900002"  # woman, born 5 May 1990: day 05 + 40
ANDI_NIK = "1275021208850003"  # man, born 12 August 1985


def load_city_profile(slug):
    forget_current_city()
    return load_profile(read_profile(resolve_profile_path(slug))).city


@pytest.fixture
def city(db, settings):
    settings.CITY = "binjai"
    city = load_city_profile("binjai")
    forget_current_city()
    yield city
    forget_current_city()


@pytest.fixture
def palu(db, settings):
    settings.CITY = "palu"
    city = load_city_profile("palu")
    forget_current_city()
    yield city
    forget_current_city()


def opd(city, code):
    return City.objects.get(pk=city.pk).opds.get(code=code)


def make_citizen(nik, name, *, phone="+6281234567801", email="", verified=True):
    from django.utils import timezone

    return User.objects.create_citizen(
        nik,
        PASSWORD,
        full_name=name,
        phone=phone,
        email=email,
        phone_verified_at=timezone.now() if verified else None,
        email_verified_at=timezone.now() if verified and email else None,
    )


def make_officer(nip, name, opd, role, *, phone="", email=""):
    return User.objects.create_officer(nip, PASSWORD, opd=opd, role=role, full_name=name, phone=phone, email=email)


@pytest.fixture
def siti(city):
    return make_citizen(SITI_NIK, "Siti Aminah", phone="+6281234567801", email="siti@example.org")


@pytest.fixture
def andi(city):
    return make_citizen(ANDI_NIK, "Andi Saputra", phone="+6281234567802")


@pytest.fixture
def budi(city):
    return make_officer(
        "198503152010011001",
        "Budi Santoso",
        opd(city, "dinas-pupr"),
        Role.OFFICER,
        phone="+6281300000001",
        email="budi@pupr.example.org",
    )


@pytest.fixture
def hendra(city):
    return make_officer(
        "197508172000031003",
        "Hendra Siregar",
        opd(city, "dinas-pupr"),
        Role.HEAD,
        phone="+6281300000002",
        email="hendra@pupr.example.org",
    )


@pytest.fixture
def dewi(city):
    return make_officer(
        "199001012015032002",
        "Dewi Lestari",
        opd(city, "dlh"),
        Role.OFFICER,
        phone="+6281300000003",
        email="dewi@dlh.example.org",
    )


@pytest.fixture
def bayu(city):
    return make_officer(
        "199203032016031005",
        "Bayu Pratama",
        opd(city, "diskominfo"),
        Role.BCC_OPERATOR,
        phone="+6281300000005",
        email="bayu@kominfo.example.org",
    )


@pytest.fixture
def irma(city):
    return make_officer(
        "198002022005012004",
        "Irma Nasution",
        opd(city, "inspektorat"),
        Role.INSPEKTORAT,
        phone="+6281300000004",
        email="irma@inspektorat.example.org",
    )


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("butuh PostgreSQL (trigger, koneksi paralel sungguhan); jalan di `make test-pg`")


@pytest.fixture(scope="session")
def _test_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def uploads_stay_out_of_var(settings, _test_media_root):
    """Files a test stores (report photos, demo data) go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = _test_media_root


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 costs ~0.4 s per password; tests about hashing itself are marked `argon2` and keep it."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _audit_events_cleared_after_transactional_test(request):
    """After a transactional test on PostgreSQL, remove its audit events as a DBA would.

    The database refuses DELETE and TRUNCATE of audit events (audit migration
    0002), so the test runner's flush between transactional tests could not
    empty that table; the triggers are switched off for the clean-up only.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(_TRANSACTIONAL_FIXTURES & set(request.fixturenames)) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not transactional:
        yield
        return
    # Requested here so that this clean-up runs before the runner's flush.
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM audit_auditevent)")
        if cursor.fetchone()[0]:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
