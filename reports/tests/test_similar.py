"""While Andi writes his report, Siti's open report on the same spot is suggested, so he backs it instead."""

import math
import re

import pytest
from django.urls import reverse

from cities.models import Kelurahan
from reports import actions
from reports.models import Report
from reports.similar import RADIUS_M, similar_open_reports, text_similarity, words
from reports.tests.conftest import TANGSI_POINT, photo, receive
from reports.tests.test_citizen_pages import NEW, report_form

pytestmark = pytest.mark.usefixtures("media")

POTHOLE = "Jalan berlubang besar dan dalam di depan sekolah, motor sering jatuh."
ANDI_TYPES = "Ada lubang besar di jalan depan sekolah, berbahaya untuk motor."
METRES_PER_DEGREE = 111_195  # along a meridian, on the sphere cities.geo uses


def north_east_of(point, north_m, east_m=0.0):
    lat, lon = point
    return lat + north_m / METRES_PER_DEGREE, lon + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


def open_report(reporter, kelurahan, bayu, point=TANGSI_POINT, *, description=POTHOLE, category="jalan-rusak"):
    """A report the Command Center has verified: public and open, so it can be supported."""
    report = actions.do_submit_report(
        reporter=reporter,
        category_code=category,
        description=description,
        kelurahan_id=kelurahan.pk,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        address="" if point else "Jl. Tangsi",
        attributes={"tingkat_kerusakan": "sedang"} if category == "jalan-rusak" else {},
    )
    receive(report)
    actions.do_verify(bayu, report)
    return report


def suggested(city, **query):
    return [s.report for s in similar_open_reports(city, **query)]


# --- Words ---------------------------------------------------------------------------------------------


def test_words_drop_stop_words_case_and_the_possessive_nya():
    assert words("Lubangnya ADA di depan rumah saya, sudah 2 minggu!") == {"lubang", "rumah", "minggu"}


def test_text_similarity_is_shared_words_over_all_words():
    assert text_similarity({"lubang", "jalan"}, {"lubang", "jalan", "sekolah", "motor"}) == 0.5
    assert text_similarity(set(), {"lubang"}) == 0.0


# --- Close in place ------------------------------------------------------------------------------------


def test_a_report_100_m_away_with_similar_words_is_suggested(city, siti, andi, tangsi, bayu):
    near = open_report(siti, tangsi, bayu, north_east_of(TANGSI_POINT, 100))

    suggestions = similar_open_reports(city, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], text=ANDI_TYPES)

    assert [s.report for s in suggestions] == [near]
    assert suggestions[0].distance_m == pytest.approx(100, abs=1)
    assert 0 < suggestions[0].score < 1


def test_a_report_300_m_away_is_not_suggested(city, siti, tangsi, bayu):
    open_report(siti, tangsi, bayu, north_east_of(TANGSI_POINT, 300))

    assert suggested(city, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], text=ANDI_TYPES) == []


def test_a_report_in_the_corner_of_the_search_box_but_beyond_150_m_is_not_suggested(city, siti, tangsi, bayu):
    corner = north_east_of(TANGSI_POINT, RADIUS_M - 10, RADIUS_M - 10)  # ~198 m away, inside the bounding box
    open_report(siti, tangsi, bayu, corner)

    assert suggested(city, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], text=ANDI_TYPES) == []


def test_closed_rejected_and_unverified_reports_are_not_suggested(city, siti, tangsi, bayu, budi):
    closed = open_report(siti, tangsi, bayu)
    actions.do_disposition(bayu, closed)
    actions.do_start_work(budi, closed, "Tambal")
    actions.do_resolve(budi, closed, "Sudah ditambal.", [photo()])
    actions.do_rate(siti, closed, 5)
    rejected = actions.do_submit_report(
        reporter=siti,
        category_code="sampah",
        description=POTHOLE,
        kelurahan_id=tangsi.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
    )
    receive(rejected)
    actions.do_reject(bayu, rejected, "Laporan ganda.")
    received = actions.do_submit_report(  # received, not yet verified: not public
        reporter=siti,
        category_code="sampah",
        description=POTHOLE,
        kelurahan_id=tangsi.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
    )
    receive(received)
    actions.do_submit_report(  # submitted, the intake has not run yet: not public either
        reporter=siti,
        category_code="sampah",
        description=POTHOLE,
        kelurahan_id=tangsi.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
    )

    assert suggested(city, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], text=ANDI_TYPES) == []


