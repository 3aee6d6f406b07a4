"""e-Perizinan's side of the domain contract (kotacerdas/domains.py)."""

import statistics
from datetime import datetime, time

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from deadlines.models import Deadline
from kotacerdas.domains import CaseSummary
from permits.links import applicant_url
from permits.models import OPEN_STATUSES, STEP_STATUSES, Application, PermitType, Status, SurveyResponse
from permits.skm import CODES, ikm_from_averages

CASES_SHOWN = 50
LISTED = 100  # applications in progress and late steps listed by name in stats(); the counts cover all
# Without PostgreSQL's percentile_cont the median is taken in Python over the most recent decisions only.
MEDIAN_SAMPLE = 100_000
ITEM_KEYS = {
    "code",
    "name",
    "short_name",
    "group",
    "legal_basis",
    "description",
    "issuing_opd",
    "technical_opd",
    "applicant_kind",
    "form_fields",
    "required_documents",
    "fee",
    "steps",
    "validity_months",
    "certificate_title",
    "certificate_fields",
    "online",
    "active",
}
REQUIRED_KEYS = {"code", "name", "short_name", "legal_basis", "description", "fee", "steps", "certificate_title"}


def citizen_cases(user):
    applications = (
        Application.objects.filter(applicant=user).select_related("permit_type").order_by("-updated_at")[:CASES_SHOWN]
    )
    return [
        CaseSummary(
            service="e-Perizinan",
            number=application.number,
            title=application.permit_type.name,
            status=application.get_status_display(),
            updated_at=application.updated_at,
            url=applicant_url(application),
        )
        for application in applications
    ]


# --- the catalogue from the city profile ------------------------------------------------------


def load_profile_section(city, data):
    """Upsert the city's permit types from the profile's "permits" section: {"types": [...]}.

    Every type is checked like the admin checks it (PermitType.clean()); the first problem stops the
    load with a message naming the type and the field. Types missing from the file are kept
    (applications refer to them); the city admin may deactivate them.
    """
    if not isinstance(data, dict) or not isinstance(data.get("types"), list):
        raise ValidationError('Bagian "permits" harus berupa {"types": [...]}.')
    codes = []
    with transaction.atomic():
        for index, item in enumerate(data["types"], start=1):
            code = item.get("code") if isinstance(item, dict) else None
            label = f"Jenis izin '{code}'" if isinstance(code, str) and code else f"Jenis izin ke-{index}"
            if not isinstance(item, dict):
                raise ValidationError(f"{label}: harus berupa objek.")
            if code in codes:
                raise ValidationError(f"{label}: kode dipakai lebih dari sekali.")
            _load_type(city, item, label)
            codes.append(code)
    return {"jenis izin": len(codes)}


