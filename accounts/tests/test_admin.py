"""The Django admin for accounts: NIKs masked, officers created through the same rules, changes audited."""

import pytest

from accounts.models import Role, User
from audit.models import AuditEvent
from conftest import PASSWORD, SITI_NIK, opd


@pytest.fixture
def city_admin(client, city):
    admin = User.objects.create_superuser("197001012000011001", PASSWORD, full_name="Admin Kota")
    client.force_login(admin)
    return admin


def test_the_user_list_masks_niks_and_shows_nips(client, city_admin, siti, budi):
    page = client.get("/admin/accounts/user/").content.decode()
    assert "1275********0002" in page
    assert SITI_NIK not in page
    assert budi.login_id in page


def test_a_citizens_page_shows_her_nik_masked(client, city_admin, siti):
    page = client.get(f"/admin/accounts/user/{siti.pk}/change/").content.decode()
    assert "1275********0002" in page and "Siti Aminah" in page
    assert SITI_NIK not in page


def test_searching_by_nik_is_not_offered(client, city_admin, siti):
    # A search puts its words in the URL; names are searchable, NIKs are not.
    assert "Siti Aminah" in client.get("/admin/accounts/user/", {"q": "Aminah"}).content.decode()
    assert "Siti Aminah" not in client.get("/admin/accounts/user/", {"q": "4505900002"}).content.decode()


def officer_form(city, **overrides):
    form = {
        "nip": "198707072012122001",
        "full_name": "Rina Marpaung",
        "opd": opd(city, "dinas-pupr").pk,
        "role": Role.HEAD,
        "phone": "+62 813-0000-0009",
        "email": "rina@pupr.example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    form.update(overrides)
    return form


def test_the_admin_creates_an_officer_and_the_audit_trail_names_who(client, city_admin, city):
    response = client.post("/admin/accounts/user/add/", officer_form(city))
    assert response.status_code == 302
    rina = User.objects.get(login_id="198707072012122001")
    assert rina.is_officer and rina.role == Role.HEAD and rina.phone == "+6281300000009"
    assert rina.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="account.officer_created")
    assert event.actor_id == city_admin.pk and event.object_id == str(rina.pk)


def test_the_creation_form_explains_what_is_wrong(client, city_admin, city):
    response = client.post(
        "/admin/accounts/user/add/", officer_form(city, nip="19870707", password2="lain", phone="123")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["nip"] == ["NIP harus terdiri dari 18 digit angka."]
    assert errors["password2"] == ["Kedua kata sandi tidak sama."]
    assert not User.objects.filter(full_name="Rina Marpaung").exists()
    response = client.post("/admin/accounts/user/add/", officer_form(city, phone="123"))
    assert response.context["adminform"].form.errors["phone"] == ["Nomor HP tidak valid (contoh: 0812xxxxxxxx)."]


def test_a_change_in_the_admin_is_audited_with_before_and_after(client, city_admin, city, budi):
    page = client.get(f"/admin/accounts/user/{budi.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        role=Role.HEAD,
        groups=[],
        user_permissions=[],
        is_active="on",
        locked_until_0="",
        locked_until_1="",
        failed_logins=0,
    )
    for key in ("is_staff", "is_superuser", "locked_until", "password", "last_login", "date_joined"):
        data.pop(key, None)
    response = client.post(f"/admin/accounts/user/{budi.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    budi.refresh_from_db()
    assert budi.role == Role.HEAD
    event = AuditEvent.objects.get(action="account.changed")
    assert event.before == {"role": "officer"} and event.after == {"role": "head"}
    assert event.actor_id == city_admin.pk


def test_accounts_cannot_be_deleted_only_deactivated(client, city_admin, siti):
    assert client.get(f"/admin/accounts/user/{siti.pk}/delete/").status_code == 403
