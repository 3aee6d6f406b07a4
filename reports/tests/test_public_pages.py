"""The public side of e-Masyarakat: anyone can follow verified reports on a map and a list, never who reported them."""

import json
import re
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from cities.models import Kelurahan
from conftest import SITI_NIK
from portal.tests.test_accessibility import structure
from reports import actions
from reports.models import Report, Status
from reports.tests.conftest import TANGSI_POINT, photo, receive
from reports.views import public

LIST = reverse("reports:list")
MAP_DATA = reverse("reports:map_data")
SECOND_POINT = (3.6201, 98.4952)  # Binjai Utara


def submit(reporter, kelurahan, *, category="jalan-rusak", point=TANGSI_POINT, anonymous=False, **extra):
    lat, lon = point if point else (None, None)
    if category == "jalan-rusak":
        extra.setdefault("attributes", {"tingkat_kerusakan": "sedang"})
    report = actions.do_submit_report(
        reporter=reporter,
        category_code=category,
        description=extra.pop("description", "Jalan berlubang besar di depan SD Negeri, membahayakan pengendara."),
        kelurahan_id=kelurahan.pk,
        lat=lat,
        lon=lon,
        address=extra.pop("address", "Jl. Sudirman depan SD Negeri 1"),
        anonymous=anonymous,
        **extra,
    )
    return receive(report)


def publish(report, coordinator):
    """The Command Center verifies the report and sends it to its OPD: from now on it is public."""
    actions.do_verify(coordinator, report)
    actions.do_disposition(coordinator, report)
    return report


def created_at(report, moment):
    Report.objects.filter(pk=report.pk).update(created_at=moment)
    report.refresh_from_db()
    return report


def html(response):
    return unescape(response.content.decode())


def numbers_on(page_html):
    return re.findall(r"LP-\d{4}-\d{7}", page_html)


def features(client, **params):
    response = client.get(MAP_DATA, params)
    assert response.status_code == 200, response.content
    return response.json()["features"]


@pytest.fixture
def kebun_lada(city):
    return Kelurahan.objects.get(name="Kebun Lada", kecamatan__city=city)


# --- the list -----------------------------------------------------------------------------------


def test_list_shows_each_public_report_with_its_place_status_date_support_and_reporter(
    city, siti, bayu, tangsi, client
):
    report = publish(submit(siti, tangsi), bayu)

    response = client.get(LIST)

    assert response.status_code == 200
    page = html(response)
    assert report.number in page
    assert f'href="{reverse("reports:detail", args=[report.number])}"' in page
    assert "Jalan rusak" in page
    assert "Kel. Tangsi, Kec. Binjai Kota" in page
    assert "Didisposisikan ke OPD" in page
    assert "0 warga juga mengalami ini" in page
    assert "Siti Aminah" in page
    assert 'id="peta-laporan"' in page and "<noscript>" in page


def test_reports_not_verified_or_refused_are_absent_from_list_map_and_detail(city, siti, andi, bayu, tangsi, client):
    shown = publish(submit(siti, tangsi), bayu)
    waiting = submit(siti, tangsi, description="Lubang baru di Jl. Gatot Subroto, belum diperiksa.")
    rejected = submit(andi, tangsi, description="Laporan iseng yang ditolak.")
    actions.do_reject(bayu, rejected, "Bukan laporan masalah kota.")

    page = html(client.get(LIST))
    on_map = [f["properties"]["number"] for f in features(client)]

    assert shown.number in page and shown.number in on_map
    for hidden in (waiting, rejected):
        assert hidden.number not in page
        assert hidden.number not in on_map
        assert client.get(reverse("reports:detail", args=[hidden.number])).status_code == 404


def test_anonymous_reporter_shows_as_anonim(city, siti, bayu, tangsi, client):
    report = publish(submit(siti, tangsi, anonymous=True), bayu)

    page = html(client.get(LIST))

    assert report.number in page
    assert "Anonim" in page and "Siti" not in page


