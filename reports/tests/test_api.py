"""The e-Masyarakat API for the public and for citizens: reading, submitting, supporting, reopening, rating."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cities.models import Kelurahan
from core.testing import api_client as api
from core.testing import api_error as error
from reports import actions
from reports.models import Photo, Report, Status
from reports.tests.conftest import MEDAN_POINT, TANGSI_POINT, photo, receive

pytestmark = pytest.mark.usefixtures("media")

DESCRIPTION = "Lubang besar di Jalan Tangsi depan sekolah, sudah dua minggu."
ROAD_DAMAGE = {"tingkat_kerusakan": "sedang"}  # the damaged-road category asks how bad it is


def shows_no_personal_data(response, citizen):
    body = response.content.decode()
    return citizen.login_id not in body and citizen.phone not in body and citizen.email not in body


def submit(reporter, kelurahan, **overrides):
    """A report filed through the actions (the story's arrangement, not what is under test)."""
    values = dict(
        reporter=reporter,
        category_code="jalan-rusak",
        description=DESCRIPTION,
        kelurahan_id=kelurahan.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
        photos=[photo()],
        attributes=ROAD_DAMAGE,
    )
    values.update(overrides)
    return receive(actions.do_submit_report(**values))


def report_body(place, **overrides):
    body = {
        "category": "jalan-rusak",
        "description": DESCRIPTION,
        "kelurahan": place.pk,
        "lat": TANGSI_POINT[0],
        "lon": TANGSI_POINT[1],
        "attributes": ROAD_DAMAGE,
    }
    body.update(overrides)
    return body


def post_report(user, body, format="multipart"):
    if format == "multipart" and isinstance(body.get("attributes"), dict):
        body = {**body, "attributes": json.dumps(body["attributes"])}  # a form field carries the JSON as text
    return api(user).post("/api/v1/reports", body, format=format)


@pytest.fixture
def received(siti, tangsi):
    return submit(siti, tangsi)


@pytest.fixture
def verified(received, bayu):
    return actions.do_verify(bayu, received)


@pytest.fixture
def resolved(verified, bayu, budi):
    actions.do_disposition(bayu, verified)
    actions.do_start_work(budi, verified, "Penambalan dijadwalkan Kamis.")
    return actions.do_resolve(budi, verified, "Lubang sudah ditambal.", [photo("bukti.jpg")])


# --- reading what the city offers ---------------------------------------------------------------


def test_anybody_reads_the_categories_with_their_open311_attributes(city):
    response = api().get("/api/v1/reports/categories")

    assert response.status_code == 200
    road = next(c for c in response.json() if c["code"] == "jalan-rusak")
    assert road["name"] == "Jalan rusak" and road["group"] == "Infrastruktur"
    assert road["attributes"][0]["code"] == "tingkat_kerusakan"
    assert [v["key"] for v in road["attributes"][0]["values"]] == ["ringan", "sedang", "berat"]


def test_anybody_reads_the_kelurahan_a_report_can_name(city, tangsi):
    response = api().get("/api/v1/reports/kelurahan")

    assert response.status_code == 200
    assert {"id": tangsi.pk, "name": "Tangsi", "kecamatan_id": tangsi.kecamatan_id, "kecamatan": "Binjai Kota"} in (
        response.json()
    )
    assert len(response.json()) == Kelurahan.objects.filter(kecamatan__city=city).count()


# --- submitting -----------------------------------------------------------------------------------


def test_siti_posts_a_report_with_photos_and_gets_its_number_at_once(siti, tangsi):
    body = report_body(tangsi, attributes={"tingkat_kerusakan": "berat"}, anonymous="true")
    body["photos"] = [photo("depan.jpg"), photo("dekat.png", "PNG")]

    response = post_report(siti, body)

    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert response.json()["number"] == report.number
    assert response["Location"] == f"http://testserver/api/v1/reports/{report.number}" == response.json()["url"]
    assert response.json()["status"] == Status.SUBMITTED
    assert report.owner == siti and report.anonymous and report.attributes == {"tingkat_kerusakan": "berat"}
    assert report.photos.filter(kind=Photo.Kind.REPORT).count() == 2
    assert report.opd.code == "dinas-pupr"


def test_a_report_without_photos_can_be_posted_as_json_located_by_address(siti, tangsi):
    body = report_body(tangsi, lat=None, lon=None, address="Jl. Tangsi No. 10")

    response = post_report(siti, body, format="json")

    assert response.status_code == 201, response.content
    assert Report.objects.get().address == "Jl. Tangsi No. 10"
    assert Report.objects.get().lat is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": "x" * 4001}, "description", "paling panjang 4000 karakter"),
        ({"lat": MEDAN_POINT[0], "lon": MEDAN_POINT[1]}, "location", "di luar wilayah Kota Binjai"),
        ({"photos": "fake"}, "photos", "bukan foto JPEG, PNG atau WebP"),
        ({"photos": "six"}, "photos", "Paling banyak 5 foto"),
        ({"category": "ufo"}, "category", "Pilih kategori"),
        ({"kelurahan": 999999}, "kelurahan", "Pilih kelurahan"),
        ({"lat": "utara"}, "lat", "angka"),
        ({"attributes": "[1, 2]"}, "attributes", "objek"),
        ({"attributes": {}}, "attribute[tingkat_kerusakan]", "wajib diisi"),
    ],
)
def test_bad_reports_get_400_naming_the_field_and_nothing_is_filed(siti, tangsi, overrides, field, message):
    files = {
        "fake": [SimpleUploadedFile("jalan.jpg", b"bukan foto, hanya teks", content_type="image/jpeg")],
        "six": [photo(f"{n}.jpg") for n in range(6)],
    }
    body = report_body(tangsi, **overrides)
    if "photos" in overrides:
        body["photos"] = files[overrides["photos"]]

    response = post_report(siti, body)

    assert response.status_code == 400
    assert message in " ".join(error(response)["fields"][field])
    assert error(response)["code"] == "invalid"
    assert not Report.objects.exists()


