"""Report photos are served only through a permission check, never from a public media URL."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from reports import actions
from reports.tests.conftest import TANGSI_POINT, photo, receive


def submit(reporter, kelurahan, *, category="jalan-rusak", photos=None):
    report = actions.do_submit_report(
        reporter=reporter,
        category_code=category,
        description="Jalan amblas di depan pasar, motor sering jatuh.",
        kelurahan_id=kelurahan.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
        photos=photos if photos is not None else [photo()],
        attributes={"tingkat_kerusakan": "berat"} if category == "jalan-rusak" else None,
    )
    return receive(report)


def photo_url(report, item=None):
    item = item or report.photos.get()
    return reverse("reports:photo", args=[report.number, item.pk])


def body(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def unverified(siti, tangsi, media):
    """Siti's road report, just filed: it belongs to Dinas PUPR and is not public yet."""
    return submit(siti, tangsi)


def test_the_public_cannot_see_photos_of_an_unverified_report(unverified, client):
    assert client.get(photo_url(unverified)).status_code == 404


def test_another_citizen_cannot_see_them_either(unverified, andi, client):
    client.force_login(andi)

    assert client.get(photo_url(unverified)).status_code == 404


def test_the_reporter_sees_her_own_photo_inline_and_privately(unverified, siti, client):
    client.force_login(siti)

    response = client.get(photo_url(unverified))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    stored = unverified.photos.get()
    with stored.image.open("rb") as file:
        assert body(response) == file.read()


@pytest.mark.parametrize("officer", ["budi", "hendra", "irma", "bayu"])
def test_officers_of_the_report_s_opd_the_coordinator_and_the_inspektorat_see_it(unverified, client, request, officer):
    client.force_login(request.getfixturevalue(officer))

    response = client.get(photo_url(unverified))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_an_officer_of_another_opd_does_not(unverified, dewi, client):
    client.force_login(dewi)

    assert client.get(photo_url(unverified)).status_code == 404


def test_an_officer_of_another_opd_sees_the_photos_of_his_own_opd_s_report(siti, dewi, tangsi, media, client):
    rubbish = submit(siti, tangsi, category="sampah")
    client.force_login(dewi)

    assert client.get(photo_url(rubbish)).status_code == 200


def test_once_verified_anyone_sees_the_report_and_proof_photos(unverified, budi, bayu, client):
    actions.do_verify(bayu, unverified)
    actions.do_disposition(bayu, unverified)
    actions.do_start_work(budi, unverified, "Perbaikan jalan amblas.")
    actions.do_resolve(budi, unverified, "Jalan sudah diperbaiki.", [photo("bukti.webp", "WEBP")])
    report_photo = unverified.photos.get(kind="report")
    proof_photo = unverified.photos.get(kind="proof")

    report_response = client.get(photo_url(unverified, report_photo))
    proof_response = client.get(photo_url(unverified, proof_photo))

    assert report_response.status_code == 200
    assert report_response["Cache-Control"].startswith("public")
    assert proof_response.status_code == 200
    assert proof_response["Content-Type"] == "image/webp"


def test_a_rejected_report_s_photos_stay_hidden(unverified, bayu, client):
    actions.do_reject(bayu, unverified, "Lokasi bukan jalan kota.")

    assert client.get(photo_url(unverified)).status_code == 404


def test_png_photos_keep_their_type(siti, tangsi, bayu, media, client):
    report = submit(siti, tangsi, photos=[photo("parit.png", "PNG")])
    actions.do_verify(bayu, report)

    response = client.get(photo_url(report))

    assert response["Content-Type"] == "image/png"


def test_a_photo_is_only_found_under_its_own_report(unverified, siti, andi, tangsi, bayu, client):
    public_report = submit(andi, tangsi)
    actions.do_verify(bayu, public_report)

    # Siti's unverified photo cannot be fetched by putting its id under Andi's public report number.
    url = reverse("reports:photo", args=[public_report.number, unverified.photos.get().pk])

    assert client.get(url).status_code == 404


def test_unknown_photo_or_report_is_not_found(unverified, siti, client):
    client.force_login(siti)

    assert client.get(reverse("reports:photo", args=[unverified.number, 999999])).status_code == 404
    assert client.get(reverse("reports:photo", args=["LP-2026-9999999", 1])).status_code == 404


def test_a_photo_missing_from_storage_is_not_found_not_a_crash(unverified, siti, client):
    default_storage.delete(unverified.photos.get().image.name)
    client.force_login(siti)

    assert client.get(photo_url(unverified)).status_code == 404


def test_stored_files_have_no_public_media_url(unverified, siti, bayu, client, settings):
    actions.do_verify(bayu, unverified)
    stored = unverified.photos.get()
    client.force_login(siti)

    assert client.get(settings.MEDIA_URL + stored.image.name).status_code == 404
    assert client.get(stored.image.url).status_code == 404
