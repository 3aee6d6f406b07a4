"""Open311 GeoReport v2: an existing Open311 app reads Binjai's services and reports, and files reports.

The app ("Lapor Binjai") got its api_key from the city admin. Everything is
checked in both formats; XML is parsed and its element names checked, since
that is what the clients read.
"""

from datetime import timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.events import public_timeline
from cities.models import Kelurahan
from conftest import SITI_NIK
from deadlines import clock
from notifications.models import Notification
from reports.actions import (
    close_resolved_reports,
    do_add_note,
    do_disposition,
    do_mark_not_authority,
    do_reject,
    do_resolve,
    do_start_work,
    do_submit_report,
    do_verify,
)
from reports.models import Category, Open311Client, Report, Status
from reports.open311_clients import check_client, do_register_client
from reports.tests.conftest import MEDAN_POINT, TANGSI_POINT, photo, receive

BASE = "/open311/v2"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    "status_detail",
]


@pytest.fixture
def app_key(city):
    return do_register_client(check_client(city=city, name="Lapor Binjai", contact_email="dev@laporbinjai.example.org"))


def pothole_form(api_key, kelurahan, **changes):
    form = {
        "api_key": api_key,
        "jurisdiction_id": "binjai",
        "service_code": "jalan-rusak",
        "lat": TANGSI_POINT[0],
        "long": TANGSI_POINT[1],
        "description": "Lubang besar di Jalan Jenderal Sudirman depan sekolah.",
        "attribute[tingkat_kerusakan]": "berat",
        "attribute[kelurahan]": kelurahan.pk,
        "first_name": "Rudi",
        "last_name": "Hartono",
        "email": "rudi.hartono@example.org",
        "phone": "0812-7777-1234",
        "device_id": "tt222111",
        "account_id": "123456",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def post_form(client, form, fmt="json"):
    """As Open311 clients post: application/x-www-form-urlencoded."""
    return client.post(
        f"{BASE}/requests.{fmt}", urlencode(form, doseq=True), content_type="application/x-www-form-urlencoded"
    )


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def children(element):
    return [child.tag for child in element]


def errors(response):
    """The descriptions of a JSON error document, after checking its shape."""
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert all(set(error) == {"code", "description"} and error["code"] == response.status_code for error in body)
    return [error["description"] for error in body]


def xml_errors(response):
    root = xml(response)
    assert root.tag == "errors" and children(root) == ["error"] * len(root)
    assert all(children(error) == ["code", "description"] for error in root)
    assert {error.findtext("code") for error in root} == {str(response.status_code)}
    return [error.findtext("description") for error in root]


def citizen_report(siti, tangsi, description="Jalan berlubang di depan pasar.", **changes):
    fields = {
        "reporter": siti,
        "category_code": "jalan-rusak",
        "description": description,
        "kelurahan_id": tangsi.pk,
        "lat": TANGSI_POINT[0],
        "lon": TANGSI_POINT[1],
        "address": "Jl. Jenderal Sudirman No. 5",
        "attributes": {"tingkat_kerusakan": "sedang"},
    }
    fields.update(changes)
    return receive(do_submit_report(**fields))


# --- Discovery and services -------------------------------------------------------------------


def test_discovery_points_apps_to_the_georeport_v2_endpoint(client, city):
    document = client.get(f"{BASE}/discovery.json").json()
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    assert "Dinas Komunikasi dan Informatika Kota Binjai" in document["contact"]
    assert document["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2",
            "changeset": document["changeset"],
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]

    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert [f.tag for f in endpoint.find("formats")] == ["format", "format"]


def test_the_endpoint_root_serves_the_discovery_document(client, city):
    assert xml(client.get(f"{BASE}/")).tag == "discovery"


def test_services_are_the_active_report_categories(client, city):
    Category.objects.filter(city=city, code="parkir-liar").update(active=False)

    services = client.get(f"{BASE}/services.json").json()
    pothole = next(s for s in services if s["service_code"] == "jalan-rusak")
    assert pothole == {
        "service_code": "jalan-rusak",
        "service_name": "Jalan rusak",
        "description": "Jalan berlubang, retak, amblas atau aspal mengelupas di jalan kota.",
        "metadata": True,
        "type": "realtime",
        "keywords": "jalan, lubang, aspal, retak, amblas",
        "group": "Infrastruktur",
    }
    assert "parkir-liar" not in {s["service_code"] for s in services}
    assert len(services) == Category.objects.filter(city=city, active=True).count()

    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and set(children(root)) == {"service"}
    first = root[0]
    assert children(first) == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]  # fmt: skip
    assert first.findtext("metadata") == "true" and first.findtext("type") == "realtime"