def test_posting_without_logging_in_is_401(city, tangsi):
    response = post_report(None, report_body(tangsi), format="json")

    assert response.status_code == 401
    assert error(response)["message"]
    assert not Report.objects.exists()


def test_an_officer_cannot_post_a_citizen_report(budi, tangsi):
    response = post_report(budi, report_body(tangsi), format="json")

    assert response.status_code == 403
    assert "warga" in error(response)["message"]
    assert not Report.objects.exists()


# --- the public list and detail -----------------------------------------------------------------------


def test_the_public_list_shows_verified_reports_only_newest_first(siti, bayu, tangsi, received):
    older = actions.do_verify(bayu, submit(siti, tangsi))
    newer = actions.do_verify(bayu, submit(siti, tangsi, category_code="drainase"))

    response = api().get("/api/v1/reports")

    assert response.status_code == 200
    assert [item["number"] for item in response.json()["results"]] == [newer.number, older.number]
    assert response.json()["next"] is None


def test_the_public_list_pages_with_a_keyset_cursor(siti, bayu, tangsi):
    reports = [actions.do_verify(bayu, submit(siti, tangsi)) for _ in range(5)]
    newest_first = [r.number for r in reversed(reports)]

    first = api().get("/api/v1/reports", {"size": 2, "category": "jalan-rusak"}).json()
    second = api().get(first["next"]).json()
    third = api().get(second["next"]).json()

    assert [item["number"] for item in first["results"] + second["results"] + third["results"]] == newest_first
    assert "category=jalan-rusak" in first["next"] and "cursor=" in first["next"]
    assert third["next"] is None


def test_the_public_list_filters_by_category_status_kecamatan_and_date(siti, bayu, budi, tangsi, city):
    road = actions.do_verify(bayu, submit(siti, tangsi))
    drain = actions.do_verify(bayu, submit(siti, tangsi, category_code="drainase"))
    actions.do_disposition(bayu, drain)
    elsewhere = Kelurahan.objects.get(name="Mencirim")
    far = actions.do_verify(bayu, submit(siti, elsewhere, lat=3.6260, lon=98.5080))
    Report.objects.filter(pk=far.pk).update(created_at=timezone.now() - timedelta(days=40))

    def numbers(**query):
        response = api().get("/api/v1/reports", query)
        assert response.status_code == 200, response.content
        return {item["number"] for item in response.json()["results"]}

    assert numbers(category="drainase") == {drain.number}
    assert numbers(status="dispositioned") == {drain.number}
    assert numbers(kecamatan=elsewhere.kecamatan_id) == {far.number}
    today = timezone.localdate()
    assert numbers(date_from=today.isoformat()) == {road.number, drain.number}
    assert numbers(date_to=(today - timedelta(days=30)).isoformat()) == {far.number}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cursor": "bukan-kursor"}, "cursor"),
        ({"status": "received"}, "status"),
        ({"date_from": "kemarin"}, "date_from"),
        ({"date_from": "0001-01-01"}, "date_from"),  # its midnight in WIB is before year 1 in UTC
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"kecamatan": "Binjai Kota"}, "kecamatan"),
        ({"size": 1000}, "size"),
    ],
)
def test_bad_list_parameters_are_400(city, query, field):
    response = api().get("/api/v1/reports", query)

    assert response.status_code == 400
    assert field in error(response)["fields"]


