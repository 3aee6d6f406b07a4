"""The report lists everybody reads: the public list/map, the OPD work queue, the coordinator's inbox.

The web pages, the API and Open311 all read through these, so the indexes in
reports.models serve them all.
"""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db.models import F

from accounts.permissions import SEES_ALL
from reports.models import OPD_STATUSES, PUBLIC_STATUSES, Report, Status

PUBLIC_FIELDS = ("category", "kecamatan", "kelurahan", "opd")
# The date filters' range: the city's zone moves the edges of Python's calendar out of range.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def check_filter_date(value):
    """Validator of the list's date filters (the page's form and the API's query)."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(f"Tanggal harus antara {EARLIEST_DATE:%d-%m-%Y} dan {LATEST_DATE:%d-%m-%Y}.")


def public_reports(city, *, category=None, status=None, kecamatan=None, date_from=None, date_to=None):
    """Verified, not refused reports of the city, with the list filters applied."""
    reports = Report.objects.filter(city=city, status__in=PUBLIC_STATUSES).select_related(*PUBLIC_FIELDS)
    if category:
        reports = reports.filter(category__code=category)
    if status:
        if status not in PUBLIC_STATUSES:
            raise ValidationError({"status": ["Status tidak dikenal."]})
        reports = reports.filter(status=status)
    if kecamatan:
        reports = reports.filter(kecamatan_id=kecamatan)
    zone = city.zone
    if date_from:
        reports = reports.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        reports = reports.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=zone))
    return reports


def coordinator_inbox(city):
    """Reports waiting for the Command Center: new ones to verify and verified ones to route, oldest first."""
    return (
        Report.objects.filter(city=city, status__in=[Status.RECEIVED, Status.VERIFIED])
        .select_related(*PUBLIC_FIELDS)
        .order_by("created_at", "id")
    )


QUEUE_SORTS = {
    "tenggat": "deadline",
    "terbaru": "newest",
    "terlama": "oldest",
}


def opd_queue(user, *, sort="tenggat", assigned_to_me=False):
    """The OPD's work queue: only its own reports (all OPDs for the Inspektorat/BCC), by deadline by default.

    The deadline is `Report.due_at`, the due time of the report's nearest live clock, so the sort
    runs down an index (report_opd_queue_idx) whatever the length of the queue.
    """
    if sort not in QUEUE_SORTS:
        raise ValidationError({"sort": [f"Urutan harus salah satu dari: {', '.join(QUEUE_SORTS)}."]})
    reports = Report.objects.filter(status__in=OPD_STATUSES).select_related(*PUBLIC_FIELDS, "assigned_to")
    if user.role not in SEES_ALL:
        reports = reports.filter(opd_id=user.opd_id)
    if assigned_to_me:
        reports = reports.filter(assigned_to=user)
    if QUEUE_SORTS[sort] == "deadline":
        return reports.order_by(F("due_at").asc(nulls_last=True), "id")
    if QUEUE_SORTS[sort] == "newest":
        return reports.order_by("-created_at", "-id")
    return reports.order_by("created_at", "id")
