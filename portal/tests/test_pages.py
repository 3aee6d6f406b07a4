"""The portal pages with Django's test client."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.events import record
from conftest import SITI_NIK, opd
from deadlines.models import Deadline
from portal.services import SERVICES

HOME = reverse("portal:home")
ABOUT = reverse("portal:about")
MY_CASES = reverse("portal:my_cases")
PROFILE = reverse("portal:profile")
WORKSPACE = reverse("portal:officer_workspace")
LOGIN = reverse("accounts:login")


def text(response):
    return response.content.decode()


# --- public pages -----------------------------------------------------------------------


def test_landing_presents_the_five_services_and_the_command_center_of_the_city(city, client):
    response = client.get(HOME)

    assert response.status_code == 200
    html = text(response)
    assert '<html lang="id">' in html
    for service in SERVICES:
        assert f'id="layanan-{service.slug}"' in html and service.name in html
    assert "Command Center Kota Binjai" in html
    assert f'href="{reverse("accounts:register")}"' in html


def test_landing_of_another_city_names_that_city(palu, client):
    html = text(client.get(HOME))

    assert "Command Center Kota Palu" in html
    assert "Binjai" not in html


def test_no_template_hard_codes_binjai():
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")

    assert [path.name for path in templates if "binjai" in path.read_text().lower()] == []


def test_about_lists_the_opds_of_the_city_and_the_data_protection_law(city, client):
    html = text(client.get(ABOUT))

    for agency in city.opds.all():
        assert agency.name in html
    assert "Undang-Undang Nomor 27 Tahun 2022" in html
    assert "Inspektorat" in html


def test_anonymous_navigation_offers_login_and_register(city, client):
    html = text(client.get(ABOUT))

    assert f'href="{LOGIN}"' in html and f'href="{reverse("accounts:register")}"' in html
    assert "Keluar" not in html


def test_logged_in_navigation_shows_the_name_and_a_logout_form(siti, client):
    client.force_login(siti)
    html = text(client.get(HOME))

    assert "Siti Aminah" in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert f'href="{LOGIN}"' not in html


def test_unknown_page_answers_in_indonesian(city, client):
    response = client.get("/tidak-ada/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in text(response)


def test_request_for_an_unknown_host_answers_in_indonesian(city, client):
    response = client.get(HOME, HTTP_HOST="bukan-kota-ini.example")

    assert response.status_code == 400
    assert "Permintaan tidak valid" in text(response)


def test_server_error_page_needs_neither_database_nor_context():
    # No db fixture: pytest-django refuses any query, so rendering proves the page needs none.
    html = render_to_string("500.html")

    assert '<html lang="id">' in html and "Terjadi gangguan pada server" in html


# --- my cases -------------------------------------------------------------------------------


def test_my_cases_needs_a_login(city, client):
    response = client.get(MY_CASES)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={MY_CASES}"


def test_my_cases_shows_the_empty_state_with_the_way_to_each_service(siti, client):
    client.force_login(siti)
    html = text(client.get(MY_CASES))

    assert "Anda belum mengajukan apa pun." in html
    for service in SERVICES:
        assert f'href="{HOME}#layanan-{service.slug}"' in html


def test_my_cases_shows_the_account_history_with_the_nik_masked(siti, client):
    with transaction.atomic():
        record(actor=siti, obj=siti, action="account.registered", after={"kind": "citizen"})
        record(actor=siti, obj=siti, action="account.phone_verified")
    client.force_login(siti)

    html = text(client.get(MY_CASES))

    assert "Akun didaftarkan" in html and "Nomor HP diverifikasi" in html
    assert "1275********0002" in html
    assert SITI_NIK not in html


def test_my_cases_history_is_the_users_own(siti, andi, client):
    with transaction.atomic():
        record(actor=siti, obj=siti, action="account.phone_verified")
    client.force_login(andi)

    html = text(client.get(MY_CASES))

    assert "Belum ada peristiwa tercatat" in html
    assert "Siti" not in html


def test_officer_is_sent_from_my_cases_to_the_workspace(budi, client):
    client.force_login(budi)

    assert client.get(MY_CASES)["Location"] == WORKSPACE


# --- profile --------------------------------------------------------------------------------


def test_profile_shows_the_owner_their_full_nik(siti, client):
    client.force_login(siti)
    html = text(client.get(PROFILE))

    assert SITI_NIK in html
    assert "siti@example.org" in html and "+6281234567801" in html


def test_another_citizens_profile_page_is_their_own_data(siti, andi, client):
    client.force_login(andi)
    html = text(client.get(PROFILE))

    assert "Andi Saputra" in html
    assert SITI_NIK not in html and "Siti" not in html


def test_officer_profile_shows_nip_opd_and_role(budi, client):
    client.force_login(budi)
    html = text(client.get(PROFILE))

    assert budi.login_id in html
    assert "Dinas Pekerjaan Umum dan Penataan Ruang Kota Binjai" in html
    assert "Petugas OPD" in html


def test_profile_needs_a_login(city, client):
    assert client.get(PROFILE)["Location"] == f"{LOGIN}?next={PROFILE}"


# --- officer workspace ----------------------------------------------------------------------


def test_workspace_sends_anonymous_visitors_to_login(city, client):
    response = client.get(WORKSPACE)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={WORKSPACE}"


def test_workspace_is_forbidden_to_citizens_with_an_indonesian_page(siti, client):
    client.force_login(siti)
    response = client.get(WORKSPACE)

    assert response.status_code == 403
    assert "Akses ditolak" in text(response)
    assert "hanya untuk petugas" in text(response)


def deadline(case_user, agency, *, state=Deadline.State.RUNNING, near=False, breached=False, title="Laporan"):
    now = timezone.now()
    return Deadline.objects.create(
        content_type=ContentType.objects.get_for_model(case_user),
        object_id=f"{case_user.pk}-{title}",
        kind="report.verify",
        title=title,
        opd=agency,
        state=state,
        allowed_seconds=3600,
        due_at=now + timedelta(hours=1),
        near_flagged_at=now if near or breached else None,
        breached_at=now if breached else None,
    )


def test_workspace_shows_the_officers_opd_role_and_its_deadline_flags(budi, siti, city, client):
    pupr, dlh = opd(city, "dinas-pupr"), opd(city, "dlh")
    deadline(siti, pupr, title="LP-1 verifikasi")
    deadline(siti, pupr, near=True, title="LP-2 verifikasi")
    deadline(siti, pupr, breached=True, title="LP-3 verifikasi")
    deadline(siti, pupr, state=Deadline.State.PAUSED, breached=True, title="LP-4 verifikasi")
    deadline(siti, pupr, state=Deadline.State.MISSED, breached=True, title="LP-5 verifikasi")
    deadline(siti, dlh, breached=True, title="LP-6 verifikasi")
    client.force_login(budi)

    response = client.get(WORKSPACE)

    assert response.status_code == 200
    assert response.context["counts"] == {"live": 4, "near": 1, "breached": 2}
    html = text(response)
    assert "Dinas Pekerjaan Umum dan Penataan Ruang Kota Binjai" in html and "Petugas OPD" in html
    assert "LP-2 verifikasi" in html and "LP-3 verifikasi" in html and "LP-4 verifikasi" in html
    assert "LP-1 verifikasi" not in html
    assert "LP-5 verifikasi" not in html and "LP-6 verifikasi" not in html


def test_workspace_of_a_quiet_opd_says_nothing_is_late(dewi, client):
    client.force_login(dewi)
    response = client.get(WORKSPACE)

    assert response.context["counts"] == {"live": 0, "near": 0, "breached": 0}
    assert "Tidak ada urusan yang mendekati atau melewati tenggat." in text(response)


@pytest.mark.parametrize("fixture", ["hendra", "irma"])
def test_every_officer_role_opens_the_workspace(fixture, request, client):
    client.force_login(request.getfixturevalue(fixture))

    assert client.get(WORKSPACE).status_code == 200


def test_the_inspektorat_sees_late_work_of_every_opd_with_its_opd_named(irma, siti, city, client):
    deadline(siti, opd(city, "dinas-pupr"), breached=True, title="LP-3 verifikasi")
    deadline(siti, opd(city, "dlh"), state=Deadline.State.PAUSED, breached=True, title="LP-6 verifikasi")
    client.force_login(irma)

    response = client.get(WORKSPACE)

    assert response.context["counts"] == {"live": 2, "near": 0, "breached": 2}
    html = text(response)
    assert "Tenggat semua OPD" in html
    assert "LP-3 verifikasi" in html and "Dinas PUPR" in html
    assert "LP-6 verifikasi" in html and "DLH" in html and "(dijeda)" in html
