"""The city admin reads e-Dokter in the admin and links a doctor to a login; nothing else is edited there."""

import pytest

from accounts.models import User
from clinics.models import Practitioner
from clinics.tests.conftest import AISYAH_NIK, BPJS, book, session_of
from conftest import PASSWORD, make_citizen


@pytest.fixture
def city_admin(client, city):
    admin = User.objects.create_superuser("197001012000011001", PASSWORD, full_name="Admin Kota")
    client.force_login(admin)
    return admin


@pytest.mark.parametrize(
    "model", ["facility", "clinic", "practitioner", "weeklyschedule", "scheduleexception", "session", "appointment"]
)
def test_every_list_opens(client, city_admin, sessions, model):
    assert client.get(f"/admin/clinics/{model}/").status_code == 200


def test_appointments_show_no_nik_or_bpjs_number(client, city_admin, siti, aisyah, sessions):
    appointment = book(
        siti, session_of("puskesmas-binjai-kota", "umum"), member=aisyah, payment="jkn", bpjs_number=BPJS
    )
    for url in ("/admin/clinics/appointment/", f"/admin/clinics/appointment/{appointment.pk}/change/"):
        page = client.get(url).content.decode()
        assert "Aisyah Putri" in page
        assert AISYAH_NIK not in page and BPJS not in page
    assert AISYAH_NIK not in client.get(f"/admin/clinics/familymember/{aisyah.pk}/change/").content.decode()


def test_the_city_admin_gives_a_doctor_a_login_and_nothing_else_changes(client, city_admin, sessions):
    doctor = Practitioner.objects.get(name="dr. Rahmawati Lubis, Sp.A")
    login = make_citizen("1275015003800006", "Rahmawati Lubis", phone="")
    response = client.post(
        f"/admin/clinics/practitioner/{doctor.pk}/change/",
        {"user": login.pk, "active": "on", "name": "dr. Palsu", "sip_number": "X"},
    )
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert (doctor.user, doctor.name) == (login, "dr. Rahmawati Lubis, Sp.A")
    assert client.get("/admin/clinics/practitioner/add/").status_code == 403
    session = session_of("rsud-djoelham", "anak")
    assert client.post(f"/admin/clinics/session/{session.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/clinics/practitioner/{doctor.pk}/delete/", {"post": "yes"}).status_code == 403