def _load_type(city, item, label):
    unknown = set(item) - ITEM_KEYS
    if unknown:
        raise ValidationError(f"{label}: kunci tidak dikenal: {', '.join(sorted(unknown))}.")
    missing = REQUIRED_KEYS - set(item)
    if missing:
        raise ValidationError(f"{label}: kunci wajib tidak ada: {', '.join(sorted(missing))}.")
    if "issuing_opd" in item:
        issuing = _opd(city, item["issuing_opd"], label)
    else:
        issuing = city.opd_with_function("perizinan")
        if issuing is None:
            raise ValidationError(f"{label}: tidak ada issuing_opd dan kota tidak punya OPD dengan fungsi 'perizinan'.")
    technical = _opd(city, item["technical_opd"], label) if item.get("technical_opd") else None
    permit_type = PermitType.objects.filter(city=city, code=item["code"]).first() or PermitType(city=city)
    values = {
        "code": item["code"],
        "name": item["name"],
        "short_name": item["short_name"],
        "group": item.get("group", ""),
        "legal_basis": item["legal_basis"],
        "description": item["description"],
        "issuing_opd": issuing,
        "technical_opd": technical,
        "applicant_kind": item.get("applicant_kind", "person"),
        "form_fields": item.get("form_fields", []),
        "required_documents": item.get("required_documents", []),
        "fee": item["fee"],
        "steps": item["steps"],
        "validity_months": item.get("validity_months"),
        "certificate_title": item["certificate_title"],
        "certificate_fields": item.get("certificate_fields", []),
        "online": item.get("online", True),
        "active": item.get("active", True),
    }
    for name, value in values.items():
        setattr(permit_type, name, value)
    try:
        permit_type.full_clean()
    except ValidationError as exc:
        problems = "; ".join(
            f"{_FIELD_NAMES.get(name, name)}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
        raise ValidationError(f"{label}: {problems}") from None
    permit_type.save()


_FIELD_NAMES = {"__all__": "umum"}


def _opd(city, code, label):
    opd = city.opds.filter(code=code).first() if isinstance(code, str) else None
    if opd is None:
        raise ValidationError(f"{label}: OPD '{code}' tidak ada di profil kota.")
    return opd


# --- statistics for the Command Center --------------------------------------------------------


def stats(city, now=None):
    """e-Perizinan's figures for the Command Center and the public transparency page, as a plain dict.

    Drafts are not counted (they are the applicant's private notes). Processing time is working time on
    the city's calendar from submission to decision, less the time the applicant was asked to complete
    documents; a type's SLA is the sum of its steps' deadlines (a working day counted as the calendar's
    average working day). `in_progress` and `late_steps["items"]` list the most urgent LISTED only.
    SKM per PermenPANRB 14/2017 by permit type and quarter ("2026-T1"), and over all types.
    "Today" and "this month" are counted from `now` in the city's time zone.
    """
    now = now or timezone.now()
    applications = Application.objects.filter(city=city).exclude(status=Status.DRAFT)
    at_steps = applications.filter(status__in=STEP_STATUSES)
    local = now.astimezone(city.zone)
    start_of_day = datetime.combine(local.date(), time.min, tzinfo=city.zone)
    start_of_month = start_of_day.replace(day=1)
    submitted = applications.filter(submitted_at__lte=now)
    return {
        "total": applications.count(),
        "open": applications.filter(status__in=OPEN_STATUSES).count(),
        "submitted_today": submitted.filter(submitted_at__gte=start_of_day).count(),
        "submitted_this_month": submitted.filter(submitted_at__gte=start_of_month).count(),
        "by_status": _counts(applications, "status"),
        "by_type": _counts(applications, "permit_type__code"),
        "by_step": _by_step(at_steps),
        "by_opd": _counts(applications.filter(status__in=OPEN_STATUSES), "opd__code"),
        "in_progress_total": at_steps.count(),
        "in_progress": _in_progress(at_steps, now),
        "late_steps": _late_steps(city),
        "processing_by_type": _processing_by_type(city, applications),
        "skm_by_type": skm_by_type(city),
        "skm_overall": skm_overall(city),
    }


def _counts(queryset, field):
    rows = queryset.order_by().values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in rows}


def _by_step(at_steps):
    """{permit type code: {step code: applications there now}}."""
    counts = {}
    rows = at_steps.order_by().values("permit_type__code", "step_code").annotate(n=Count("pk"))
    for row in rows:
        counts.setdefault(row["permit_type__code"], {})[row["step_code"]] = row["n"]
    return counts


def _in_progress(at_steps, now):
    """Who holds each application and where it is, the nearest deadline first."""
    rows = at_steps.select_related("permit_type", "opd", "holder").order_by(F("due_at").asc(nulls_last=True), "id")[
        :LISTED
    ]
    return [
        {
            "number": application.registration_number,
            "permit_type": application.permit_type.code,
            "status": application.status,
            "step": application.current_step["name"],
            "opd": application.opd.code,
            "holder": application.holder.full_name if application.holder_id else None,
            "role": application.step_role,
            "since": application.step_started_at,
            "due_at": application.due_at,
            "overdue": application.due_at is not None and application.due_at <= now,
        }
        for application in rows
    ]


