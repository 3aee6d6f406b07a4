"""The public map in a real browser: points from the GeoJSON endpoint, even when the map tiles cannot load."""

import re

import pytest
from playwright.sync_api import expect

from reports import actions
from reports.tests.conftest import TANGSI_POINT, receive

pytestmark = pytest.mark.browser

TILE_HOST = "tile.openstreetmap.org"
POINTS = [TANGSI_POINT, (3.6201, 98.4952), (3.5702, 98.4851)]


def public_report(citizen, kelurahan, coordinator, point, category="drainase"):
    report = actions.do_submit_report(
        reporter=citizen,
        category_code=category,
        description="Parit tersumbat sampah, air meluap ke jalan saat hujan.",
        kelurahan_id=kelurahan.pk,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        address="Jl. Jenderal Sudirman",
    )
    receive(report)
    actions.do_verify(coordinator, report)
    return report


@pytest.fixture
def reports_on_the_map(siti, bayu, tangsi):
    shown = [public_report(siti, tangsi, bayu, point) for point in POINTS]
    without_point = public_report(siti, tangsi, bayu, None)
    # Not verified yet: on neither the map nor the list.
    unverified = actions.do_submit_report(
        reporter=siti,
        category_code="drainase",
        description="Belum diverifikasi.",
        kelurahan_id=tangsi.pk,
        lat=POINTS[0][0],
        lon=POINTS[0][1],
    )
    receive(unverified)
    return shown, without_point


def test_the_map_shows_the_reports_while_tiles_fail_and_nothing_else_leaves_the_server(
    city, reports_on_the_map, page, request_log
):
    shown, without_point = reports_on_the_map
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # As offline: every tile request fails.
    page.route(re.compile(rf"https://{re.escape(TILE_HOST)}/.*"), lambda route: route.abort())

    page.goto("/laporan/")

    expect(page.locator("#peta-laporan .leaflet-marker-icon")).to_have_count(len(POINTS))
    expect(page.locator("#peta-status")).to_have_text("3 laporan tampil di peta.")
    for report in [*shown, without_point]:
        expect(page.locator(".report-list")).to_contain_text(report.number)
    page.locator("#peta-laporan .leaflet-marker-icon").first.click()
    expect(page.locator(".leaflet-popup-content a")).to_have_text(re.compile(r"LP-\d{4}-\d{7}"))
    page.wait_for_load_state("networkidle")
    foreign = request_log.foreign()
    assert foreign, "the map should have asked for tiles"
    assert [url for url in foreign if not url.startswith(f"https://{TILE_HOST}/")] == []
    assert errors == []


def test_the_map_follows_the_filters_and_works_without_any_tile_server(
    city, reports_on_the_map, siti, bayu, tangsi, page, request_log, settings
):
    settings.KC_MAP_TILE_URL = ""
    rubbish = public_report(siti, tangsi, bayu, POINTS[1], category="sampah")

    page.goto("/laporan/?category=sampah")

    expect(page.locator("#peta-laporan .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator(".report-list")).to_contain_text(rubbish.number)
    page.wait_for_load_state("networkidle")
    assert request_log.foreign() == []


def test_a_report_page_shows_its_point(city, reports_on_the_map, page, request_log, settings):
    settings.KC_MAP_TILE_URL = ""
    shown, _ = reports_on_the_map

    page.goto(f"/laporan/{shown[0].number}/")

    expect(page.locator("#peta-laporan .leaflet-marker-icon")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert request_log.foreign() == []