def test_list_dates_are_in_the_city_time_zone(city, siti, bayu, tangsi, client):
    # 18:30 UTC on 1 March is 01:30 WIB on 2 March in Binjai.
    report = created_at(publish(submit(siti, tangsi), bayu), datetime(2026, 3, 1, 18, 30, tzinfo=UTC))

    page = html(client.get(LIST))

    assert "2 Maret 2026, 01:30 WIB" in page
    assert report.number in numbers_on(html(client.get(LIST, {"date_from": "2026-03-02"})))
    assert report.number not in numbers_on(html(client.get(LIST, {"date_to": "2026-03-01"})))


# --- filters ---------------------------------------------------------------------------------------


def test_filter_by_category(city, siti, bayu, tangsi, client):
    road = publish(submit(siti, tangsi), bayu)
    rubbish = publish(submit(siti, tangsi, category="sampah", description="Sampah tidak diangkut tiga hari."), bayu)

    listed = numbers_on(html(client.get(LIST, {"category": "sampah"})))
    mapped = [f["properties"]["number"] for f in features(client, category="sampah")]

    assert rubbish.number in listed and road.number not in listed
    assert mapped == [rubbish.number]


def test_filter_by_status(city, siti, budi, bayu, tangsi, client):
    waiting_for_opd = publish(submit(siti, tangsi), bayu)
    in_progress = publish(submit(siti, tangsi, description="Aspal mengelupas di tikungan."), bayu)
    actions.do_start_work(budi, in_progress, "Penambalan aspal minggu ini.")

    listed = numbers_on(html(client.get(LIST, {"status": "in_progress"})))
    mapped = [f["properties"]["number"] for f in features(client, status="in_progress")]

    assert in_progress.number in listed and waiting_for_opd.number not in listed
    assert mapped == [in_progress.number]


def test_filter_by_kecamatan(city, siti, bayu, tangsi, kebun_lada, client):
    in_kota = publish(submit(siti, tangsi), bayu)
    in_utara = publish(submit(siti, kebun_lada, point=SECOND_POINT), bayu)

    listed = numbers_on(html(client.get(LIST, {"kecamatan": kebun_lada.kecamatan_id})))
    mapped = [f["properties"]["number"] for f in features(client, kecamatan=kebun_lada.kecamatan_id)]

    assert in_utara.number in listed and in_kota.number not in listed
    assert mapped == [in_utara.number]


def test_filter_by_date_from_and_date_to(city, siti, bayu, tangsi, client):
    january = created_at(publish(submit(siti, tangsi), bayu), datetime(2026, 1, 10, 3, tzinfo=UTC))
    february = created_at(publish(submit(siti, tangsi), bayu), datetime(2026, 2, 10, 3, tzinfo=UTC))
    march = created_at(publish(submit(siti, tangsi), bayu), datetime(2026, 3, 10, 3, tzinfo=UTC))

    from_february = numbers_on(html(client.get(LIST, {"date_from": "2026-02-01"})))
    until_february = numbers_on(html(client.get(LIST, {"date_to": "2026-02-28"})))
    only_february = [f["properties"]["number"] for f in features(client, date_from="01/02/2026", date_to="28/02/2026")]

    assert january.number not in from_february and {february.number, march.number} <= set(from_february)
    assert march.number not in until_february and {january.number, february.number} <= set(until_february)
    assert only_february == [february.number]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "received"}, "Status tidak dikenal."),
        ({"status": "selesai"}, "Status tidak dikenal."),
        ({"category": "tidak-ada"}, "Kategori tidak dikenal."),
        ({"kecamatan": "999999"}, "Kecamatan tidak dikenal."),
        ({"kecamatan": "binjai"}, "Kecamatan tidak dikenal."),
        ({"date_from": "2026-13-45"}, "Tanggal tidak valid; tulis seperti 2026-03-31."),
        ({"date_to": "kemarin"}, "Tanggal tidak valid; tulis seperti 2026-03-31."),
        ({"date_from": "0001-01-01"}, "Tanggal harus antara 01-01-2000 dan 31-12-2100."),
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "Tanggal akhir tidak boleh sebelum tanggal awal."),
    ],
)
def test_bad_filter_gives_a_clear_message_not_an_error_page(city, siti, bayu, tangsi, client, params, message):
    publish(submit(siti, tangsi), bayu)

    page = client.get(LIST, params)
    data = client.get(MAP_DATA, params)

    assert page.status_code == 400
    assert message in html(page)
    assert "Periksa kembali isian Anda" in html(page)
    assert numbers_on(html(page)) == []
    assert data.status_code == 400
    assert data.json()["error"]["message"] == message


