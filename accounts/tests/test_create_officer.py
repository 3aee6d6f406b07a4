import io
import sys

import pytest
from django.core.management import CommandError, call_command

from accounts.actions import check_login
from accounts.models import Role, User
from audit.models import AuditEvent
from conftest import PASSWORD

NIP = "198707072012122001"


def create_officer(monkeypatch, *extra, password=PASSWORD, nip=NIP, opd="dinas-pupr", role="officer"):
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password}\n"))
    out = io.StringIO()
    call_command(
        "create_officer",
        "--nip",
        nip,
        "--name",
        "Rina  Marpaung",
        "--opd",
        opd,
        "--role",
        role,
        "--password-stdin",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def refusal(monkeypatch, *extra, **kwargs):
    with pytest.raises(CommandError) as caught:
        create_officer(monkeypatch, *extra, **kwargs)
    return str(caught.value)


@pytest.mark.argon2
def test_the_city_admin_creates_an_officer_who_can_log_in_with_her_nip(city, monkeypatch):
    out = create_officer(monkeypatch, "--phone", "0813-0000-0009", "--email", "Rina@PUPR.example.org")
    assert "Petugas Rina Marpaung (Dinas PUPR, Petugas OPD) dibuat; masuk dengan NIP 198707072012122001." in out
    rina = User.objects.get(login_id=NIP)
    assert rina.is_officer and rina.opd.code == "dinas-pupr" and rina.role == Role.OFFICER
    assert rina.phone == "+6281300000009" and rina.email == "rina@pupr.example.org"
    assert rina.password.startswith("argon2$")
    assert check_login(NIP, PASSWORD) == rina
    event = AuditEvent.objects.get(action="account.officer_created")
    assert event.object_id == str(rina.pk) and event.after == {"opd": "dinas-pupr", "role": "officer"}


def test_a_bad_nip_is_explained(city, monkeypatch):
    assert refusal(monkeypatch, nip="12345") == "nip: NIP harus terdiri dari 18 digit angka."
    assert not User.objects.exists()


def test_an_unknown_opd_lists_the_citys_opds(city, monkeypatch):
    message = refusal(monkeypatch, opd="dinas-sihir")
    assert message.startswith("opd: OPD dengan kode 'dinas-sihir' tidak ada di Kota Binjai. Pilihan: ")
    assert "dinas-pupr" in message and "dlh" in message


def test_an_unknown_role_lists_the_roles(city, monkeypatch):
    message = refusal(monkeypatch, role="raja")
    assert message.startswith("role: Peran 'raja' tidak dikenal. Pilihan: officer, head, inspektorat")


def test_a_nip_registers_only_once(city, monkeypatch):
    create_officer(monkeypatch)
    assert refusal(monkeypatch) == "nip: NIP ini sudah terdaftar."


def test_a_weak_password_is_refused(city, monkeypatch):
    assert refusal(monkeypatch, password="12345678").startswith("password: ")
    assert refusal(monkeypatch, password="") == "Kata sandi kosong di stdin."


def test_without_a_terminal_the_password_must_come_from_stdin(city, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="gunakan --password-stdin"):
        call_command("create_officer", "--nip", NIP, "--name", "Rina", "--opd", "dlh", "--role", "officer")


def test_without_a_city_profile_the_command_says_what_to_do(db, monkeypatch):
    assert "manage.py load_city" in refusal(monkeypatch)


def test_a_city_admin_may_open_the_django_admin_but_an_ordinary_officer_may_not(city, monkeypatch, client):
    create_officer(monkeypatch, opd="diskominfo", role="city_admin")
    create_officer(monkeypatch, nip="198808082013121002", opd="dinas-pupr", role="officer")
    admin, officer = User.objects.get(login_id=NIP), User.objects.get(login_id="198808082013121002")
    assert admin.is_staff and admin.is_superuser
    assert not officer.is_staff and not officer.is_superuser

    client.force_login(admin)
    assert client.get("/admin/cities/opd/").status_code == 200
    client.force_login(officer)
    assert client.get("/admin/cities/opd/").status_code == 302
