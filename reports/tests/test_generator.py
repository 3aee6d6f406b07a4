"""generate_reports: bulk reports that look like a city's real history, for benchmarks and demos."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.nik import check_nik_for_city
from audit.models import AuditEvent
from core.pagination import keyset_page
from deadlines.models import Deadline
from notifications.models import Notification
from reports.actions import CLOCK_PLAN, CLOCK_RESOLVE, CLOCK_VERIFY
from reports.generator import PARTNER_APP_NAME, generate_reports
from reports.models import OPD_STATUSES, Open311Client, Report, Status, Support
from reports.queries import opd_queue, public_reports

COUNT = 1500
NOW = timezone.now().replace(microsecond=0)

# Which step timestamps each status has (all others are empty).
STEPS = ("verified_at", "dispositioned_at", "resolved_at", "closed_at")
STEPS_DONE = {
    Status.RECEIVED: set(),
    Status.VERIFIED: {"verified_at"},
    Status.DISPOSITIONED: {"verified_at", "dispositioned_at"},
    Status.IN_PROGRESS: {"verified_at", "dispositioned_at"},
    Status.RESOLVED: {"verified_at", "dispositioned_at", "resolved_at"},
    Status.REOPENED: {"verified_at", "dispositioned_at", "resolved_at"},
    Status.CLOSED: {"verified_at", "dispositioned_at", "resolved_at", "closed_at"},
    Status.REJECTED: set(),
    Status.NOT_AUTHORITY: set(),
    Status.DUPLICATE: set(),
}


@pytest.fixture
def generated(city):
    generate_reports(city, COUNT, seed=11, years=1, now=NOW)
    return list(Report.objects.select_related("category", "kelurahan", "owner").order_by("id"))


def is_open(report):
    return report.status in {Status.RECEIVED, Status.VERIFIED, *OPD_STATUSES}


def test_n_reports_of_the_city_with_the_opd_its_category_routes_to(city, generated):
    assert len(generated) == Report.objects.filter(city=city).count() == COUNT
    routes = {}
    for report in generated:
        key = (report.category_id, report.kecamatan_id)
        routes.setdefault(key, report.category.opd_for(report.kecamatan).pk)
        assert report.opd_id == routes[key]
        assert report.kelurahan.kecamatan_id == report.kecamatan_id
        assert 0 < len(report.description) <= 4000


def test_roads_rubbish_and_drains_are_reported_most(generated):
    most_common = [code for code, _ in Counter(r.category.code for r in generated).most_common(3)]
    assert set(most_common) == {"jalan-rusak", "sampah", "drainase"}


def test_every_point_is_inside_the_city_and_reports_without_one_have_an_address(city, generated):
    located = [r for r in generated if r.lat is not None]
    assert len(located) > COUNT * 0.8
    assert all(city.contains(r.lat, r.lon) for r in located)
    assert all(r.address for r in generated if r.lat is None)
    assert len({r.kelurahan_id for r in generated}) > 20  # spread over the city's kelurahan


def test_each_status_has_exactly_the_timestamps_of_the_steps_taken_in_order(generated):
    for report in generated:
        done = {step for step in STEPS if getattr(report, step) is not None}
        assert done == STEPS_DONE[Status(report.status)], report.status
        moments = [report.created_at, *(getattr(report, step) for step in STEPS if step in done)]
        assert moments == sorted(moments)
        assert moments[-1] <= report.updated_at <= NOW
        assert NOW - timedelta(days=366) <= report.created_at
    statuses = Counter(r.status for r in generated)
    assert set(statuses) >= {Status.CLOSED, Status.IN_PROGRESS, Status.REJECTED, Status.DUPLICATE}


def test_side_exits_and_follow_up_carry_their_details(generated):
    public_ids = {r.pk for r in generated if r.is_public}
    for report in generated:
        if report.status == Status.DUPLICATE:
            assert report.duplicate_of_id in public_ids and report.duplicate_of_id < report.pk
        else:
            assert report.duplicate_of_id is None
        assert bool(report.follow_up_plan) == (report.dispositioned_at is not None and report.status != "dispositioned")
        assert bool(report.resolution) == (report.resolved_at is not None)
        if report.rating is not None:
            assert report.status == Status.CLOSED and report.owner_id and 1 <= report.rating <= 5


def test_old_reports_are_mostly_closed_and_recent_ones_mostly_open(generated):
    old = [r for r in generated if r.created_at < NOW - timedelta(days=90)]
    recent = [r for r in generated if r.created_at > NOW - timedelta(days=3)]
    assert sum(map(is_open, old)) / len(old) < 0.1
    assert len(recent) >= 5
    assert sum(map(is_open, recent)) / len(recent) > 0.5


def test_officers_act_in_working_hours(city, generated):
    calendar = city.calendar()
    for report in generated:
        for moment in (report.verified_at, report.dispositioned_at):
            if moment is not None:
                assert calendar.next_working_moment(moment) == moment


def test_reporters_are_citizens_of_the_city_who_cannot_log_in(city, generated):
    citizens = list(User.objects.all())
    assert len(citizens) == COUNT // 15  # one per fifteen reports, some reporting often
    assert {r.owner for r in generated if r.owner_id} <= set(citizens)
    for citizen in citizens:
        check_nik_for_city(citizen.login_id, city)
        assert citizen.is_citizen and not citizen.has_usable_password() and citizen.is_verified
    assert any(r.anonymous for r in generated)
    app = Open311Client.objects.get(city=city, name=PARTNER_APP_NAME)
    assert not app.active  # its key opens nothing
    through_app = [r for r in generated if r.client_id]
    assert through_app
    assert all(r.owner_id is None and r.contact_name and r.open311_token for r in through_app)


def test_supporters_match_the_counts_and_never_back_their_own_report(generated):
    supports = Counter(Support.objects.values_list("report_id", flat=True))
    assert sum(supports.values()) > 0
    for report in generated:
        assert report.support_count == supports[report.pk]
        if report.support_count:
            assert report.verified_at is not None
    assert not Support.objects.filter(report__owner=F("user")).exists()


def test_open_reports_have_the_live_clocks_the_pipeline_would_have_started(city, generated):
    coordinator = city.opd_with_function("kominfo")
    for report in generated:
        live = {d.kind: d for d in Deadline.objects.for_case(report).live()}
        if report.status == Status.RECEIVED:
            assert set(live) == {CLOCK_VERIFY} and live[CLOCK_VERIFY].opd_id == coordinator.pk
        elif report.status == Status.DISPOSITIONED:
            assert set(live) == {CLOCK_PLAN, CLOCK_RESOLVE}
        elif report.status in OPD_STATUSES:
            assert set(live) == {CLOCK_RESOLVE} and live[CLOCK_RESOLVE].holder_id == report.assigned_to_id
        else:
            assert live == {}
        for deadline in live.values():
            assert report.status == Status.RECEIVED or deadline.opd_id == report.opd_id
            assert deadline.started_at < deadline.near_at < deadline.due_at
            # Past-due clocks count as escalated, so the scanner does not escalate generated history.
            assert (deadline.breached_at is not None) == (deadline.due_at <= NOW) == (deadline.escalated_at is not None)
        assert report.due_at == min((d.due_at for d in live.values()), default=None)


def test_the_opd_queue_sorts_generated_reports_by_their_deadline(generated, budi):
    queue = list(opd_queue(budi, sort="tenggat"))
    assert queue and all(r.opd_id == budi.opd_id for r in queue)
    assert [r.due_at for r in queue] == sorted(r.due_at for r in queue)


def test_no_audit_events_and_no_notifications_are_written(city):
    generate_reports(city, 200, seed=1, now=NOW)
    assert not AuditEvent.objects.exists()
    assert not Notification.objects.exists()


def test_running_again_adds_n_more_and_reuses_the_citizens(city):
    first = generate_reports(city, 300, seed=5, now=NOW)
    citizens = User.objects.count()
    second = generate_reports(city, 300, seed=5, now=NOW)
    assert Report.objects.count() == 600
    assert (first.citizens_created, second.citizens_created, second.citizens_reused) == (20, 0, 20)
    assert User.objects.count() == citizens


def test_the_same_seed_tells_the_same_story(city):
    generate_reports(city, 300, seed=5, now=NOW)
    generate_reports(city, 300, seed=5, now=NOW)
    rows = list(Report.objects.order_by("id").values_list("category_id", "kelurahan_id", "status", "created_at"))
    assert rows[:300] == rows[300:]


def test_public_list_pages_walk_every_public_report_once_newest_first(city, generated):
    seen, cursor = [], None
    while True:
        page = keyset_page(public_reports(city), cursor, size=100)
        seen += [(r.created_at, r.pk) for r in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == sum(r.is_public for r in generated)


@pytest.mark.postgres_only
def test_a_later_page_starts_at_the_cursor_in_the_index(city, generated):
    cursor = keyset_page(public_reports(city), None, size=20).next_cursor
    with CaptureQueriesContext(connection) as queries:
        keyset_page(public_reports(city), cursor, size=20)
    with connection.cursor() as db:
        db.execute("ANALYZE reports_report")
        db.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in db.fetchall())
    assert "Index Cond: (created_at <=" in plan


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_second_connection_writes_while_the_next_batch_is_built(city):
    assert not connection.in_atomic_block  # the generator pipelines only outside the caller's transaction
    result = generate_reports(city, 1200, seed=2, batch_size=300, now=NOW)
    assert result.reports == Report.objects.count() == 1200
    assert result.clocks == Deadline.objects.live().count()
    assert result.supports == Support.objects.count()


def test_the_command_reports_what_it_made_and_says_there_is_no_audit_trail(city):
    out = io.StringIO()
    call_command("generate_reports", "120", "--seed", "4", "--force", stdout=out)
    assert Report.objects.count() == 120
    assert "120 laporan" in out.getvalue() and "Tanpa peristiwa audit" in out.getvalue()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["0", "--force"], "paling sedikit 1"),
        (["10", "--years", "0", "--force"], "--years"),
        (["10"], "DEBUG mati"),
    ],
)
def test_the_command_refuses_bad_arguments_and_production(city, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_reports", *arguments, stdout=io.StringIO())
    assert not Report.objects.exists()


def test_the_command_needs_the_city_profile(db, settings):
    settings.CITY = "binjai"
    with pytest.raises(CommandError, match="load_city binjai"):
        call_command("generate_reports", "10", "--force", stdout=io.StringIO())