def test_a_service_definition_has_the_category_attributes_and_asks_for_the_kelurahan(client, city, tangsi):
    definition = client.get(f"{BASE}/services/jalan-rusak.json").json()
    assert definition["service_code"] == "jalan-rusak"
    severity, kelurahan = definition["attributes"]
    assert severity == {
        "variable": True,
        "code": "tingkat_kerusakan",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "Seberapa parah kerusakannya?",
        "values": [
            {"key": "ringan", "name": "Ringan (retak/lubang kecil)"},
            {"key": "sedang", "name": "Sedang (lubang mengganggu kendaraan)"},
            {"key": "berat", "name": "Berat (jalan amblas/tidak bisa dilalui)"},
        ],
    }
    assert kelurahan["code"] == "kelurahan" and kelurahan["required"] is True and kelurahan["order"] == 2
    assert kelurahan["datatype"] == "singlevaluelist"
    assert {"key": str(tangsi.pk), "name": "Tangsi (Kecamatan Binjai Kota)"} in kelurahan["values"]
    assert len(kelurahan["values"]) == Kelurahan.objects.filter(kecamatan__city=city).count()

    root = xml(client.get(f"{BASE}/services/jalan-rusak.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attribute = root.find("attributes/attribute")
    assert children(attribute) == [
        "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
    ]  # fmt: skip
    assert attribute.findtext("variable") == "true" and attribute.findtext("datatype_description") == ""
    value = attribute.find("values/value")
    assert children(value) == ["key", "name"] and value.findtext("key") == "ringan"


def test_a_service_without_attributes_still_asks_for_the_kelurahan(client, city):
    definition = client.get(f"{BASE}/services/drainase.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["kelurahan"]
    assert definition["attributes"][0]["order"] == 1


def test_an_unknown_or_retired_service_is_404(client, city):
    response = client.get(f"{BASE}/services/jalan-berlubang.json")
    assert response.status_code == 404
    assert errors(response) == ["service_code: layanan 'jalan-berlubang' tidak ditemukan; lihat services.xml."]

    Category.objects.filter(city=city, code="parkir-liar").update(active=False)
    response = client.get(f"{BASE}/services/parkir-liar.xml")
    assert response.status_code == 404
    assert xml_errors(response) == ["service_code: layanan 'parkir-liar' tidak ditemukan; lihat services.xml."]


# --- POST requests ---------------------------------------------------------------------------


def test_an_app_files_a_report_and_gets_its_number_at_once(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi))

    assert response.status_code == 200
    [receipt] = response.json()
    report = Report.objects.get()
    assert receipt == {
        "service_request_id": report.number,
        "token": report.open311_token,
        "service_notice": f"Laporan diterima dengan nomor {report.number}. Command Center memverifikasinya "
        "dalam 3 hari kerja, lalu meneruskannya ke Dinas Pekerjaan Umum dan Penataan Ruang Kota Binjai.",
        "account_id": None,
    }
    # The same report as one filed on the web: submitted, then received by the intake.
    assert report.status == Status.SUBMITTED and report.owner is None
    assert receive(report).status == Status.RECEIVED
    assert report.client.name == "Lapor Binjai"
    assert (report.category.code, report.kelurahan, report.opd.code) == ("jalan-rusak", tangsi, "dinas-pupr")
    assert (report.lat, report.lon) == TANGSI_POINT
    assert report.attributes == {"tingkat_kerusakan": "berat"}
    assert (report.contact_name, report.contact_email, report.contact_phone) == (
        "Rudi Hartono", "rudi.hartono@example.org", "+6281277771234",
    )  # fmt: skip
    assert public_timeline(report)[0].text == "Laporan diterima dan menunggu verifikasi."
    # The reporter has no account: the confirmation goes to the contact the app gave.
    assert Notification.objects.filter(recipient="rudi.hartono@example.org", template="report_received").exists()


def test_the_receipt_in_xml(client, city, tangsi, app_key):
    root = xml(post_form(client, pothole_form(app_key, tangsi), fmt="xml"))
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == ["service_request_id", "token", "service_notice", "account_id"]
    assert root[0].findtext("service_request_id") == Report.objects.get().number
    assert root[0].find("account_id").text is None  # <account_id/>, as in the specification


def test_an_app_may_upload_the_photo_itself_and_it_goes_through_the_photo_checks(client, city, tangsi, app_key, media):
    response = client.post(f"{BASE}/requests.json", {**pothole_form(app_key, tangsi), "media": photo()})
    assert response.status_code == 200
    assert Report.objects.get().photos.count() == 1

    fake = photo(name="lubang.jpg")
    fake.file.write(b"not really")
    fake.file.seek(0)
    fake.file.truncate(10)
    response = client.post(f"{BASE}/requests.json", {**pothole_form(app_key, tangsi), "media": fake})
    assert response.status_code == 400
    assert errors(response) == ["media: Berkas 'lubang.jpg' bukan foto JPEG, PNG atau WebP yang utuh."]
    assert Report.objects.count() == 1


def test_a_media_url_from_the_app_is_kept_for_the_officers_and_never_fetched(client, city, tangsi, app_key):
    url = "https://foto.laporbinjai.example.org/2026/lubang.jpg"
    assert post_form(client, pothole_form(app_key, tangsi, media_url=url)).status_code == 200
    assert Report.objects.get().attributes == {"tingkat_kerusakan": "berat", "media_url": url}

    response = post_form(client, pothole_form(app_key, tangsi, media_url="javascript:alert(1)"))
    assert response.status_code == 400
    assert errors(response) == ["media_url: harus alamat http(s) yang sah, paling panjang 500 karakter."]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_wrong_or_missing_api_key_is_403(client, city, tangsi, app_key, fmt):
    describe = errors if fmt == "json" else xml_errors
    response = post_form(client, pothole_form("kc311_tebakan", tangsi), fmt)
    assert response.status_code == 403
    assert describe(response) == ["api_key tidak berlaku; mintalah kunci API kepada admin kota untuk aplikasi Anda."]

    response = post_form(client, pothole_form(None, tangsi), fmt)
    assert response.status_code == 403
    assert describe(response) == ["api_key tidak dikirim; mintalah kunci API kepada admin kota untuk aplikasi Anda."]
    assert not Report.objects.exists()


def test_a_deactivated_app_can_no_longer_post(client, city, tangsi, app_key):
    Open311Client.objects.update(active=False)
    assert post_form(client, pothole_form(app_key, tangsi)).status_code == 403
    assert not Report.objects.exists()


def test_the_api_key_may_come_in_the_query_string(client, city, tangsi, app_key):
    form = pothole_form(None, tangsi)
    response = client.post(
        f"{BASE}/requests.json?api_key={app_key}", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200


def test_an_unknown_or_missing_service_code_is_400(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi, service_code="jalan-berlubang"))
    assert response.status_code == 400
    assert errors(response) == ["service_code: layanan 'jalan-berlubang' tidak dikenal; lihat services.xml."]

    response = post_form(client, pothole_form(app_key, tangsi, service_code=""), fmt="xml")
    assert response.status_code == 400
    assert xml_errors(response) == ["service_code: wajib diisi; lihat services.xml."]
    assert not Report.objects.exists()


def test_the_category_attributes_are_checked_like_the_web_forms_and_named(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi, **{"attribute[tingkat_kerusakan]": None}))
    assert response.status_code == 400
    assert errors(response) == ["attribute[tingkat_kerusakan]: Isian 'Seberapa parah kerusakannya?' wajib diisi."]

    response = post_form(client, pothole_form(app_key, tangsi, **{"attribute[tingkat_kerusakan]": "parah"}))
    assert response.status_code == 400
    assert errors(response) == [
        "attribute[tingkat_kerusakan]: Pilih jawaban 'Seberapa parah kerusakannya?' dari pilihan yang tersedia."
    ]
    assert not Report.objects.exists()


def test_numbers_and_multiple_choices_arrive_as_the_category_defines_them(client, city, tangsi, app_key):
    Category.objects.filter(city=city, code="drainase").update(
        attributes=[
            {"code": "panjang_m", "datatype": "number", "required": True, "order": 1, "description": "Panjang (m)"},
            {
                "code": "dampak",
                "datatype": "multivaluelist",
                "required": False,
                "order": 2,
                "description": "Dampaknya",
                "values": [{"key": "bau", "name": "Bau"}, {"key": "banjir", "name": "Meluap"}],
            },
        ]
    )
    drain = {
        "service_code": "drainase",
        "attribute[tingkat_kerusakan]": None,
        "attribute[panjang_m]": "12.5",
        "attribute[dampak][]": ["bau", "banjir"],
    }
    assert post_form(client, pothole_form(app_key, tangsi, **drain)).status_code == 200
    assert Report.objects.get().attributes == {"panjang_m": "12.5", "dampak": ["bau", "banjir"]}

    response = post_form(client, pothole_form(app_key, tangsi, **{**drain, "attribute[panjang_m]": "dua belas"}))
    assert errors(response) == ["attribute[panjang_m]: Isian 'Panjang (m)' harus berupa angka."]
    response = post_form(client, pothole_form(app_key, tangsi, **{**drain, "attribute[dampak][]": ["bau", "longsor"]}))
    assert errors(response) == ["attribute[dampak]: Pilih jawaban 'Dampaknya' dari pilihan yang tersedia."]
    assert Report.objects.count() == 1


def test_the_kelurahan_is_required_and_may_be_given_by_name(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi, **{"attribute[kelurahan]": None}))
    assert response.status_code == 400
    assert errors(response) == ["attribute[kelurahan]: Pilih kelurahan di Kota Binjai."]

    response = post_form(client, pothole_form(app_key, tangsi, **{"attribute[kelurahan]": "Kampung Antah"}))
    assert errors(response) == ["attribute[kelurahan]: Pilih kelurahan di Kota Binjai."]

    assert post_form(client, pothole_form(app_key, tangsi, **{"attribute[kelurahan]": "tangsi"})).status_code == 200
    # Extension: a plain `kelurahan` parameter, for apps that cannot send attributes.
    form = pothole_form(app_key, tangsi, **{"attribute[kelurahan]": None})
    form["kelurahan"] = "Tangsi"
    assert post_form(client, form).status_code == 200
    assert [report.kelurahan for report in Report.objects.all()] == [tangsi, tangsi]


