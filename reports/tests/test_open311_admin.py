"""The city admin's side: Open311 client apps and their keys, categories with routing, the report list."""

import re
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.models import AuditEvent
from conftest import PASSWORD, SITI_NIK, opd
from reports.actions import do_submit_report
from reports.models import Category, Open311Client, Report
from reports.open311_clients import check_client, digest, do_register_client
from reports.tests.conftest import TANGSI_POINT, receive

KEY = re.compile(r"kc311_[\w-]{43}")


@pytest.fixture
def city_admin(client, city):
    admin = User.objects.create_superuser("197001012000011001", PASSWORD, full_name="Admin Kota")
    client.force_login(admin)
    return admin


def post_report(client, api_key, kelurahan):
    form = {
        "api_key": api_key,
        "service_code": "drainase",
        "lat": TANGSI_POINT[0],
        "long": TANGSI_POINT[1],
        "description": "Parit tersumbat sampah di depan rumah nomor 12.",
        "attribute[kelurahan]": kelurahan.pk,
        "first_name": "Rudi",
        "email": "rudi.hartono@example.org",
        "phone": "081277771234",
    }
    return client.post("/open311/v2/requests.json", urlencode(form), content_type="application/x-www-form-urlencoded")


# --- Open311 client apps ------------------------------------------------------------------------


def test_registering_an_app_shows_its_key_once_and_stores_only_a_digest(client, city_admin, city, tangsi):
    response = client.post(
        "/admin/reports/open311client/add/", {"name": "Lapor Binjai", "contact_email": "Dev@Lapor.id"}
    )

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    [api_key] = KEY.findall(response.content.decode())
    app = Open311Client.objects.get()
    assert (app.name, app.contact_email, app.active) == ("Lapor Binjai", "dev@lapor.id", True)
    assert app.api_key == digest(api_key) and api_key not in app.api_key
    assert AuditEvent.objects.filter(action="open311.client_registered", actor=city_admin).exists()
    # It works at once, and is never shown again.
    assert post_report(client, api_key, tangsi).status_code == 200
    assert api_key not in client.get(f"/admin/reports/open311client/{app.pk}/change/").content.decode()
    assert api_key not in client.get("/admin/reports/open311client/").content.decode()


def test_an_app_name_is_registered_once(client, city_admin, city):
    do_register_client(check_client(city=city, name="Lapor Binjai", contact_email="dev@lapor.id"))
    response = client.post("/admin/reports/open311client/add/", {"name": "lapor  binjai", "contact_email": "x@y.id"})
    assert response.context["adminform"].form.errors["name"] == ["Aplikasi bernama 'lapor binjai' sudah terdaftar."]
    assert Open311Client.objects.count() == 1


def test_a_new_key_replaces_the_old_one_at_once(client, city_admin, city, tangsi):
    app = check_client(city=city, name="Lapor Binjai", contact_email="dev@lapor.id")
    old_key = do_register_client(app)

    response = client.post("/admin/reports/open311client/", {"action": "issue_new_keys", "_selected_action": [app.pk]})
    [new_key] = KEY.findall(response.content.decode())
    assert "no-store" in response["Cache-Control"]
    assert post_report(client, old_key, tangsi).status_code == 403
    assert post_report(client, new_key, tangsi).status_code == 200
    assert AuditEvent.objects.filter(action="open311.key_issued", object_id=str(app.pk)).count() == 1


