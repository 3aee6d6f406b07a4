"""`manage.py load_demo` files Binjai's e-Masyarakat demo reports through the actions, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import demo_nik
from accounts.models import User
from cities.geo import distance_m
from deadlines.models import Deadline
from reports.demo import BINJAI, KELURAHAN_SPOTS
from reports.exports import stats
from reports.models import Photo, Report, Status

pytestmark = pytest.mark.usefixtures("media")


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_the_demo_has_reports_at_every_stage_of_the_pipeline(city, debug):
    output = load_demo()

    assert f"Laporan demo e-Masyarakat: {len(BINJAI)} dibuat, 0 sudah ada." in output
    reports = Report.objects.filter(city=city)
    assert reports.count() == len(BINJAI) >= 30
    # Every status but 'submitted': the intake receives a report moments after it is filed.
    assert set(reports.values_list("status", flat=True)) == set(Status) - {Status.SUBMITTED}
    assert reports.filter(anonymous=True).count() == 1
    assert reports.get(status=Status.DUPLICATE).duplicate_of.status == Status.IN_PROGRESS
    for report in reports.filter(status__in=[Status.RESOLVED, Status.CLOSED]):
        assert report.photos.filter(kind=Photo.Kind.PROOF).exists()
        assert report.created_at < report.verified_at < report.resolved_at
    assert all(report.rating for report in reports.filter(status=Status.CLOSED))
    assert {r.category.code for r in reports} >= {"jalan-rusak", "sampah", "lampu-jalan", "banjir", "drainase"}


def test_demo_reports_lie_in_binjai_near_their_kelurahan(city, debug):
    load_demo()

    for report in Report.objects.select_related("kelurahan"):
        assert city.contains(report.lat, report.lon)
        assert distance_m(report.lat, report.lon, *KELURAHAN_SPOTS[report.kelurahan.name]) < 400


def test_one_report_is_near_its_deadline_and_one_is_past_it(city, debug):
    load_demo()

    # The demo applications of e-Perizinan have clocks too (one of them late); these are the reports'.
    near = Deadline.objects.near().filter(kind__startswith="report.").get()
    breached = Deadline.objects.breached().filter(kind__startswith="report.").get()
    assert near.case.status == Status.RECEIVED and near.kind == "report.verify"
    assert breached.case.status == Status.IN_PROGRESS and breached.kind == "report.resolve"
    figures = stats(city)
    assert figures["open_breaches"] == {breached.opd.code: 1}
    assert figures["median_hours_to_verify"] == 3.0


def test_rina_the_demo_citizen_finds_her_reports_in_several_states(city, debug):
    load_demo()

    rina = User.objects.get(login_id=demo_nik(city))
    assert set(rina.reports.values_list("status", flat=True)) == {
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.CLOSED,
    }


def test_loading_the_demo_again_files_nothing_twice(city, debug):
    load_demo()
    counts = Report.objects.count(), Photo.objects.count(), User.objects.count()

    output = load_demo()

    assert f"Laporan demo e-Masyarakat: 0 dibuat, {len(BINJAI)} sudah ada." in output
    assert (Report.objects.count(), Photo.objects.count(), User.objects.count()) == counts


def test_a_city_without_demo_reports_gets_only_the_demo_users(palu, debug):
    output = load_demo()

    assert "Laporan demo e-Masyarakat: 0 dibuat, 0 sudah ada." in output
    assert not Report.objects.exists()