def test_the_location_must_be_given_and_inside_the_city(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi, lat=MEDAN_POINT[0], long=MEDAN_POINT[1]))
    assert response.status_code == 400
    assert errors(response) == [
        "lat/long: Lokasi berada di luar wilayah Kota Binjai. Laporan hanya untuk masalah di dalam kota."
    ]

    response = post_form(client, pothole_form(app_key, tangsi, long=None))
    assert errors(response) == ["lat/long: Titik lokasi harus punya lintang dan bujur."]

    response = post_form(client, pothole_form(app_key, tangsi, lat="tiga koma enam", long="inf"))
    assert errors(response) == [
        "lat: 'tiga koma enam' bukan derajat desimal WGS84 (contoh lat=3.6005&long=98.4858).",
        "long: 'inf' bukan derajat desimal WGS84 (contoh lat=3.6005&long=98.4858).",
    ]

    response = post_form(client, pothole_form(app_key, tangsi, lat=None, long=None))
    assert errors(response) == ["lat/long: Tandai lokasi di peta atau tuliskan alamatnya."]

    response = post_form(client, pothole_form(app_key, tangsi, lat=None, long=None, address_id="545483"))
    assert errors(response) == ["address_id: tidak didukung di Kota Binjai; kirim lat dan long, atau address_string."]
    assert not Report.objects.exists()

    form = pothole_form(app_key, tangsi, lat=None, long=None, address_string="Jl. Sudirman No. 5, Tangsi")
    assert post_form(client, form).status_code == 200
    report = Report.objects.get()
    assert report.address == "Jl. Sudirman No. 5, Tangsi" and report.lat is None


