"""`manage.py load_demo`: one login per role for the current city, safe to run again."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.actions import check_login
from accounts.demo import DEMO_PASSWORD_DEFAULT, demo_nik
from accounts.models import Role, User
from accounts.nik import check_nik_for_city, check_nip


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def test_demo_gives_every_opd_an_officer_and_a_head_and_every_city_role_a_user(city, debug):
    output = load_demo()

    for agency in city.opds.all():
        assert agency.staff.filter(role=Role.OFFICER).count() == 1
        assert agency.staff.filter(role=Role.HEAD).count() == 1
    hosts = {
        Role.INSPEKTORAT: "inspektorat",
        Role.BCC_OPERATOR: "diskominfo",
        Role.BAPPEDA_PLANNER: "bappeda",
        Role.TAPD: "bpkpad",
        Role.HOSPITAL_STAFF: "rsud-djoelham",
        Role.CITY_ADMIN: "diskominfo",
    }
    for role, code in hosts.items():
        assert User.objects.get(role=role).opd.code == code
    admin = User.objects.get(role=Role.CITY_ADMIN)
    assert admin.is_staff and admin.is_superuser
    for officer in User.objects.filter(kind=User.Kind.OFFICER):
        check_nip(officer.login_id)
        assert officer.login_id in output
    assert f"Kata sandi semua akun demo: {DEMO_PASSWORD_DEFAULT}" in output


def test_demo_citizen_is_a_verified_resident_who_can_log_in(city, debug):
    load_demo()

    citizen = User.objects.get(login_id=demo_nik(city))  # the demo reports bring reporters without a password
    check_nik_for_city(citizen.login_id, city)
    assert citizen.login_id.startswith("1275")
    assert check_login(citizen.login_id, DEMO_PASSWORD_DEFAULT) == citizen


def test_demo_for_another_city_uses_that_citys_prefix_and_opds(palu, debug):
    load_demo()

    assert User.objects.get(kind=User.Kind.CITIZEN).login_id.startswith("7271")
    assert User.objects.get(role=Role.HOSPITAL_STAFF).opd.code == "rsud-anutapura"


def test_running_demo_twice_refreshes_the_same_users(city, debug, monkeypatch):
    load_demo()
    count = User.objects.count()
    monkeypatch.setenv("KC_DEMO_PASSWORD", "Sandi-Demo-Baru-2026")

    output = load_demo()

    assert User.objects.count() == count
    assert "Kata sandi semua akun demo: Sandi-Demo-Baru-2026  (KC_DEMO_PASSWORD)" in output
    citizen = User.objects.get(login_id=demo_nik(city))
    assert check_login(citizen.login_id, "Sandi-Demo-Baru-2026") == citizen


def test_demo_refuses_to_run_without_debug(city, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG mati"):
        load_demo()
    assert not User.objects.exists()

    load_demo("--force")
    assert User.objects.filter(kind=User.Kind.CITIZEN).exists()


def test_demo_needs_the_city_profile_first(db, debug):
    with pytest.raises(CommandError, match="belum dimuat"):
        load_demo()