def _permit_clocks(city):
    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(Application), opd__city=city)


def _late_steps(city):
    """Live step clocks past their deadline (flagged and escalated by the deadline scanner)."""
    late = _permit_clocks(city).breached()
    items = list(late.select_related("opd", "holder").order_by("due_at")[:LISTED])
    numbers = dict(
        Application.objects.filter(pk__in=[int(d.object_id) for d in items]).values_list("pk", "registration_number")
    )
    return {
        "count": late.count(),
        "by_opd": _counts(late, "opd__code"),
        "items": [
            {
                "number": numbers.get(int(deadline.object_id)),
                "step": deadline.kind.removeprefix("permit.step."),
                "title": deadline.title,
                "opd": deadline.opd.code if deadline.opd_id else None,
                "holder": deadline.holder.full_name if deadline.holder_id else None,
                "due_at": deadline.due_at,
                "breached_at": deadline.breached_at,
            }
            for deadline in items
        ],
    }


class _Median(Aggregate):
    """PostgreSQL's exact median, computed where the rows are."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _medians(decided):
    """{permit type code: median processing seconds}."""
    if connection.vendor == "postgresql":
        rows = decided.order_by().values("permit_type__code").annotate(median=_Median("processing_seconds"))
        return {row["permit_type__code"]: row["median"] for row in rows}
    recent = decided.order_by("-decided_at").values_list("permit_type__code", "processing_seconds")[:MEDIAN_SAMPLE]
    by_type = {}
    for code, seconds in recent:
        by_type.setdefault(code, []).append(seconds)
    return {code: statistics.median(values) for code, values in by_type.items()}


def _processing_by_type(city, applications):
    """Per permit type: decided applications, median working hours to decision, the SLA, share within it."""
    calendar = city.calendar()
    decided = applications.filter(processing_seconds__isnull=False)
    medians = _medians(decided)
    types = PermitType.objects.filter(city=city)
    sla = {t.code: t.sla_working_seconds(calendar) for t in types}
    within = Q(pk__in=[])
    for code, seconds in sla.items():
        within |= Q(permit_type__code=code, processing_seconds__lte=seconds)
    rows = decided.order_by().values("permit_type__code").annotate(n=Count("pk"), within=Count("pk", filter=within))
    result = {}
    for row in rows:
        code = row["permit_type__code"]
        result[code] = {
            "decided": row["n"],
            "median_working_hours": round(medians[code] / 3600, 1) if medians.get(code) is not None else None,
            "sla_working_hours": round(sla[code] / 3600, 1),
            "share_within_sla": round(row["within"] / row["n"], 3),
        }
    return result


# --- SKM (satisfaction survey) ---------------------------------------------------------------


def _period(moment, zone):
    local = timezone.localtime(moment, zone)
    return f"{local.year}-T{(local.month - 1) // 3 + 1}"


def _skm_rows(city, *group):
    responses = SurveyResponse.objects.filter(application__city=city)
    return (
        responses.annotate(quarter=TruncQuarter("created_at", tzinfo=city.zone))
        .order_by()
        .values(*group, "quarter")
        .annotate(n=Count("pk"), **{code: Avg(code) for code in CODES})
    )


def skm_by_type(city):
    """{permit type code: {"2026-T1": {respondents, element_averages, ikm, grade, grade_label}}}."""
    result = {}
    for row in _skm_rows(city, "application__permit_type__code"):
        ikm = ikm_from_averages(row["n"], {code: float(row[code]) for code in CODES})
        periods = result.setdefault(row["application__permit_type__code"], {})
        periods[_period(row["quarter"], city.zone)] = ikm.as_dict()
    return result


def skm_overall(city):
    """{"2026-T1": the IKM over every permit type's answers of that quarter}."""
    return {
        _period(row["quarter"], city.zone): ikm_from_averages(
            row["n"], {code: float(row[code]) for code in CODES}
        ).as_dict()
        for row in _skm_rows(city)
    }