def test_a_description_longer_than_4000_characters_is_refused(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi, description="a" * 4001))
    assert response.status_code == 400
    assert errors(response) == ["description: Uraian paling panjang 4000 karakter (sekarang 4001)."]

    response = post_form(client, pothole_form(app_key, tangsi, description=None))
    assert errors(response) == ["description: Uraian laporan wajib diisi."]


def test_the_problems_of_one_check_are_told_together(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi, lat="utara", email="rudi@", phone="12"), fmt="xml")
    assert response.status_code == 400
    assert xml_errors(response) == [
        "lat: 'utara' bukan derajat desimal WGS84 (contoh lat=3.6005&long=98.4858).",
        "email: alamat e-mail tidak valid.",
        "phone: Nomor HP tidak valid (contoh: 0812xxxxxxxx).",
    ]

    form = pothole_form(app_key, tangsi, **{"attribute[tingkat_kerusakan]": None}, description=None)
    assert xml_errors(post_form(client, form, fmt="xml")) == [
        "description: Uraian laporan wajib diisi.",
        "attribute[tingkat_kerusakan]: Isian 'Seberapa parah kerusakannya?' wajib diisi.",
    ]


def test_posting_needs_no_csrf_token(city, tangsi, app_key):
    response = post_form(Client(enforce_csrf_checks=True), pothole_form(app_key, tangsi))
    assert response.status_code == 200