def test_filter_form_keeps_the_chosen_values_and_labels_in_indonesian(city, client, tangsi):
    page = html(client.get(LIST, {"category": "sampah", "kecamatan": tangsi.kecamatan_id, "date_from": "2026-03-01"}))

    for label in ("Kategori", "Status", "Kecamatan", "Dari tanggal", "Sampai tanggal", "Terapkan saringan"):
        assert label in page
    assert '<option value="sampah" selected>Sampah menumpuk</option>' in page
    assert f'<option value="{tangsi.kecamatan_id}" selected>Binjai Kota</option>' in page
    assert 'value="2026-03-01"' in page
    assert '<option value="received"' not in page


# --- keyset pagination ------------------------------------------------------------------------------


def walk_pages(client, url):
    """Follow the "Berikutnya" links from the first page; the report numbers of each page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = html(response)
        pages.append(re.findall(r">(LP-\d{4}-\d{7})</a>", page.split('id="judul-daftar"')[1]))
        link = re.search(r'rel="next" href="([^"]+)"', page)
        url = link.group(1) if link else None
    return pages


def test_pages_follow_each_other_without_overlap_or_gap(city, siti, bayu, tangsi, client, monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 3)
    reports = [publish(submit(siti, tangsi), bayu) for _ in range(8)]
    # Several reports in the same second: the id breaks the tie, so none is skipped or repeated.
    same_moment = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
    for report in reports[2:6]:
        created_at(report, same_moment)
    newest_first = [r.number for r in Report.objects.order_by("-created_at", "-id")]

    pages = walk_pages(client, LIST)

    assert [len(p) for p in pages] == [3, 3, 2]
    assert [number for page in pages for number in page] == newest_first


def test_next_link_keeps_the_filters(city, siti, bayu, tangsi, client, monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    rubbish = [
        publish(submit(siti, tangsi, category="sampah", description=f"Sampah menumpuk ke-{n}."), bayu) for n in range(3)
    ]
    publish(submit(siti, tangsi), bayu)

    pages = walk_pages(client, f"{LIST}?category=sampah")

    assert [len(page) for page in pages] == [2, 1]
    assert sorted(n for page in pages for n in page) == sorted(r.number for r in rubbish)


def test_the_list_reads_one_page_without_offset_or_counting_the_table(city, siti, bayu, tangsi, client):
    publish(submit(siti, tangsi), bayu)

    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"category": "jalan-rusak"})

    statements = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "OFFSET" not in statements
    assert "COUNT(" not in statements


@pytest.mark.parametrize(
    "cursor",
    [
        "bukan-kursor",
        "!!!",
        "YWJj",
        "MjAyNi0wMS0wMXxhYmM",
        "eHx5fHo",
    ],
    ids=["text", "symbols", "no-separator", "id-not-a-number", "three-parts"],
)
def test_a_bad_cursor_gives_a_page_error_not_a_crash(city, siti, bayu, tangsi, client, cursor):
    publish(submit(siti, tangsi), bayu)

    response = client.get(LIST, {"cursor": cursor})

    assert response.status_code == 400
    assert "Kursor halaman tidak valid." in html(response)
    assert "Kembali ke halaman pertama" in html(response)


def test_a_forged_cursor_with_a_huge_id_is_just_a_page_further(city, siti, bayu, tangsi, client):
    report = created_at(publish(submit(siti, tangsi), bayu), datetime(2025, 12, 1, tzinfo=UTC))
    # "2026-01-01T00:00:00+00:00|99999999999999999999999": beyond any id a database column holds.
    cursor = "MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"

    response = client.get(LIST, {"cursor": cursor})

    assert response.status_code == 200
    assert report.number in html(response)


# --- the map data ---------------------------------------------------------------------------------


def test_map_data_is_a_geojson_feature_collection_without_personal_data(city, siti, bayu, tangsi, client):
    report = publish(submit(siti, tangsi), bayu)
    publish(submit(siti, tangsi, point=None, description="Lampu jalan padam di gang sempit."), bayu)

    response = client.get(MAP_DATA)

    assert response.status_code == 200
    collection = response.json()
    assert collection["type"] == "FeatureCollection" and collection["truncated"] is False
    assert collection["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [TANGSI_POINT[1], TANGSI_POINT[0]]},
            "properties": {
                "number": report.number,
                "category": "Jalan rusak",
                "status": "dispositioned",
                "status_label": "Didisposisikan ke OPD",
                "url": reverse("reports:detail", args=[report.number]),
            },
        }
    ]


def test_map_data_keeps_to_the_visible_area(city, siti, bayu, tangsi, kebun_lada, client):
    in_tangsi = publish(submit(siti, tangsi), bayu)
    publish(submit(siti, kebun_lada, point=SECOND_POINT), bayu)
    lat, lon = TANGSI_POINT
    around_tangsi = f"{lon - 0.005},{lat - 0.005},{lon + 0.005},{lat + 0.005}"

    mapped = [f["properties"]["number"] for f in features(client, bbox=around_tangsi)]

    assert mapped == [in_tangsi.number]


def test_map_data_is_capped_to_the_newest_reports(city, siti, bayu, tangsi, client, monkeypatch):
    monkeypatch.setattr(public, "MAP_FEATURES_MAX", 2)
    reports = [publish(submit(siti, tangsi), bayu) for _ in range(3)]

    collection = client.get(MAP_DATA).json()

    assert collection["truncated"] is True
    assert [f["properties"]["number"] for f in collection["features"]] == [reports[2].number, reports[1].number]


@pytest.mark.parametrize(
    "bbox",
    [
        "98.4,3.5,98.6",
        "a,b,c,d",
        "98.6,3.5,98.4,3.7",
        "98.4,3.7,98.6,3.5",
        "181,0,182,1",
        "0,-91,1,0",
        "nan,0,1,1",
        "0,0,inf,1",
        "98.4,3.5,98.6,3.7,1",
    ],
)
def test_a_bad_bbox_is_refused_with_a_message(city, client, bbox):
    response = client.get(MAP_DATA, {"bbox": bbox})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"].startswith("bbox harus berupa lon_min,lat_min,lon_max,lat_max")


# --- the detail page ---------------------------------------------------------------------------------


def test_detail_tells_what_where_who_handles_it_and_what_happened_in_the_city_time_zone(
    city, siti, budi, bayu, tangsi, client, media
):
    report = publish(submit(siti, tangsi, photos=[photo()]), bayu)
    actions.do_start_work(budi, report, "Penambalan lubang oleh tim UPT Jalan.")
    report_photo = report.photos.get()

    response = client.get(reverse("reports:detail", args=[report.number]))

    assert response.status_code == 200
    page = html(response)
    assert f"Laporan {report.number}" in page
    for text in (
        "Jalan rusak",
        "Sedang ditindaklanjuti",
        "Kel. Tangsi, Kec. Binjai Kota",
        "Jl. Sudirman depan SD Negeri 1",
        "Jalan berlubang besar di depan SD Negeri, membahayakan pengendara.",
        "Dinas Pekerjaan Umum",
        "Siti Aminah",
        "0 warga juga mengalami masalah ini.",
        "Titik lokasi (lintang, bujur): 3.60050, 98.48580",
    ):
        assert text in page, text
    assert reverse("reports:photo", args=[report.number, report_photo.pk]) in page
    assert 'data-point="3.600500,98.485800"' in page
    timeline = page.split('id="judul-riwayat"')[1]
    texts = [
        "Laporan diterima dan menunggu verifikasi.",
        "Laporan telah diverifikasi oleh Command Center.",
        "Laporan diteruskan ke",
        "Sedang ditindaklanjuti: Penambalan lubang oleh tim UPT Jalan.",
    ]
    assert [timeline.index(t) for t in texts] == sorted(timeline.index(t) for t in texts)
    wib = ZoneInfo("Asia/Jakarta")
    for event in AuditEvent.objects.filter(object_type="reports.report", object_id=str(report.pk), public=True):
        assert f"{event.occurred_at.astimezone(wib):%H:%M} WIB" in timeline


def test_detail_never_shows_an_anonymous_reporter_nor_anyone_s_nik_phone_or_email(
    city, siti, budi, bayu, tangsi, client, media
):
    report = publish(submit(siti, tangsi, anonymous=True, photos=[photo()]), bayu)
    actions.do_start_work(budi, report, "Survei lokasi besok pagi.")
    actions.do_add_note(budi, report, "Pelapor Siti minta ditelepon, warga RT 03.", public=False)
    actions.do_add_note(budi, report, "Tim sudah meninjau lokasi.", public=True)

    pages = [
        html(client.get(reverse("reports:detail", args=[report.number]))),
        html(client.get(LIST)),
        json.dumps(client.get(MAP_DATA).json()),
    ]

    for page in pages:
        for secret in ("Siti", "Aminah", SITI_NIK, "81234567801", "siti@example.org"):
            assert secret not in page, secret
    detail = pages[0]
    assert "Anonim" in detail
    assert "Tim sudah meninjau lokasi." in detail
    assert "ditelepon" not in detail
    for officer in ("Budi", "Santoso", "Bayu", "Pratama", budi.login_id, bayu.login_id):
        assert officer not in detail, officer


def test_named_reporter_is_shown_by_name_but_never_with_nik_phone_or_email(city, siti, bayu, tangsi, client):
    report = publish(submit(siti, tangsi), bayu)

    page = html(client.get(reverse("reports:detail", args=[report.number])))

    assert "Siti Aminah" in page
    for secret in (SITI_NIK, "81234567801", "siti@example.org"):
        assert secret not in page


def test_internal_notes_never_reach_any_public_page(city, siti, budi, bayu, tangsi, client):
    report = publish(submit(siti, tangsi), bayu)
    actions.do_add_note(budi, report, "Anggaran tambal sulam habis, tunggu APBD-P.", public=False)

    for url in (LIST, MAP_DATA, reverse("reports:detail", args=[report.number])):
        assert "APBD-P" not in html(client.get(url))


def test_unknown_or_malformed_numbers_are_not_found(city, siti, bayu, tangsi, client):
    report = publish(submit(siti, tangsi), bayu)
    wrong_year = f"LP-{report.created_at.year - 1}-{report.pk:07d}"

    for number in ("LP-2026-9999999", "bukan-nomor", wrong_year, "LP-2026-"):
        assert client.get(reverse("reports:detail", args=[number])).status_code == 404, number


def test_a_lowercase_number_leads_to_the_report(city, siti, bayu, tangsi, client):
    report = publish(submit(siti, tangsi), bayu)

    response = client.get(reverse("reports:detail", args=[report.number.lower()]))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.number])


def test_a_report_not_yet_public_sends_its_reporter_and_its_officers_to_their_own_pages(
    city, siti, andi, budi, hendra, dewi, irma, bayu, tangsi, client
):
    report = submit(siti, tangsi)
    url = reverse("reports:detail", args=[report.number])

    client.force_login(siti)
    assert client.get(url)["Location"] == reverse("reports:mine_detail", args=[report.number])
    for officer in (budi, hendra, irma, bayu):
        client.force_login(officer)
        response = client.get(url)
        assert response.status_code == 302, officer
        assert response["Location"] == reverse("reports:officer_detail", args=[report.number])
    for outsider in (andi, dewi):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    client.logout()
    assert client.get(url).status_code == 404


def test_a_merged_duplicate_points_to_the_original_without_personal_data(city, siti, andi, bayu, tangsi, client):
    original = publish(submit(siti, tangsi), bayu)
    duplicate = submit(andi, tangsi, description="Ada lubang besar di depan SD Negeri 1.")
    actions.do_merge_duplicate(bayu, duplicate, original)

    response = client.get(reverse("reports:detail", args=[duplicate.number]))

    assert response.status_code == 200
    page = html(response)
    assert f'digabung ke <a href="{reverse("reports:detail", args=[original.number])}">{original.number}</a>' in page
    assert "Andi" not in page and "Ada lubang besar" not in page


def test_support_button_is_for_other_logged_in_citizens_only(city, siti, andi, budi, bayu, tangsi, client):
    report = publish(submit(siti, tangsi), bayu)
    url = reverse("reports:detail", args=[report.number])
    button = "Saya juga mengalami ini"

    assert button not in html(client.get(url))
    assert "Masuk sebagai warga" in html(client.get(url))
    client.force_login(andi)
    page = html(client.get(url))
    assert button in page and f'action="{reverse("reports:support", args=[report.number])}"' in page
    client.force_login(siti)
    assert button not in html(client.get(url))
    client.force_login(budi)
    assert button not in html(client.get(url))


def test_a_supporter_sees_their_support_counted(city, siti, andi, bayu, tangsi, client):
    report = publish(submit(siti, tangsi), bayu)
    actions.do_support(andi, report)
    client.force_login(andi)

    page = html(client.get(reverse("reports:detail", args=[report.number])))

    assert "1 warga juga mengalami masalah ini." in page
    assert "Anda sudah mendukung laporan ini" in page
    assert "Saya juga mengalami ini" not in page


def test_closed_reports_stay_public_without_a_support_button(city, siti, andi, budi, bayu, tangsi, client, media):
    report = publish(submit(siti, tangsi), bayu)
    actions.do_start_work(budi, report, "Tambal lubang.")
    actions.do_resolve(budi, report, "Lubang sudah ditambal.", [photo("bukti.png", "PNG")])
    actions.do_rate(siti, report, 5, "Cepat sekali.")
    client.force_login(andi)

    page = html(client.get(reverse("reports:detail", args=[report.number])))

    assert "Ditutup" in page and "Lubang sudah ditambal." in page
    assert "Foto bukti penyelesaian" in page
    assert "Saya juga mengalami ini" not in page
    assert Report.objects.get(pk=report.pk).status == Status.CLOSED


# --- the pages themselves -----------------------------------------------------------------------------


def test_public_pages_are_labelled_and_load_nothing_from_other_servers(city, siti, bayu, tangsi, client, media):
    report = publish(submit(siti, tangsi, photos=[photo()]), bayu)

    for url in (LIST, f"{LIST}?status=x", reverse("reports:detail", args=[report.number])):
        page = structure(client.get(url))
        assert page.html_lang == "id"
        assert all(input_id in page.label_for for input_id in page.inputs), (url, page.inputs)
        assert not [asset for asset in page.assets if asset.startswith(("http:", "https:", "//"))], url


def test_a_bad_filter_is_tied_to_its_field(city, client):
    page = html(client.get(LIST, {"date_from": "kemarin"}))

    assert 'role="alert"' in page
    assert 'aria-describedby="id_date_from_error"' in page
    assert 'href="#id_date_from"' in page


# --- the landing page --------------------------------------------------------------------------------


def test_landing_page_leads_to_the_public_reports(city, client):
    page = html(client.get(reverse("portal:home")))

    assert f'href="{LIST}"' in page
    assert f'href="{reverse("reports:new")}"' in page