def test_the_public_detail_has_the_timeline_and_no_personal_data(siti, verified):
    response = api().get(f"/api/v1/reports/{verified.number}")

    assert response.status_code == 200
    detail = response.json()
    assert detail["reporter"] == "Siti Aminah"
    assert [entry["text"] for entry in detail["timeline"]] == [
        "Laporan diterima dan menunggu verifikasi.",
        "Laporan telah diverifikasi oleh Command Center.",
    ]
    assert detail["photos"][0]["kind"] == "report"
    for secret in (siti.login_id, siti.phone, siti.email, "reopen_until", "rating_comment", "anonymous"):
        assert secret not in response.content.decode()


def test_an_anonymous_reporter_is_anonim_to_the_public_but_known_to_the_opd(siti, bayu, budi, tangsi):
    report = actions.do_verify(bayu, submit(siti, tangsi, anonymous=True))

    public = api().get(f"/api/v1/reports/{report.number}")
    listed = api().get("/api/v1/reports")
    officer = api(budi).get(f"/api/v1/officer/reports/{report.number}")

    assert public.json()["reporter"] == "Anonim" and listed.json()["results"][0]["reporter"] == "Anonim"
    for response in (public, listed):
        assert "Siti" not in response.content.decode() and siti.phone not in response.content.decode()
    assert officer.json()["reporter_contact"]["name"] == "Siti Aminah"


def test_a_report_not_yet_verified_is_404_except_to_its_reporter_and_the_opd(received, siti, andi, budi, dewi):
    path = f"/api/v1/reports/{received.number}"

    assert api().get(path).status_code == 404
    assert api(andi).get(path).status_code == 404
    assert api(dewi).get(path).status_code == 404
    assert api(budi).get(path).status_code == 200
    mine = api(siti).get(path)
    assert mine.status_code == 200 and mine.json()["anonymous"] is False


@pytest.mark.parametrize("number", ["LP-2026-9999999", "LP-1999-0000001", "bukan-nomor"])
def test_an_unknown_number_is_404(received, number):
    response = api().get(f"/api/v1/reports/{number}")

    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_photos_are_served_to_those_who_may_see_the_report(received, siti, andi, bayu):
    photo_id = received.photos.get().pk
    path = f"/api/v1/reports/{received.number}/photos/{photo_id}"

    assert api(andi).get(path).status_code == 404
    mine = api(siti).get(path, HTTP_ACCEPT="image/*")
    assert mine.status_code == 200 and b"".join(mine.streaming_content)[:2] == b"\xff\xd8"
    actions.do_verify(bayu, received)
    assert api().get(path).status_code == 200
    assert api().get(f"/api/v1/reports/{received.number}/photos/{photo_id + 1000}").status_code == 404


# --- the citizen's own reports, support, reopening, rating -----------------------------------------------


def test_siti_lists_her_own_reports_with_their_status_and_andi_sees_none_of_them(received, siti, andi):
    mine = api(siti).get("/api/v1/me/reports")
    his = api(andi).get("/api/v1/me/reports")

    assert mine.status_code == 200
    [item] = mine.json()["results"]
    assert (item["number"], item["category"], item["status"], item["status_label"]) == (
        received.number,
        "jalan-rusak",
        "received",
        "Diterima",
    )
    assert his.json()["results"] == []
    assert api().get("/api/v1/me/reports").status_code == 401


def test_andi_supports_sitis_verified_report_once(verified, andi):
    path = f"/api/v1/reports/{verified.number}/support"

    first = api(andi).post(path)
    again = api(andi).post(path)

    assert first.status_code == 200 and first.json()["support_count"] == 1
    assert again.status_code == 409 and "sudah mendukung" in error(again)["message"]


def test_support_is_refused_to_the_reporter_to_officers_and_to_strangers(verified, siti, budi):
    path = f"/api/v1/reports/{verified.number}/support"

    assert api(siti).post(path).status_code == 409
    assert api(budi).post(path).status_code == 403
    assert api().post(path).status_code == 401