# --- GET requests, requests/{id}, tokens/{token} -----------------------------------------------


def test_the_list_shows_verified_reports_newest_first_and_not_unchecked_ones(client, city, siti, bayu, tangsi, media):
    older = citizen_report(siti, tangsi, photos=[photo()])
    do_verify(bayu, older)
    newer = citizen_report(siti, tangsi, description="Aspal mengelupas sepanjang 20 meter.")
    do_verify(bayu, newer)
    unchecked = citizen_report(siti, tangsi, description="Belum diperiksa Command Center.")

    listed = client.get(f"{BASE}/requests.json").json()
    assert [entry["service_request_id"] for entry in listed] == [newer.number, older.number]
    assert unchecked.number not in str(listed)
    entry = listed[1]
    assert list(entry) == REQUEST_FIELDS
    older.refresh_from_db()
    assert entry == {
        "service_request_id": older.number,
        "status": "open",
        "status_notes": "Laporan telah diverifikasi oleh Command Center.",
        "service_name": "Jalan rusak",
        "service_code": "jalan-rusak",
        "description": "Jalan berlubang di depan pasar.",
        "agency_responsible": "Dinas Pekerjaan Umum dan Penataan Ruang Kota Binjai",
        "service_notice": "Ditangani Dinas Pekerjaan Umum dan Penataan Ruang Kota Binjai; target penyelesaian 14 "
        "hari kerja setelah laporan diteruskan ke OPD.",
        "requested_datetime": timezone.localtime(older.created_at, city.zone).isoformat(timespec="seconds"),
        "updated_datetime": timezone.localtime(older.updated_at, city.zone).isoformat(timespec="seconds"),
        "expected_datetime": None,
        "address": "Jl. Jenderal Sudirman No. 5, Kelurahan Tangsi, Kecamatan Binjai Kota, Kota Binjai",
        "address_id": None,
        "zipcode": None,
        "lat": TANGSI_POINT[0],
        "long": TANGSI_POINT[1],
        "media_url": f"http://testserver/laporan/{older.number}/foto/{older.photos.get().pk}/",
        "status_detail": "verified",
    }
    assert entry["requested_datetime"].endswith("+07:00")
    # The photo link is the public photo view, and it answers.
    assert client.get(entry["media_url"]).status_code == 200

    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and children(root) == ["request", "request"]
    assert children(root[1]) == REQUEST_FIELDS
    assert root[1].findtext("status") == "open" and root[1].findtext("status_detail") == "verified"
    assert root[1].findtext("long") == str(TANGSI_POINT[1]) and root[1].findtext("zipcode") == ""


def test_the_list_filters_by_service_code_and_open_or_closed(client, city, siti, bayu, tangsi):
    pothole = do_verify(bayu, citizen_report(siti, tangsi))
    drain = do_verify(
        bayu, citizen_report(siti, tangsi, category_code="drainase", attributes={}, description="Parit tersumbat.")
    )
    refused = citizen_report(siti, tangsi, description="Laporan ganda.")
    do_verify(bayu, refused)
    do_mark_not_authority(bayu, refused, "Jalan nasional: kewenangan BBPJN.")

    def numbers(**query):
        return [entry["service_request_id"] for entry in client.get(f"{BASE}/requests.json", query).json()]

    assert numbers(service_code="drainase") == [drain.number]
    assert numbers(service_code="drainase,jalan-rusak") == [refused.number, drain.number, pothole.number]
    assert numbers(status="open") == [drain.number, pothole.number]
    assert numbers(status="closed") == [refused.number]
    assert numbers(status="open,closed", service_code="jalan-rusak") == [refused.number, pothole.number]
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()[0]
    assert closed["status_detail"] == "not_authority"
    assert (
        closed["status_notes"] == "Laporan bukan kewenangan pemerintah kota. Alasan: Jalan nasional: kewenangan BBPJN."
    )


def test_the_list_covers_the_last_90_days_unless_dates_are_given(client, city, siti, bayu, tangsi):
    recent = do_verify(bayu, citizen_report(siti, tangsi))
    old = do_verify(bayu, citizen_report(siti, tangsi, description="Laporan lama."))
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    old.refresh_from_db()

    def numbers(**query):
        return [entry["service_request_id"] for entry in client.get(f"{BASE}/requests.json", query).json()]

    assert numbers() == [recent.number]
    day = timezone.localtime(old.created_at, city.zone).date()
    assert numbers(
        start_date=f"{day - timedelta(days=1)}T00:00:00Z", end_date=f"{day + timedelta(days=1)}T00:00:00Z"
    ) == [old.number]
    assert numbers(start_date=(timezone.now() - timedelta(days=125)).isoformat()) == [old.number]
    assert numbers(end_date=(timezone.now() - timedelta(days=100)).isoformat()) == [old.number]
    assert numbers(start_date=str(day), end_date=str(day)) == [old.number]


