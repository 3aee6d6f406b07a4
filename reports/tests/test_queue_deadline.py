"""The OPD work queue sorts by deadline: each report carries the due moment of its nearest live clock."""

import pytest

from deadlines.models import Deadline
from reports import actions
from reports.queries import opd_queue
from reports.tests.test_actions import photo, submit

pytestmark = pytest.mark.usefixtures("media")


def nearest_live_due(report):
    return Deadline.objects.for_case(report).live().order_by("due_at").values_list("due_at", flat=True).first()


def stored_due(report):
    report.refresh_from_db(fields=["due_at"])
    return report.due_at


def test_the_due_moment_follows_the_clocks_through_a_reports_life(siti, bayu, budi, tangsi):
    report = submit(siti, tangsi)
    assert stored_due(report) == nearest_live_due(report) is not None  # three working days to verify

    actions.do_verify(bayu, report)
    assert stored_due(report) is None  # waiting for disposition: no clock runs

    actions.do_disposition(bayu, report)
    plan = Deadline.objects.for_case(report).get(kind=actions.CLOCK_PLAN)
    assert stored_due(report) == nearest_live_due(report) == plan.due_at  # five days to plan come first

    actions.do_start_work(budi, report, "Penambalan dijadwalkan Kamis.")
    resolve = Deadline.objects.for_case(report).get(kind=actions.CLOCK_RESOLVE, state=Deadline.State.RUNNING)
    assert stored_due(report) == resolve.due_at

    actions.do_resolve(budi, report, "Lubang sudah ditambal.", [photo("bukti.jpg")])
    assert stored_due(report) is None

    actions.do_reopen(siti, report, "Lubangnya muncul lagi.")
    assert stored_due(report) == nearest_live_due(report) is not None


def test_a_report_handed_back_or_refused_leaves_no_due_moment(siti, bayu, budi, tangsi):
    handed_back = submit(siti, tangsi)
    actions.do_verify(bayu, handed_back)
    actions.do_disposition(bayu, handed_back)
    actions.do_return_to_coordinator(budi, handed_back, "Ini jalan provinsi, bukan jalan kota.")
    refused = submit(siti, tangsi)
    actions.do_reject(bayu, refused, "Laporan tidak jelas.")
    assert stored_due(handed_back) is None
    assert stored_due(refused) is None


def test_budis_queue_puts_the_nearest_deadline_first(siti, bayu, budi, tangsi):
    road = submit(siti, tangsi)
    drain = submit(siti, tangsi, category_code="drainase", attributes={})
    for report in (road, drain):
        actions.do_verify(bayu, report)
        actions.do_disposition(bayu, report)
    actions.do_start_work(budi, road, "Penambalan dijadwalkan Kamis.")
    # The road's plan is in; its 14-day resolution is due after the drain's 5-day plan.
    queue = list(opd_queue(budi, sort="tenggat"))
    assert queue == [drain, road]
    assert [r.due_at for r in queue] == [nearest_live_due(drain), nearest_live_due(road)]


def test_the_queue_pages_by_deadline_without_gap_or_overlap_and_the_undated_come_last(
    client, siti, bayu, budi, tangsi, monkeypatch
):
    from reports.models import Report
    from reports.views import officer

    monkeypatch.setattr(officer, "PAGE_SIZE", 3)
    reports = []
    for _ in range(7):
        report = submit(siti, tangsi, photos=[])
        actions.do_verify(bayu, report)
        actions.do_disposition(bayu, report)
        reports.append(report)
    undated = reports[1:3]  # e.g. clocks cancelled: no due moment, shown after the dated ones
    Report.objects.filter(pk__in=[r.pk for r in undated]).update(due_at=None)
    dated = Report.objects.filter(pk__in=[r.pk for r in reports], due_at__isnull=False).order_by("due_at", "id")
    expected = [r.number for r in dated] + [r.number for r in undated]

    client.force_login(budi)
    seen, cursor = [], None
    while True:
        response = client.get("/petugas/laporan/", {"setelah": cursor} if cursor else {})
        assert response.status_code == 200
        rows = response.context["rows"]
        assert len(rows) <= 3
        seen += [row.report.number for row in rows]
        cursor = response.context["next_cursor"]
        if not cursor:
            break

    assert seen == expected