def test_siti_reopens_within_seven_days_with_a_reason(resolved, siti):
    path = f"/api/v1/reports/{resolved.number}/reopen"

    empty = api(siti).post(path, {"reason": " "}, format="json")
    response = api(siti).post(path, {"reason": "Lubang muncul lagi setelah hujan."}, format="json")

    assert empty.status_code == 400 and "reason" in error(empty)["fields"]
    assert response.status_code == 200 and response.json()["status"] == Status.REOPENED


def test_reopening_after_seven_days_is_a_409(resolved, siti):
    Report.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now() - timedelta(days=8))

    response = api(siti).post(f"/api/v1/reports/{resolved.number}/reopen", {"reason": "Belum beres."}, format="json")

    assert response.status_code == 409
    assert "7 hari" in error(response)["message"]


def test_siti_rates_and_the_report_is_closed_once(resolved, siti):
    path = f"/api/v1/reports/{resolved.number}/rate"

    bad = api(siti).post(path, {"rating": 6}, format="json")
    rated = api(siti).post(path, {"rating": 5, "comment": "Cepat, terima kasih."}, format="json")
    again = api(siti).post(path, {"rating": 1}, format="json")

    assert bad.status_code == 400 and "1 sampai 5" in error(bad)["fields"]["rating"][0]
    assert rated.status_code == 200 and rated.json()["status"] == Status.CLOSED
    assert rated.json()["rating"] == 5 and rated.json()["rating_comment"] == "Cepat, terima kasih."
    assert again.status_code == 409


def test_andi_cannot_reopen_or_rate_sitis_report(resolved, received, andi, siti, tangsi):
    hidden = submit(siti, tangsi)  # not verified: Andi cannot even see it

    reopen = api(andi).post(f"/api/v1/reports/{resolved.number}/reopen", {"reason": "x"}, format="json")
    rate = api(andi).post(f"/api/v1/reports/{resolved.number}/rate", {"rating": 1}, format="json")
    unseen = api(andi).post(f"/api/v1/reports/{hidden.number}/rate", {"rating": 1}, format="json")

    assert reopen.status_code == 403 and rate.status_code == 403
    assert "pelapor" in error(rate)["message"]
    assert unseen.status_code == 404
    assert Report.objects.get(pk=resolved.pk).status == Status.RESOLVED


# --- similar reports while typing -------------------------------------------------------------------------


def test_similar_open_reports_nearby_are_offered_to_andi_to_support_instead(verified, andi, tangsi):
    query = {"lat": TANGSI_POINT[0] + 0.0003, "lon": TANGSI_POINT[1], "text": "Jalan Tangsi berlubang besar"}

    response = api(andi).get("/api/v1/reports/similar", query)

    assert response.status_code == 200
    [suggestion] = response.json()
    assert suggestion["report"]["number"] == verified.number
    assert 30 < suggestion["distance_m"] < 40
    assert "Siti" in suggestion["report"]["reporter"] and shows_no_personal_data(response, verified.owner)


def test_without_a_point_similar_words_in_the_same_kelurahan_count(verified, andi, tangsi):
    query = {"kelurahan": tangsi.pk, "text": "Lubang besar di jalan depan sekolah"}

    response = api().get("/api/v1/reports/similar", query)

    assert [s["report"]["number"] for s in response.json()] == [verified.number]
    assert response.json()[0]["distance_m"] is None


def test_nothing_similar_is_suggested_far_away_or_before_verification(received, andi):
    far = api(andi).get("/api/v1/reports/similar", {"lat": 3.6260, "lon": 98.5080, "text": "Jalan berlubang"})
    unverified = api(andi).get("/api/v1/reports/similar", {"lat": TANGSI_POINT[0], "lon": TANGSI_POINT[1]})

    assert far.json() == [] and unverified.json() == []


def test_similar_refuses_bad_parameters(city):
    bad_point = api().get("/api/v1/reports/similar", {"lat": "utara", "lon": 98.48})
    bad_place = api().get("/api/v1/reports/similar", {"kelurahan": 999999, "text": "jalan rusak"})

    assert bad_point.status_code == 400 and error(bad_point)["fields"]["lat"] == ["Harus berupa angka."]
    assert bad_place.status_code == 400 and "kelurahan" in error(bad_place)["fields"]