def test_the_list_is_capped_newest_first(client, city, siti, bayu, tangsi, monkeypatch):
    reports = [do_verify(bayu, citizen_report(siti, tangsi, description=f"Lubang nomor {n}.")) for n in range(3)]
    monkeypatch.setattr("reports.open311_requests.MAX_RESULTS", 2)
    listed = client.get(f"{BASE}/requests.json").json()
    assert [entry["service_request_id"] for entry in listed] == [reports[2].number, reports[1].number]


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"start_date": "kemarin"},
            "start_date: 'kemarin' bukan tanggal-waktu W3C tahun 2000–2100 (contoh 2026-01-01T00:00:00Z).",
        ),
        (
            {"end_date": "2026-13-45"},
            "end_date: '2026-13-45' bukan tanggal-waktu W3C tahun 2000–2100 (contoh 2026-01-31T23:59:59Z).",
        ),
        (
            {"start_date": "9999-12-31T23:59:59+14:00"},
            "start_date: '9999-12-31T23:59:59+14:00' bukan tanggal-waktu W3C tahun 2000–2100 "
            "(contoh 2026-01-01T00:00:00Z).",
        ),
        (
            {"end_date": "0001-01-01"},
            "end_date: '0001-01-01' bukan tanggal-waktu W3C tahun 2000–2100 (contoh 2026-01-31T23:59:59Z).",
        ),
        (
            {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
            "end_date: harus sesudah start_date.",
        ),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "start_date/end_date: rentang pencarian paling lama 90 hari.",
        ),
        ({"status": "pending"}, "status: 'pending' tidak dikenal; gunakan open atau closed."),
        (
            {"service_code": "jalan-berlubang"},
            "service_code: layanan 'jalan-berlubang' tidak dikenal; lihat services.xml.",
        ),
        (
            {"service_request_id": "123"},
            "service_request_id: '123' bukan nomor laporan (contoh LP-2026-0000123).",
        ),
    ],
)
def test_bad_list_filters_are_400_with_the_reason(client, city, query, message):
    response = client.get(f"{BASE}/requests.json", query)
    assert response.status_code == 400
    assert errors(response) == [message]
    response = client.get(f"{BASE}/requests.xml", query)
    assert response.status_code == 400
    assert xml_errors(response) == [message]


def test_the_list_costs_the_same_queries_for_two_reports_or_five(client, city, siti, bayu, tangsi, media):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{BASE}/requests.json").status_code == 200
        return len(captured)

    for n in range(2):
        do_verify(bayu, citizen_report(siti, tangsi, photos=[photo()], description=f"Lubang {n}."))
    with_two = queries_for_list()
    for n in range(3):
        report = do_verify(bayu, citizen_report(siti, tangsi, photos=[photo()], description=f"Lubang lagi {n}."))
        do_disposition(bayu, report)
    assert queries_for_list() == with_two


def test_one_request_by_its_number_in_json_and_xml(client, city, siti, bayu, tangsi):
    report = do_verify(bayu, citizen_report(siti, tangsi))

    [entry] = client.get(f"{BASE}/requests/{report.number}.json").json()
    assert entry["service_request_id"] == report.number and entry["status_detail"] == "verified"
    root = xml(client.get(f"{BASE}/requests/{report.number}.xml"))
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == REQUEST_FIELDS


@pytest.mark.parametrize("number", ["LP-2026-9999999", "LP-2019-0000001", "laporan-saya", "LP-2026-" + "9" * 30])
def test_an_unknown_request_is_404(client, city, siti, tangsi, number):
    citizen_report(siti, tangsi)
    response = client.get(f"{BASE}/requests/{number}.json")
    assert response.status_code == 404
    assert errors(response) == [f"service_request_id: laporan '{number}' tidak ditemukan."]
    assert xml_errors(client.get(f"{BASE}/requests/{number}.xml")) == [
        f"service_request_id: laporan '{number}' tidak ditemukan."
    ]


