"""Siti files a report in the browser's pages and follows it; nobody else may see or act on it."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import PASSWORD
from notifications.models import Notification
from reports import actions
from reports.models import Photo, Report, Status
from reports.tests.conftest import MEDAN_POINT, TANGSI_POINT, photo, receive

pytestmark = pytest.mark.usefixtures("media")

NEW = reverse("reports:new")
ROAD_DAMAGE = "Lubang besar di Jalan Tangsi depan sekolah, sudah dua minggu membahayakan pengendara motor."
SEVERITY = "atribut-jalan-rusak-tingkat_kerusakan"


def report_form(kelurahan, /, **overrides):
    """What the report form posts for a damaged road in Tangsi; overrides replace fields (None drops one)."""
    data = {
        "category": "jalan-rusak",
        "description": ROAD_DAMAGE,
        "kelurahan": str(kelurahan.pk),
        "lat": str(TANGSI_POINT[0]),
        "lon": str(TANGSI_POINT[1]),
        "address": "Jl. Tangsi depan SD Negeri",
        SEVERITY: "sedang",
        "photos": [photo()],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def file_report(reporter, kelurahan, *, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], **overrides):
    """A report filed through the actions, as the page does."""
    values = dict(
        reporter=reporter,
        category_code="jalan-rusak",
        description=ROAD_DAMAGE,
        kelurahan_id=kelurahan.pk,
        lat=lat,
        lon=lon,
        photos=[photo()],
        attributes={"tingkat_kerusakan": "berat"},
    )
    values.update(overrides)
    return receive(actions.do_submit_report(**values))


def resolved_report(reporter, kelurahan, bayu, budi):
    """Verified and dispositioned by Bayu (Command Center), worked on and resolved by Budi (Dinas PUPR)."""
    report = file_report(reporter, kelurahan)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    actions.do_start_work(budi, report, "Penambalan aspal oleh tim pemeliharaan jalan.")
    actions.do_resolve(budi, report, "Lubang sudah ditambal dengan aspal hotmix.", [photo("bukti.jpg")])
    return report


def logged_in(client, user):
    client.force_login(user)
    return client


def errors_of(response, field_id):
    """The text of the error list next to a field (the ul with id '<field id>_error')."""
    match = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


# --- Who may open the form ------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in_first(client, city):
    response = client.get(NEW)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={NEW}"


def test_officer_gets_a_clear_403_on_the_report_form(client, budi):
    logged_in(client, budi)

    assert client.get(NEW).status_code == 403
    response = client.post(NEW, report_form(budi.opd.city.kecamatan.first().kelurahan.first()))

    assert response.status_code == 403
    assert "Halaman ini untuk warga" in response.content.decode()
    assert not Report.objects.exists()


def test_form_offers_grouped_categories_kelurahan_by_kecamatan_photos_and_anonymity(client, siti):
    page = logged_in(client, siti).get(NEW).content.decode()

    assert '<optgroup label="Infrastruktur">' in page
    assert '<option value="jalan-rusak">Jalan rusak</option>' in page
    assert '<optgroup label="Kecamatan Binjai Kota">' in page
    assert "Jalan berlubang, retak, amblas" in page  # the category's description
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert re.search(r'<input type="file" name="photos"[^>]* multiple', page)
    assert "Sembunyikan nama saya dari publik" in page
    assert "Seberapa parah kerusakannya? (wajib)" in page  # jalan-rusak's own question
    assert 'name="lat"' in page and 'name="lon"' in page  # typed coordinates work without the map


# --- Filing -----------------------------------------------------------------------------------------


def test_siti_files_a_report_and_gets_its_tracking_number_at_once(client, siti, tangsi):
    response = logged_in(client, siti).post(NEW, report_form(tangsi, anonymous="on"), follow=True)

    report = Report.objects.get()
    assert response.redirect_chain == [(reverse("reports:mine_detail", args=[report.number]), 302)]
    assert f"Laporan Anda diterima dengan nomor {report.number}" in response.content.decode()
    assert report.owner == siti
    assert report.anonymous is True
    assert report.status == Status.SUBMITTED
    assert report.kelurahan == tangsi
    assert report.opd.code == "dinas-pupr"
    assert report.attributes == {"tingkat_kerusakan": "sedang"}
    assert report.photos.filter(kind=Photo.Kind.REPORT).count() == 1
    assert receive(report).status == Status.RECEIVED
    confirmation = Notification.objects.get(user=siti, template="report_received", channel=Notification.Channel.SMS)
    assert report.number in confirmation.body


def test_a_report_located_by_address_only_is_accepted(client, siti, tangsi):
    logged_in(client, siti).post(NEW, report_form(tangsi, lat="", lon="", photos=None))

    report = Report.objects.get()
    assert report.lat is None and report.lon is None
    assert report.address == "Jl. Tangsi depan SD Negeri"


def test_a_decimal_comma_in_the_coordinates_is_understood(client, siti, tangsi):
    logged_in(client, siti).post(NEW, report_form(tangsi, lat="3,6005", lon="98,4858"))

    assert Report.objects.get().lat == pytest.approx(3.6005)


# --- Bad input: refused next to the field, nothing lost but the photos ------------------------------


def refused(client, user, data):
    response = logged_in(client, user).post(NEW, data)
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert "Laporan belum terkirim" in response.content.decode()
    return response


def test_a_point_outside_the_city_is_refused_with_a_clear_message(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, lat=str(MEDAN_POINT[0]), lon=str(MEDAN_POINT[1])))

    assert "Lokasi berada di luar wilayah Kota Binjai" in errors_of(response, "id_lat")
    page = response.content.decode()
    assert ROAD_DAMAGE in page  # what Siti wrote is still there
    assert "pilih ulang fotonya" in page  # and she is told the photo must be chosen again


def test_a_4001_character_description_is_refused_and_kept(client, siti, tangsi):
    text = "a" * 4001
    response = refused(client, siti, report_form(tangsi, description=text))

    assert "Uraian paling panjang 4000 karakter (sekarang 4001)" in errors_of(response, "id_description")
    assert text in response.content.decode()


def test_a_text_file_named_jpg_is_refused(client, siti, tangsi):
    fake = SimpleUploadedFile("jalan.jpg", b"bukan foto, hanya teks", content_type="image/jpeg")
    response = refused(client, siti, report_form(tangsi, photos=[fake]))

    assert "Berkas &#x27;jalan.jpg&#x27; bukan foto JPEG, PNG atau WebP" in errors_of(response, "id_photos")


def test_an_oversized_photo_is_refused(client, siti, tangsi, settings):
    settings.PHOTO_MAX_BYTES = 2_000
    response = refused(client, siti, report_form(tangsi, photos=[photo(size=(800, 600))]))

    assert "terlalu besar" in errors_of(response, "id_photos")


def test_six_photos_are_refused(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, photos=[photo(f"{n}.jpg") for n in range(6)]))

    assert "Paling banyak 5 foto." in errors_of(response, "id_photos")


def test_a_missing_kelurahan_is_refused(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, kelurahan=""))

    assert "Pilih kelurahan di Kota Binjai." in errors_of(response, "id_kelurahan")


def test_an_unknown_category_is_refused(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, category="jalan-tol"))

    assert "Pilih kategori laporan yang tersedia." in errors_of(response, "id_category")


def test_the_required_question_of_the_category_must_be_answered(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, **{SEVERITY: None}))

    assert "Isian &#x27;Seberapa parah kerusakannya?&#x27; wajib diisi." in errors_of(response, f"id_{SEVERITY}")


def test_an_answer_outside_the_list_is_refused(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, **{SEVERITY: "parah-sekali"}))

    assert "Pilih jawaban dari pilihan yang tersedia." in errors_of(response, f"id_{SEVERITY}")


def test_another_category_does_not_ask_the_road_question(client, siti, tangsi):
    logged_in(client, siti).post(NEW, report_form(tangsi, category="sampah", **{SEVERITY: None}))

    assert Report.objects.get().category.code == "sampah"


def test_coordinates_that_are_not_numbers_are_refused(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, lat="utara"))

    assert "Tulis lintang sebagai angka desimal" in errors_of(response, "id_lat")


def test_every_problem_shows_at_once(client, siti, tangsi):
    response = refused(client, siti, report_form(tangsi, lat="utara", category="", description=""))

    assert (
        errors_of(response, "id_lat") and errors_of(response, "id_category") and errors_of(response, "id_description")
    )


# --- Photos lose their metadata ------------------------------------------------------------------------


def photo_with_gps(image_format):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned; shown rotated 90°
    exif[0x010F] = "Kamera Siti"
    exif[0x8825] = {1: "N", 2: (3.0, 36.0, 1.8), 3: "E", 4: (98.0, 29.0, 8.9)}  # GPS
    return photo(f"jalan.{image_format.lower()}", image_format, size=(640, 480), exif=exif)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_stored_photo_has_no_gps_and_is_turned_upright(client, siti, tangsi, image_format):
    logged_in(client, siti).post(NEW, report_form(tangsi, photos=[photo_with_gps(image_format)]))

    stored = Report.objects.get().photos.get()
    with stored.image.open("rb") as file, Image.open(BytesIO(file.read())) as image:
        assert image.format == image_format
        assert image.size == (480, 640)  # orientation applied to the pixels
        assert dict(image.getexif()) == {}  # no GPS, no camera, no orientation left
    assert (stored.width, stored.height) == (480, 640)


# --- My reports ------------------------------------------------------------------------------------------


def test_my_reports_lists_only_my_reports_with_status_and_last_change(client, siti, andi, tangsi):
    mine = file_report(siti, tangsi)
    theirs = file_report(andi, tangsi, description="Aspal mengelupas di gang sebelah masjid.")

    page = logged_in(client, siti).get(reverse("reports:mine")).content.decode()

    assert mine.number in page and "Diterima" in page and "perubahan terakhir" in page
    assert theirs.number not in page


def test_my_reports_pages_by_keyset_cursor(client, siti, tangsi, monkeypatch):
    monkeypatch.setattr("reports.views.citizen.PAGE_SIZE", 2)
    oldest, middle, newest = (file_report(siti, tangsi, photos=[]) for _ in range(3))
    logged_in(client, siti)

    first = client.get(reverse("reports:mine")).content.decode()
    assert newest.number in first and middle.number in first and oldest.number not in first
    next_url = re.search(r'href="([^"]+\?cursor=[^"]+)"', first).group(1)
    second = client.get(next_url).content.decode()
    assert oldest.number in second and newest.number not in second


def test_a_broken_cursor_is_a_clear_400(client, siti):
    response = logged_in(client, siti).get(reverse("reports:mine"), {"cursor": "rusak!"})

    assert response.status_code == 400
    assert "Kursor halaman tidak valid." in response.content.decode()


def test_officer_has_no_my_reports_page(client, budi):
    assert logged_in(client, budi).get(reverse("reports:mine")).status_code == 403


def test_my_cases_lists_the_report_with_number_title_status_and_link(client, siti, tangsi):
    report = file_report(siti, tangsi)

    page = logged_in(client, siti).get(reverse("portal:my_cases")).content.decode()

    assert f'<a href="{reverse("reports:mine_detail", args=[report.number])}">{report.number}</a>' in page
    assert "e-Masyarakat" in page and "Jalan rusak" in page and "Diterima" in page


# --- One report --------------------------------------------------------------------------------------------


def test_siti_sees_her_report_with_its_timeline_and_photo(client, siti, tangsi):
    report = file_report(siti, tangsi)
    photo_url = reverse("reports:photo", args=[report.number, report.photos.get().pk])
    logged_in(client, siti)

    page = client.get(reverse("reports:mine_detail", args=[report.number])).content.decode()

    assert "Laporan diterima dan menunggu verifikasi." in page
    assert "Berat (jalan amblas/tidak bisa dilalui)" in page  # her answer, in words
    assert photo_url in page
    assert client.get(photo_url).status_code == 200  # the owner may always see her photos


@pytest.mark.parametrize("number", ["LP-2026-9999999", "bukan-nomor", "LP-1999-0000001"])
def test_unknown_numbers_are_404(client, siti, tangsi, number):
    file_report(siti, tangsi)

    assert logged_in(client, siti).get(reverse("reports:mine_detail", args=[number])).status_code == 404


def test_andi_gets_404_on_sitis_report_and_its_forms(client, siti, andi, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)
    logged_in(client, andi)

    assert client.get(reverse("reports:mine_detail", args=[report.number])).status_code == 404
    assert client.post(reverse("reports:reopen", args=[report.number]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("reports:rate", args=[report.number]), {"rating": "1"}).status_code == 404
    report.refresh_from_db()
    assert report.status == Status.RESOLVED and report.rating is None


def test_an_officer_gets_404_on_the_citizens_page(client, siti, tangsi, budi):
    report = file_report(siti, tangsi)

    assert logged_in(client, budi).get(reverse("reports:mine_detail", args=[report.number])).status_code == 404


def test_anonymous_visitor_must_log_in_to_see_my_report(client, siti, tangsi):
    report = file_report(siti, tangsi)

    response = client.get(reverse("reports:mine_detail", args=[report.number]))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_public_replies_show_and_internal_notes_never(client, siti, tangsi, bayu, budi):
    report = file_report(siti, tangsi)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    actions.do_add_note(budi, report, "Tim kami akan survei lokasi besok pagi.", public=True)
    actions.do_add_note(budi, report, "Anggaran diambil dari pos pemeliharaan rutin.", public=False)

    page = logged_in(client, siti).get(reverse("reports:mine_detail", args=[report.number])).content.decode()

    assert "Tim kami akan survei lokasi besok pagi." in page
    assert "Anggaran diambil" not in page
    assert "Budi" not in page  # officers act for their OPD, not by name


def test_resolved_report_shows_the_resolution_proof_and_both_forms(client, siti, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)
    proof = report.photos.get(kind=Photo.Kind.PROOF)

    page = logged_in(client, siti).get(reverse("reports:mine_detail", args=[report.number])).content.decode()

    assert "Lubang sudah ditambal dengan aspal hotmix." in page
    assert reverse("reports:photo", args=[report.number, proof.pk]) in page
    assert "Penambalan aspal oleh tim pemeliharaan jalan." in page  # the follow-up plan
    assert "Buka kembali laporan" in page
    assert 'type="radio" name="rating" value="5"' in page


# --- Reopen and rate ---------------------------------------------------------------------------------------


def test_siti_reopens_within_7_days_with_a_reason(client, siti, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)

    response = logged_in(client, siti).post(
        reverse("reports:reopen", args=[report.number]), {"reason": "Tambalannya sudah berlubang lagi."}, follow=True
    )

    report.refresh_from_db()
    assert report.status == Status.REOPENED
    assert "Laporan dibuka kembali" in response.content.decode()
    assert "Tambalannya sudah berlubang lagi." in response.content.decode()  # on the timeline, as the reason


def test_reopening_needs_a_reason(client, siti, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)

    response = logged_in(client, siti).post(reverse("reports:reopen", args=[report.number]), {"reason": "  "})

    assert response.status_code == 400
    assert "Jelaskan mengapa Anda belum puas." in errors_of(response, "id_reason")
    report.refresh_from_db()
    assert report.status == Status.RESOLVED


def test_reopening_after_7_days_is_refused_clearly(client, siti, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)
    Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    logged_in(client, siti)

    page = client.get(reverse("reports:mine_detail", args=[report.number])).content.decode()
    assert "Buka kembali laporan" not in page and "sudah lewat" in page
    response = client.post(reverse("reports:reopen", args=[report.number]), {"reason": "Masih berlubang."})

    assert response.status_code == 409
    assert "Batas 7 hari untuk membuka kembali laporan ini sudah lewat." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.RESOLVED


def test_siti_rates_five_stars_and_the_report_closes(client, siti, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)

    response = logged_in(client, siti).post(
        reverse("reports:rate", args=[report.number]), {"rating": "5", "comment": "Cepat dan rapi."}, follow=True
    )

    report.refresh_from_db()
    assert (report.status, report.rating, report.rating_comment) == (Status.CLOSED, 5, "Cepat dan rapi.")
    page = response.content.decode()
    assert "Terima kasih atas penilaian Anda." in page
    assert "5 dari 5 bintang" in page
    assert 'name="rating"' not in page  # no second rating form


def test_rating_twice_is_refused(client, siti, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)
    logged_in(client, siti).post(reverse("reports:rate", args=[report.number]), {"rating": "4"})

    response = client.post(reverse("reports:rate", args=[report.number]), {"rating": "1"})

    assert response.status_code == 409
    assert "Laporan ini sudah dinilai." in response.content.decode()
    report.refresh_from_db()
    assert report.rating == 4


@pytest.mark.parametrize("rating", ["", "0", "6", "lima"])
def test_a_rating_outside_1_to_5_is_refused(client, siti, tangsi, bayu, budi, rating):
    report = resolved_report(siti, tangsi, bayu, budi)

    response = logged_in(client, siti).post(reverse("reports:rate", args=[report.number]), {"rating": rating})

    assert response.status_code == 400
    assert "Beri nilai 1 sampai 5 bintang." in errors_of(response, "id_rating")
    report.refresh_from_db()
    assert report.status == Status.RESOLVED


def test_a_report_still_in_progress_cannot_be_rated(client, siti, tangsi):
    report = file_report(siti, tangsi)

    response = logged_in(client, siti).post(reverse("reports:rate", args=[report.number]), {"rating": "5"})

    assert response.status_code == 409
    assert "tidak dapat diubah menjadi" in response.content.decode()


# --- "Saya juga" ---------------------------------------------------------------------------------------------


def verified_report(reporter, kelurahan, bayu, **overrides):
    report = file_report(reporter, kelurahan, **overrides)
    actions.do_verify(bayu, report)
    return report


def test_andi_supports_sitis_report_and_lands_on_it(client, siti, andi, tangsi, bayu):
    report = verified_report(siti, tangsi, bayu)

    response = logged_in(client, andi).post(reverse("reports:support", args=[report.number]))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.number])
    report.refresh_from_db()
    assert report.support_count == 1


def test_supporting_twice_gives_a_message_and_counts_once(client, siti, andi, tangsi, bayu):
    report = verified_report(siti, tangsi, bayu)
    url = reverse("reports:support", args=[report.number])
    logged_in(client, andi).post(url, follow=True)

    response = client.post(url, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Anda sudah mendukung laporan ini."]
    report.refresh_from_db()
    assert report.support_count == 1


def test_siti_cannot_support_her_own_report(client, siti, tangsi, bayu):
    report = verified_report(siti, tangsi, bayu)

    response = logged_in(client, siti).post(
        reverse("reports:support", args=[report.number]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200  # htmx swaps the answer in place of the button
    assert "Ini laporan Anda sendiri." in response.content.decode()
    report.refresh_from_db()
    assert report.support_count == 0


def test_support_with_htmx_answers_in_place(client, siti, andi, tangsi, bayu):
    report = verified_report(siti, tangsi, bayu)

    response = logged_in(client, andi).post(
        reverse("reports:support", args=[report.number]), headers={"HX-Request": "true"}
    )

    assert f"Dukungan Anda untuk laporan {report.number} tercatat (1 warga mendukung)" in response.content.decode()


def test_anonymous_visitor_must_log_in_to_support(client, siti, tangsi, bayu):
    report = verified_report(siti, tangsi, bayu)

    response = client.post(reverse("reports:support", args=[report.number]))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_officer_cannot_support(client, siti, tangsi, bayu, budi):
    report = verified_report(siti, tangsi, bayu)

    assert logged_in(client, budi).post(reverse("reports:support", args=[report.number])).status_code == 403


def test_a_report_not_yet_verified_cannot_be_found_to_support(client, siti, andi, tangsi):
    report = file_report(siti, tangsi)

    assert logged_in(client, andi).post(reverse("reports:support", args=[report.number])).status_code == 404


def test_a_closed_report_cannot_be_supported(client, siti, andi, tangsi, bayu, budi):
    report = resolved_report(siti, tangsi, bayu, budi)
    actions.do_rate(siti, report, 5)

    logged_in(client, andi).post(reverse("reports:support", args=[report.number]))

    messages = [str(m) for m in client.get(reverse("portal:home")).context["messages"]]
    assert messages == ["Hanya laporan terbuka yang sudah diverifikasi yang dapat didukung."]


def test_support_needs_post(client, siti, andi, tangsi, bayu):
    report = verified_report(siti, tangsi, bayu)

    assert logged_in(client, andi).get(reverse("reports:support", args=[report.number])).status_code == 405


def test_log_in_form_leads_back_to_the_report_form(client, siti):
    response = client.post(
        f"{reverse('accounts:login')}?next={NEW}", {"login_id": siti.login_id, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == NEW
