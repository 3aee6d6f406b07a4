"""reports.exports.stats: the Command Center's e-Masyarakat figures, checked against a data set counted by hand.

The rows are written directly (not through the actions) so that every moment and clock
state is exactly what the expected figures below were worked out from.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from cities.models import City, Kelurahan, forget_current_city
from conftest import load_city_profile
from deadlines.models import Deadline
from reports.actions import CLOCK_PLAN, CLOCK_RESOLVE, CLOCK_VERIFY
from reports.exports import stats
from reports.models import Category, Report, Status

# Tuesday 17 March 2026, 10:00 in Binjai (WIB, UTC+7).
NOW = datetime(2026, 3, 17, 3, 0, tzinfo=UTC)
EARLY_MARCH = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def add_report(city, category, kelurahan, status, created, *, verified_after=None, resolved_after=None):
    category = Category.objects.get(city=city, code=category)
    kelurahan = Kelurahan.objects.select_related("kecamatan").get(name=kelurahan, kecamatan__city=city)
    return Report.objects.create(
        city=city,
        category=category,
        description="Data uji statistik.",
        kelurahan=kelurahan,
        kecamatan=kelurahan.kecamatan,
        opd=category.opd_for(kelurahan.kecamatan),
        status=status,
        address="Jl. Uji",
        created_at=created,
        verified_at=created + verified_after if verified_after else None,
        resolved_at=created + resolved_after if resolved_after else None,
    )


def add_clock(case, kind, state, *, opd, breached=False, near=False):
    return Deadline.objects.create(
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        kind=kind,
        title=f"{case}: {kind}",
        opd=opd,
        state=state,
        allowed_seconds=8 * 3600,
        due_at=NOW - HOUR if breached else NOW + 5 * HOUR,
        near_flagged_at=NOW - 2 * HOUR if near or breached else None,
        breached_at=NOW - HOUR if breached else None,
    )


@pytest.fixture
def figures(city):
    """Seven Binjai reports and their clocks; one Palu report that must not count."""
    opds = {opd.code: opd for opd in city.opds.all()}
    a = add_report(
        city, "jalan-rusak", "Tangsi", Status.CLOSED, EARLY_MARCH, verified_after=2 * HOUR, resolved_after=50 * HOUR
    )
    b = add_report(
        city, "drainase", "Tangsi", Status.RESOLVED, EARLY_MARCH, verified_after=4 * HOUR, resolved_after=10 * HOUR
    )
    c = add_report(city, "sampah", "Mencirim", Status.IN_PROGRESS, EARLY_MARCH, verified_after=9 * HOUR)
    f = add_report(
        city, "jalan-rusak", "Berngam", Status.CLOSED, EARLY_MARCH, verified_after=6 * HOUR, resolved_after=20 * HOUR
    )
    # 01:00 on 17 March in Binjai, still the 16th in UTC: "today" is the city's day.
    d = add_report(city, "jalan-rusak", "Mencirim", Status.RECEIVED, datetime(2026, 3, 16, 18, 0, tzinfo=UTC))
    # 06:00 on 1 March in Binjai, still February in UTC: "this month" is the city's month.
    e = add_report(city, "lampu-jalan", "Tangsi", Status.REJECTED, datetime(2026, 2, 28, 23, 0, tzinfo=UTC))
    g = add_report(city, "parkir-liar", "Tangsi", Status.RECEIVED, datetime(2026, 2, 27, 3, 0, tzinfo=UTC))

    add_clock(a, CLOCK_RESOLVE, Deadline.State.MET, opd=opds["dinas-pupr"])
    add_clock(a, CLOCK_PLAN, Deadline.State.MISSED, opd=opds["dinas-pupr"])  # not a resolution clock
    add_clock(b, CLOCK_RESOLVE, Deadline.State.MISSED, opd=opds["dinas-pupr"], breached=True)  # finished: not open
    add_clock(f, CLOCK_RESOLVE, Deadline.State.MET, opd=opds["dinas-pupr"])
    add_clock(c, CLOCK_RESOLVE, Deadline.State.RUNNING, opd=opds["dlh"], breached=True)
    add_clock(d, CLOCK_VERIFY, Deadline.State.RUNNING, opd=opds["diskominfo"], breached=True)
    add_clock(e, CLOCK_VERIFY, Deadline.State.CANCELLED, opd=opds["diskominfo"])
    add_clock(g, CLOCK_VERIFY, Deadline.State.RUNNING, opd=opds["diskominfo"], near=True)  # near, not breached
    # Another kind of case with a clock of the same name and OPD: not a report, not counted.
    add_clock(a.category, CLOCK_RESOLVE, Deadline.State.MISSED, opd=opds["dinas-pupr"])

    palu = load_city_profile("palu")
    forget_current_city()
    palu_report = add_report(palu, "jalan-rusak", "Lere", Status.IN_PROGRESS, NOW - HOUR, verified_after=HOUR / 2)
    add_clock(palu_report, CLOCK_RESOLVE, Deadline.State.RUNNING, opd=palu.opds.get(code="dinas-pupr"), breached=True)
    return City.objects.get(pk=city.pk)


def test_counts_by_status_category_opd_and_kecamatan(figures):
    result = stats(figures, now=NOW)

    assert result["total"] == 7
    assert result["open"] == 3  # two received, one in progress
    assert result["by_status"] == {"closed": 2, "resolved": 1, "in_progress": 1, "received": 2, "rejected": 1}
    assert result["by_category"] == {"jalan-rusak": 3, "drainase": 1, "sampah": 1, "lampu-jalan": 1, "parkir-liar": 1}
    assert result["by_opd"] == {"dinas-pupr": 4, "dlh": 1, "dishub": 2}
    assert result["by_kecamatan"] == {"Binjai Kota": 5, "Binjai Timur": 2}


def test_today_and_this_month_are_the_citys_own_day_and_month(figures):
    result = stats(figures, now=NOW)

    assert result["received_today"] == 1  # the report of 01:00 WIB
    assert result["received_this_month"] == 6  # all but the one of 27 February


def test_median_hours_to_verify_and_to_resolve_are_wall_clock_hours_from_submission(figures):
    result = stats(figures, now=NOW)

    # Verified after 2, 4, 6 and 9 hours: the median of an even count lies halfway, (4 + 6) / 2.
    assert result["median_hours_to_verify"] == 5.0
    # Resolved after 10, 20 and 50 hours.
    assert result["median_hours_to_resolve"] == 20.0


def test_sla_compliance_counts_each_opds_finished_resolution_clocks(figures):
    result = stats(figures, now=NOW)

    # PUPR: two met (A, F), one missed (B); the plan clock and the non-report clock are left out.
    # DLH's resolution clock is still running, so DLH has no verdict yet.
    assert result["sla_by_opd"] == {"dinas-pupr": {"met": 2, "missed": 1, "share_met": 0.667}}


def test_open_breaches_are_the_live_report_clocks_past_their_deadline(figures):
    result = stats(figures, now=NOW)

    # C's resolution (DLH) and D's verification (the Command Center's Diskominfo); B's breach is over,
    # G is only near its deadline, and the Palu breach belongs to another city.
    assert result["open_breaches"] == {"dlh": 1, "diskominfo": 1}


def test_a_city_without_reports_has_zeros_and_no_medians(city):
    result = stats(city, now=NOW)

    assert result["total"] == result["open"] == result["received_today"] == 0
    assert result["by_status"] == result["by_opd"] == result["sla_by_opd"] == result["open_breaches"] == {}
    assert result["median_hours_to_verify"] is None and result["median_hours_to_resolve"] is None