def test_an_app_follows_its_report_before_it_is_public_without_its_content(client, city, tangsi, app_key, bayu):
    number = post_form(client, pothole_form(app_key, tangsi)).json()[0]["service_request_id"]
    [entry] = client.get(f"{BASE}/requests/{number}.json").json()
    assert (entry["status"], entry["status_detail"], entry["status_notes"]) == ("open", "submitted", None)

    receive(Report.objects.get())
    [entry] = client.get(f"{BASE}/requests/{number}.json").json()
    assert (entry["status"], entry["status_detail"]) == ("open", "received")
    assert entry["status_notes"] == "Laporan diterima dan menunggu verifikasi."
    # Not checked by the Command Center yet: its text, place and photo stay private.
    assert entry["description"] is None and entry["address"] is None and entry["lat"] is None
    assert entry["media_url"] is None
    # The same through the service_request_id filter, which overrides the others.
    assert client.get(f"{BASE}/requests.json", {"service_request_id": number}).json() == [entry]

    do_reject(bayu, Report.objects.get(), "Laporan berisi iklan, bukan masalah kota.")
    [entry] = client.get(f"{BASE}/requests/{number}.json").json()
    assert (entry["status"], entry["status_detail"]) == ("closed", "rejected")
    assert entry["status_notes"] == "Laporan ditolak. Alasan: Laporan berisi iklan, bukan masalah kota."
    assert entry["description"] is None