def test_deactivating_an_app_is_audited_and_stops_its_key(client, city_admin, city, tangsi):
    app = check_client(city=city, name="Lapor Binjai", contact_email="dev@lapor.id")
    api_key = do_register_client(app)

    response = client.post(
        f"/admin/reports/open311client/{app.pk}/change/", {"name": "Lapor Binjai", "contact_email": "dev@lapor.id"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="open311.client_changed")
    assert (event.before, event.after, event.actor_id) == ({"active": True}, {"active": False}, city_admin.pk)
    assert post_report(client, api_key, tangsi).status_code == 403
    # Its reports keep pointing at it: deactivated, never deleted.
    assert client.post(f"/admin/reports/open311client/{app.pk}/delete/", {"post": "yes"}).status_code == 403


def test_officers_who_are_not_the_city_admin_cannot_manage_apps(client, city, bayu, budi):
    for officer in (bayu, budi):
        client.force_login(officer)
        response = client.post("/admin/reports/open311client/add/", {"name": "Lain", "contact_email": "a@b.id"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Open311Client.objects.exists()


def test_the_command_registers_an_app_and_prints_its_key(city, tangsi, client):
    out = StringIO()
    call_command("issue_open311_key", "--name", "Lapor Binjai", "--email", "dev@lapor.id", stdout=out)
    api_key = out.getvalue().splitlines()[-1]
    assert KEY.fullmatch(api_key)
    assert post_report(client, api_key, tangsi).status_code == 200

    with pytest.raises(CommandError, match="sudah terdaftar; --rotate menggantikan kuncinya"):
        call_command("issue_open311_key", "--name", "lapor binjai", "--email", "dev@lapor.id")

    out = StringIO()
    call_command("issue_open311_key", "--name", "Lapor Binjai", "--rotate", stdout=out)
    assert "kunci lama sudah tidak berlaku" in out.getvalue()
    new_key = out.getvalue().splitlines()[-1]
    assert post_report(client, api_key, tangsi).status_code == 403
    assert post_report(client, new_key, tangsi).status_code == 200


def test_the_command_explains_bad_input(city):
    with pytest.raises(CommandError, match="contact_email: Alamat e-mail kontak pengembang aplikasi tidak valid."):
        call_command("issue_open311_key", "--name", "Lapor Binjai", "--email", "bukan-email")
    with pytest.raises(CommandError, match="Tidak ada aplikasi bernama 'Qlue' di Kota Binjai."):
        call_command("issue_open311_key", "--name", "Qlue", "--rotate")
    assert not Open311Client.objects.exists()


# --- Categories ---------------------------------------------------------------------------------


def category_form(category, **changes):
    form = {
        "code": category.code,
        "name": category.name,
        "description": category.description,
        "group": category.group,
        "keywords": category.keywords,
        "opd": category.opd_id,
        "resolution_days": category.resolution_days,
        "attributes": '[{"code": "panjang_m", "datatype": "number", "required": true, "description": "Panjang"}]',
        "active": "on",
        "routing-TOTAL_FORMS": 0,
        "routing-INITIAL_FORMS": 0,
    }
    form.update(changes)
    return form


def test_a_category_is_edited_with_its_routing_per_kecamatan(client, city_admin, city):
    rubbish = Category.objects.get(city=city, code="kebersihan-lingkungan")
    page = client.get(f"/admin/reports/category/{rubbish.pk}/change/").content.decode()
    assert "Rute per kecamatan" in page and "camat" in page.lower()

    drain = Category.objects.get(city=city, code="drainase")
    response = client.post(f"/admin/reports/category/{drain.pk}/change/", category_form(drain))
    assert response.status_code == 302
    drain.refresh_from_db()
    assert drain.attributes[0]["code"] == "panjang_m"
    # The service definition follows at once.
    definition = client.get("/open311/v2/services/drainase.json").json()
    assert [attribute["code"] for attribute in definition["attributes"]] == ["panjang_m", "kelurahan"]


def test_a_new_category_gets_a_service_code_of_its_own(client, city_admin, city):
    drain = Category.objects.get(city=city, code="drainase")
    response = client.post("/admin/reports/category/add/", category_form(drain, name="Got mampet"))
    assert response.context["adminform"].form.errors["code"] == ["Kode layanan 'drainase' sudah dipakai kategori lain."]

    response = client.post("/admin/reports/category/add/", category_form(drain, code="got-mampet", name="Got mampet"))
    assert response.status_code == 302
    assert Category.objects.get(code="got-mampet").city == city
    assert "got-mampet" in {s["service_code"] for s in client.get("/open311/v2/services.json").json()}


@pytest.mark.parametrize(
    "attributes, message",
    [
        ('{"code": "x"}', 'Atribut harus berupa daftar objek, mis. [{"code": "...", "datatype": "string"}].'),
        ('[{"datatype": "string"}]', "Setiap atribut harus punya code."),
        ('[{"code": "kelurahan", "datatype": "string"}]', "Kode 'kelurahan' sudah dipakai Open311"),
        ('[{"code": "a", "datatype": "string"}, {"code": "a", "datatype": "text"}]', "dipakai lebih dari sekali"),
        ('[{"code": "a", "datatype": "boolean"}]', "Atribut 'a': datatype harus salah satu dari"),
        ('[{"code": "a", "datatype": "singlevaluelist"}]', "Atribut 'a': daftar pilihan perlu values berisi key"),
    ],
)
def test_category_attributes_that_would_break_the_service_definition_are_refused(
    client, city_admin, city, attributes, message
):
    drain = Category.objects.get(city=city, code="drainase")
    response = client.post(f"/admin/reports/category/{drain.pk}/change/", category_form(drain, attributes=attributes))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["attributes"][0]
    drain.refresh_from_db()
    assert drain.attributes == []


# --- Reports ------------------------------------------------------------------------------------


@pytest.fixture
def reports(city, siti, tangsi, client):
    own = do_submit_report(
        reporter=siti,
        category_code="drainase",
        description="Parit tersumbat di Jalan Gatot Subroto.",
        kelurahan_id=tangsi.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
    )
    api_key = do_register_client(check_client(city=city, name="Lapor Binjai", contact_email="dev@lapor.id"))
    post_report(client, api_key, tangsi)
    receive(own)
    return own, Report.objects.get(client__isnull=False)


def test_the_report_list_filters_and_never_shows_nik_phone_or_email(client, city_admin, reports, siti):
    page = client.get("/admin/reports/report/").content.decode()
    for report in reports:
        assert report.number in page
    assert "Open311: Lapor Binjai" in page and "Situs/API" in page
    for private in (SITI_NIK, siti.phone, siti.email, "rudi.hartono@example.org", "+6281277771234", "81277771234"):
        assert private not in page
    for parameter in ("status__exact", "category__id__exact", "opd__id__exact", "kecamatan__id__exact"):
        assert parameter in page

    dlh = opd(reports[0].city, "dlh")
    page = client.get("/admin/reports/report/", {"opd__id__exact": dlh.pk}).content.decode()
    # Drains belong to Dinas PUPR.
    assert reports[0].number not in page and reports[1].number not in page


def test_a_report_is_found_by_its_number(client, city_admin, reports):
    own, posted = reports
    page = client.get("/admin/reports/report/", {"q": posted.number}).content.decode()
    assert posted.number in page and own.number not in page


def test_reports_are_read_only_in_the_admin(client, city_admin, reports):
    own, _ = reports
    page = client.get(f"/admin/reports/report/{own.pk}/change/")
    assert page.status_code == 200 and "Siti Aminah (warga terdaftar)" in page.content.decode()
    assert SITI_NIK not in page.content.decode()
    response = client.post(f"/admin/reports/report/{own.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == "received"
    assert client.get("/admin/reports/report/add/").status_code == 403