def test_nearer_and_more_alike_come_first_and_the_same_category_scores_higher(city, siti, tangsi, bayu):
    far_other_words = open_report(
        siti, tangsi, bayu, north_east_of(TANGSI_POINT, 120), description="Lampu taman padam.", category="lampu-jalan"
    )
    near_same_words = open_report(siti, tangsi, bayu, north_east_of(TANGSI_POINT, 20))
    same_spot_other_category = open_report(siti, tangsi, bayu, north_east_of(TANGSI_POINT, 60), category="drainase")
    same_spot_same_category = open_report(siti, tangsi, bayu, north_east_of(TANGSI_POINT, 60))

    ranked = suggested(city, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], text=ANDI_TYPES, category="jalan-rusak")

    assert ranked == [near_same_words, same_spot_same_category, same_spot_other_category, far_other_words]


def test_own_reports_are_left_out_and_the_limit_holds(city, siti, andi, tangsi, bayu):
    for _ in range(3):
        open_report(siti, tangsi, bayu)
    andis = open_report(andi, tangsi, bayu)

    assert andis not in suggested(city, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], text=POTHOLE, exclude_owner=andi)
    assert len(suggested(city, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], limit=2)) == 2


# --- Without a point: the same kelurahan, similar in words ------------------------------------------------------


def test_without_a_point_similar_words_in_the_same_kelurahan_are_suggested(city, siti, tangsi, bayu):
    address_only = open_report(siti, tangsi, bayu, point=None)
    other_kelurahan = Kelurahan.objects.filter(kecamatan__city=city).exclude(pk=tangsi.pk).first()
    open_report(siti, other_kelurahan, bayu, point=None)
    open_report(siti, tangsi, bayu, point=None, description="Sampah menumpuk di pasar.", category="sampah")

    assert suggested(city, kelurahan=tangsi, text=ANDI_TYPES) == [address_only]


def test_one_shared_word_is_not_enough_without_a_point(city, siti, tangsi, bayu):
    open_report(siti, tangsi, bayu, point=None)

    assert suggested(city, kelurahan=tangsi, text="Motor parkir di trotoar.") == []


def test_nothing_to_go_on_suggests_nothing(city, siti, tangsi, bayu):
    open_report(siti, tangsi, bayu)

    assert suggested(city, text=ANDI_TYPES) == []
    assert suggested(city, kelurahan=tangsi, text="") == []


# --- The panel on the report form -------------------------------------------------------------------------------


def panel(client, **query):
    return client.get(reverse("reports:similar"), query)


def test_the_panel_suggests_a_nearby_report_with_a_me_too_button(client, siti, andi, tangsi, bayu):
    report = open_report(siti, tangsi, bayu, north_east_of(TANGSI_POINT, 100))
    client.force_login(andi)

    response = panel(client, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], description=ANDI_TYPES, category="jalan-rusak")

    page = response.content.decode()
    assert response.status_code == 200
    assert report.number in page and "sekitar 100 m dari titik Anda" in page
    assert f'action="{reverse("reports:support", args=[report.number])}"' in page
    assert "Dukung laporan ini (saya juga)" in page
    assert "Siti" not in page and siti.phone not in page


def test_me_too_from_the_suggestion_adds_support_and_the_panel_remembers_it(client, siti, andi, tangsi, bayu):
    report = open_report(siti, tangsi, bayu)
    client.force_login(andi)
    page = panel(client, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], description=ANDI_TYPES).content.decode()
    support_url = re.search(r'<form method="post" action="([^"]+)"', page).group(1)

    answer = client.post(support_url, headers={"HX-Request": "true"}).content.decode()

    assert "tercatat (1 warga mendukung)" in answer
    assert Report.objects.get(pk=report.pk).support_count == 1
    page = panel(client, lat=TANGSI_POINT[0], lon=TANGSI_POINT[1], description=ANDI_TYPES).content.decode()
    assert "Anda sudah mendukung laporan ini." in page and "Dukung laporan ini" not in page


def test_the_panel_survives_nonsense_input(client, siti, andi, tangsi, bayu):
    open_report(siti, tangsi, bayu)
    client.force_login(andi)

    response = panel(client, lat="utara", lon="1e999", kelurahan="x", description="")

    assert response.status_code == 200
    assert "Belum ada laporan terbuka yang mirip." in response.content.decode()


def test_the_panel_is_for_logged_in_citizens(client, budi, city):
    assert panel(client).status_code == 302
    client.force_login(budi)
    assert panel(client).status_code == 403


def test_a_refused_form_shows_the_suggestions_without_javascript(client, siti, andi, tangsi, bayu):
    report = open_report(siti, tangsi, bayu)
    client.force_login(andi)

    response = client.post(NEW, report_form(tangsi, description=ANDI_TYPES, kelurahan=""))

    assert response.status_code == 400
    assert report.number in response.content.decode()
