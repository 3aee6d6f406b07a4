"""e-Masyarakat's side of the domain contract (kotacerdas/domains.py)."""

import statistics
from datetime import datetime, time

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone

from deadlines.models import Deadline
from kotacerdas.domains import CaseSummary
from reports.actions import CLOCK_RESOLVE
from reports.models import Category, CategoryRouting, Report

CASES_SHOWN = 50
# Without PostgreSQL's percentile_cont the median is taken in Python over the most recent rows only,
# so the embedded SQLite set-up stays responsive on a large history.
MEDIAN_SAMPLE = 100_000
ATTRIBUTE_TYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def citizen_cases(user):
    reports = Report.objects.filter(owner=user).select_related("category").order_by("-updated_at")[:CASES_SHOWN]
    return [
        CaseSummary(
            service="e-Masyarakat",
            number=report.number,
            title=report.category.name,
            status=report.get_status_display(),
            updated_at=report.updated_at,
            url=reverse("reports:mine_detail", args=[report.number]),
        )
        for report in reports
    ]


def load_profile_section(city, data):
    """Upsert the city's report categories and their per-kecamatan routing."""
    codes = set()
    for item in data.get("categories", []):
        opd = _opd(city, item["opd"], item["code"])
        _check_attributes(item)
        category, _ = Category.objects.update_or_create(
            city=city,
            code=item["code"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "group": item["group"],
                "keywords": item.get("keywords", ""),
                "opd": opd,
                "resolution_days": item["resolution_days"],
                "attributes": item.get("attributes", []),
                "active": item.get("active", True),
            },
        )
        routing = item.get("routing", {})
        category.routing.exclude(kecamatan__name__in=routing).delete()
        for kecamatan_name, opd_code in routing.items():
            kecamatan = city.kecamatan.filter(name=kecamatan_name).first()
            if kecamatan is None:
                raise ValidationError(f"Kategori {item['code']}: kecamatan '{kecamatan_name}' tidak ada di profil.")
            CategoryRouting.objects.update_or_create(
                category=category, kecamatan=kecamatan, defaults={"opd": _opd(city, opd_code, item["code"])}
            )
        codes.add(item["code"])
    return {"kategori laporan": len(codes)}


def _opd(city, code, category_code):
    opd = city.opds.filter(code=code).first()
    if opd is None:
        raise ValidationError(f"Kategori {category_code}: OPD '{code}' tidak ada di profil.")
    return opd


def _check_attributes(item):
    for attribute in item.get("attributes", []):
        if attribute.get("datatype") not in ATTRIBUTE_TYPES:
            raise ValidationError(f"Kategori {item['code']}: tipe atribut '{attribute.get('datatype')}' tidak dikenal.")


# --- statistics for the Command Center --------------------------------------------------------


def stats(city, now=None):
    """e-Masyarakat's figures for the Command Center and the public transparency page, as a plain dict.

    Counts are by the report's current status, category, OPD (the one holding it now) and kecamatan.
    Handling times are wall-clock hours from submission (what the citizen waited, nights and
    holidays included), the median over every report that got that far: `median_hours_to_verify`
    until verified, `median_hours_to_resolve` until (last) resolved; None while there is none.
    `sla_by_opd`: the OPD's finished resolution clocks, met on time vs missed. `open_breaches`:
    live report clocks past their deadline (flagged by the scanner), by the OPD holding the clock.
    "Today" and "this month" are counted from `now` in the city's time zone.
    """
    now = now or timezone.now()
    reports = Report.objects.filter(city=city)
    local = now.astimezone(city.zone)
    start_of_day = datetime.combine(local.date(), time.min, tzinfo=city.zone)
    start_of_month = start_of_day.replace(day=1)
    return {
        "total": reports.count(),
        "open": reports.open().count(),
        "received_today": reports.filter(created_at__gte=start_of_day, created_at__lte=now).count(),
        "received_this_month": reports.filter(created_at__gte=start_of_month, created_at__lte=now).count(),
        "by_status": _counts(reports, "status"),
        "by_category": _counts(reports, "category__code"),
        "by_opd": _counts(reports, "opd__code"),
        "by_kecamatan": _counts(reports, "kecamatan__name"),
        "median_hours_to_verify": _median_hours(reports, "verified_at"),
        "median_hours_to_resolve": _median_hours(reports, "resolved_at"),
        "sla_by_opd": _sla_by_opd(city),
        "open_breaches": _counts(_report_clocks(city).breached(), "opd__code"),
    }


def _counts(queryset, field):
    rows = queryset.order_by().values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in rows}


class _Median(Aggregate):
    """PostgreSQL's exact median, computed where the rows are."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_hours(reports, until):
    done = reports.filter(**{f"{until}__isnull": False})
    if connection.vendor == "postgresql":
        waited = ExpressionWrapper(F(until) - F("created_at"), output_field=DurationField())
        median = done.aggregate(median=_Median(waited))["median"]
        seconds = median.total_seconds() if median is not None else None
    else:
        recent = done.order_by(f"-{until}").values_list("created_at", until)[:MEDIAN_SAMPLE]
        waits = [(end - start).total_seconds() for start, end in recent]
        seconds = statistics.median(waits) if waits else None
    return round(seconds / 3600, 1) if seconds is not None else None


def _report_clocks(city):
    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(Report), opd__city=city)


def _sla_by_opd(city):
    finished = _report_clocks(city).filter(kind=CLOCK_RESOLVE, state__in=[Deadline.State.MET, Deadline.State.MISSED])
    rows = (
        finished.order_by()
        .values("opd__code")
        .annotate(met=Count("pk", filter=Q(state=Deadline.State.MET)), finished=Count("pk"))
    )
    return {
        row["opd__code"]: {
            "met": row["met"],
            "missed": row["finished"] - row["met"],
            "share_met": round(row["met"] / row["finished"], 3),
        }
        for row in rows
    }