def test_several_requests_by_number_at_once(client, city, siti, bayu, tangsi):
    first = do_verify(bayu, citizen_report(siti, tangsi))
    second = do_verify(bayu, citizen_report(siti, tangsi, description="Lubang kedua."))
    Report.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=200))
    first.refresh_from_db()
    numbers = f"{first.number}, {second.number},LP-2026-7777777"
    listed = client.get(f"{BASE}/requests.json", {"service_request_id": numbers, "status": "closed"}).json()
    # Outside the 90-day window and open, yet listed: service_request_id overrides the other filters.
    assert [entry["service_request_id"] for entry in listed] == [second.number, first.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_gives_the_request_number(client, city, tangsi, app_key, fmt):
    receipt = post_form(client, pothole_form(app_key, tangsi))
    report = Report.objects.get()
    assert report.open311_token and report.open311_token in receipt.content.decode()

    response = client.get(f"{BASE}/tokens/{report.open311_token}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == [{"service_request_id": report.number, "token": report.open311_token}]
    else:
        root = xml(response)
        assert root.tag == "service_requests" and children(root[0]) == ["service_request_id", "token"]
        assert root[0].findtext("service_request_id") == report.number

    response = client.get(f"{BASE}/tokens/bukan-token.{fmt}")
    assert response.status_code == 404
    assert (errors if fmt == "json" else xml_errors)(response) == ["token: 'bukan-token' tidak ditemukan."]


# --- The whole story, privacy, and the edges of the endpoint ---------------------------------------


def test_a_report_filed_through_open311_goes_through_the_same_lifecycle(
    client, city, tangsi, app_key, bayu, budi, media
):
    receipt = client.post(f"{BASE}/requests.json", {**pothole_form(app_key, tangsi), "media": photo()}).json()
    number = receipt[0]["service_request_id"]
    report = receive(Report.objects.get())
    assert report.number == number

    def entry():
        [found] = client.get(f"{BASE}/requests/{number}.json").json()
        listed = [e for e in client.get(f"{BASE}/requests.json").json() if e["service_request_id"] == number]
        assert listed in ([], [found])
        return found, bool(listed)

    assert entry()[0]["status_detail"] == "received" and entry()[1] is False

    do_verify(bayu, report)
    found, listed = entry()
    assert (found["status"], found["status_detail"], listed) == ("open", "verified", True)
    assert found["media_url"] == f"http://testserver/laporan/{number}/foto/{report.photos.get().pk}/"

    do_disposition(bayu, report)
    found, _ = entry()
    assert (found["status"], found["status_detail"]) == ("open", "dispositioned")
    # Expected: when the resolution clock started at disposition runs out (14 working days for potholes).
    due = clock.live_deadlines_for(report).get(kind="report.resolve").due_at
    assert found["expected_datetime"] == timezone.localtime(due, city.zone).isoformat(timespec="seconds")
    assert found["status_notes"].startswith("Laporan diteruskan ke Dinas Pekerjaan Umum")

    do_start_work(budi, report, "Penambalan dijadwalkan Kamis.")
    assert entry()[0]["status_detail"] == "in_progress"
    # The notes are the newest public timeline entry; an internal note never shows.
    do_add_note(budi, report, "Aspal habis di gudang, pinjam dari Dinas Perkim.", public=False)
    found, _ = entry()
    assert (
        found["status_notes"]
        == public_timeline(report)[-1].text
        == "Sedang ditindaklanjuti: Penambalan dijadwalkan Kamis."
    )

    do_resolve(budi, report, "Lubang sudah ditambal.", [photo(name="bukti.jpg")])
    found, _ = entry()
    # Resolved is "closed" to Open311 (the reporter may still reopen it within 7 days: then "open" again).
    assert (found["status"], found["status_detail"]) == ("closed", "resolved")
    assert found["status_notes"] == "Selesai ditangani: Lubang sudah ditambal."
    assert found["expected_datetime"] is None

    close_resolved_reports(timezone.now() + timedelta(days=8))
    found, _ = entry()
    assert (found["status"], found["status_detail"]) == ("closed", "closed")
    # The reporter, who has no account, heard of every public move at the contact the app gave.
    assert Notification.objects.filter(recipient="rudi.hartono@example.org").count() == 6


def test_no_output_ever_carries_who_reported(client, city, siti, bayu, tangsi, app_key):
    posted = post_form(client, pothole_form(app_key, tangsi))
    do_verify(bayu, receive(Report.objects.get()))
    do_verify(bayu, citizen_report(siti, tangsi))
    report = Report.objects.get(client__isnull=False)

    outputs = [
        posted,
        post_form(client, pothole_form(app_key, tangsi), fmt="xml"),
        client.get(f"{BASE}/requests.json"),
        client.get(f"{BASE}/requests.xml"),
        client.get(f"{BASE}/requests/{report.number}.json"),
        client.get(f"{BASE}/requests/{report.number}.xml"),
        client.get(f"{BASE}/tokens/{report.open311_token}.xml"),
    ]
    personal = [
        "Rudi", "Hartono", "rudi.hartono@example.org", "7777", "tt222111", "123456",
        "Siti", "Aminah", SITI_NIK, "siti@example.org", "81234567801",
    ]  # fmt: skip
    for response in outputs:
        assert response.status_code == 200
        text = response.content.decode()
        assert not [word for word in personal if word in text], text


def test_an_unknown_jurisdiction_is_404_and_ours_is_accepted(client, city, settings):
    settings.SITE_URL = "https://www.binjaikota.go.id"
    for jurisdiction in ("binjai", "binjaikota.go.id", "www.binjaikota.go.id"):
        assert client.get(f"{BASE}/services.json", {"jurisdiction_id": jurisdiction}).status_code == 200
    response = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    assert xml_errors(response) == ["jurisdiction_id: 'sfgov.org' tidak dikenal; gunakan binjai atau binjaikota.go.id."]


def test_an_unsupported_format_or_method_is_400_and_an_unknown_path_404(client, city):
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 400
    assert xml_errors(response) == ["Format '.csv' tidak didukung; gunakan .xml atau .json."]

    response = client.put(f"{BASE}/services.json")
    assert response.status_code == 400
    assert errors(response) == ["Metode PUT tidak didukung di alamat ini."]

    response = client.get(f"{BASE}/layanan.json")
    assert response.status_code == 404
    assert errors(response) == [
        "Alamat '/open311/v2/layanan.json' tidak ada; lihat discovery.xml untuk metode Open311."
    ]
    assert client.get(f"{BASE}/layanan").status_code == 404 and xml(client.get(f"{BASE}/layanan")).tag == "errors"


def test_text_xml_cannot_carry_is_left_out_of_the_xml(client, city, siti, bayu, tangsi):
    do_verify(bayu, citizen_report(siti, tangsi, description="Lubang\x0b besar\x1b."))
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root[0].findtext("description") == "Lubang besar."
    assert client.get(f"{BASE}/requests.json").json()[0]["description"] == "Lubang\x0b besar\x1b."


def test_a_nul_character_is_refused_before_it_reaches_the_database(client, city, tangsi, app_key):
    response = post_form(client, pothole_form(app_key, tangsi, description="Lubang\x00besar."))
    assert response.status_code == 400
    assert errors(response) == ["description: berisi karakter NUL yang tidak diizinkan."]
    assert not Report.objects.exists()
    assert errors(client.get(f"{BASE}/requests.json", {"service_code": "jalan\x00"})) == [
        "service_code: berisi karakter NUL yang tidak diizinkan."
    ]
    assert errors(client.get(f"{BASE}/services/jalan%00rusak.json")) == [
        "code: berisi karakter NUL yang tidak diizinkan."
    ]
