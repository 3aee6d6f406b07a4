"""The city admin edits the permit catalogue in the admin, checked like the profile; platform records are read-only."""

import json

import pytest

from accounts.models import User
from conftest import PASSWORD
from permits.models import PermitType
from permits.tests.conftest import submitted

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def city_admin(client, city):
    admin = User.objects.create_superuser("197001012000011001", PASSWORD, full_name="Admin Kota")
    client.force_login(admin)
    return admin


def form_of(permit_type, **changes):
    values = {
        "code": permit_type.code,
        "name": permit_type.name,
        "short_name": permit_type.short_name,
        "group": permit_type.group,
        "legal_basis": permit_type.legal_basis,
        "description": permit_type.description,
        "issuing_opd": permit_type.issuing_opd_id,
        "technical_opd": permit_type.technical_opd_id or "",
        "applicant_kind": permit_type.applicant_kind,
        "form_fields": json.dumps(permit_type.form_fields),
        "required_documents": json.dumps(permit_type.required_documents),
        "fee": json.dumps(permit_type.fee),
        "steps": json.dumps(permit_type.steps),
        "validity_months": permit_type.validity_months or "",
        "certificate_title": permit_type.certificate_title,
        "certificate_fields": json.dumps(permit_type.certificate_fields),
        "online": "on" if permit_type.online else "",
        "active": "on" if permit_type.active else "",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value != ""}


def change_url(permit_type):
    return f"/admin/permits/permittype/{permit_type.pk}/change/"


def test_the_city_admin_changes_a_fee(client, city_admin, city):
    pbg = PermitType.objects.get(city=city, code="pbg")
    fee = {"kind": "formula", "expression": "luas_lantai * 12500", "minimum": 250000}

    response = client.post(change_url(pbg), form_of(pbg, fee=json.dumps(fee)))

    assert response.status_code == 302
    pbg.refresh_from_db()
    assert pbg.fee == fee


def test_a_bad_formula_or_step_is_refused_with_the_reason(client, city_admin, city):
    pbg = PermitType.objects.get(city=city, code="pbg")
    steps = [dict(step) for step in pbg.steps]
    steps[-1]["role"] = "officer"

    response = client.post(
        change_url(pbg),
        form_of(pbg, fee=json.dumps({"kind": "formula", "expression": "open('/etc/passwd')"}), steps=json.dumps(steps)),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "hanya boleh berisi angka" in page and "Langkah terakhir" in page
    assert PermitType.objects.get(pk=pbg.pk).fee == pbg.fee


def test_a_new_type_belongs_to_the_city_and_its_code_must_be_free(client, city_admin, city):
    iumk = PermitType.objects.get(city=city, code="iumk")

    taken = client.post("/admin/permits/permittype/add/", form_of(iumk, name="IUMK kedua"))
    added = client.post("/admin/permits/permittype/add/", form_of(iumk, code="iumk-2", name="IUMK kedua"))

    assert "sudah dipakai" in taken.content.decode()
    assert added.status_code == 302
    assert PermitType.objects.get(code="iumk-2").city == city


def test_applications_are_read_only_and_show_no_nik(client, city_admin, siti, city):
    application = submitted(siti, city, "siup")

    listing = client.get("/admin/permits/application/")
    page = client.get(f"/admin/permits/application/{application.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert application.registration_number in listing.content.decode()
    assert siti.login_id not in listing.content.decode() + page.content.decode()
    assert client.post(f"/admin/permits/application/{application.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/permits/application/add/").status_code == 403
