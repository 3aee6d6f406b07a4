"""Open311 service requests: our reports as clients read them (GET requests) and file them (POST requests).

Reading: `service_request_id` is the report number (LP-2026-0000123);
`status` is the specification's open/closed (`Report.is_open`), and our own
status travels in the `status_detail` extension field. Lists show only public
reports (checked by the coordinator and not refused). A report asked for by
its number is always answered, so a client can follow what it posted — but
until the report is public its text, place and photo are withheld. Nothing
that identifies the reporter is ever part of a document.

Filing: the parameters are translated for `reports.actions.do_submit_report`,
the same function the web form and the API call, so an Open311 report enters
the same lifecycle. `device_id` and `account_id` are accepted and not kept (we
have no use for them); a client's `media_url` is kept with the report for the
officers and never fetched.
"""

import math
import re
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import CharField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from accounts.actions import normalise_phone
from audit.models import AuditEvent
from deadlines.models import LIVE_STATES, Deadline
from reports.actions import CLOCK_RESOLVE, VERIFY_DAYS, do_submit_report
from reports.models import OPEN_STATUSES, Photo, Report, Status, format_number, parse_number
from reports.open311_format import Open311Error, parse_w3c_datetime, w3c_datetime
from reports.open311_services import KELURAHAN, kelurahan_key
from reports.queries import PUBLIC_FIELDS, public_reports

MAX_RESULTS = 1000  # the specification's default limit: 90 days or 1,000 requests, whichever is smaller
WINDOW = timedelta(days=90)
NOT_A_DATE = "bukan tanggal-waktu W3C tahun 2000–2100"
STATUSES = {"open": OPEN_STATUSES, "closed": set(Status) - OPEN_STATUSES}
CONTACT_NAME_MAX = Report._meta.get_field("contact_name").max_length
MEDIA_URL_MAX = 500
ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# do_submit_report's field names → the Open311 parameters a client sent.
SUBMISSION_PARAMS = {
    "category": "service_code",
    "description": "description",
    "kelurahan": f"attribute[{KELURAHAN}]",
    "location": "lat/long",
    "address": "address_string",
    "photos": "media",
}


def param(params, name):
    """A parameter's value; empty counts as absent, as the specification's "optional arguments" say."""
    value = (params.get(name) or "").strip()
    return value or None


def _csv(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]


# --- Reading ---------------------------------------------------------------------------------


def with_document_fields(reports):
    """Everything a <request> needs, in a fixed number of queries whatever the number of reports.

    status_notes (the newest public timeline entry, as `audit.events.public_timeline` tells it) and
    expected_datetime (the due time of the live resolution clock) come as subqueries.
    """
    object_id = Cast(OuterRef("pk"), output_field=CharField(max_length=64))
    timeline = AuditEvent.objects.filter(
        object_type=Report._meta.label_lower, object_id=object_id, public=True
    ).order_by("-id")
    clocks = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Report),
        object_id=object_id,
        kind=CLOCK_RESOLVE,
        state__in=LIVE_STATES,
    ).order_by("due_at")
    # As public_timeline() tells it: the public text, else the action's name.
    timeline_text = Coalesce(NullIf("public_text", Value("")), "action")
    return (
        reports.select_related(*PUBLIC_FIELDS)
        .annotate(
            timeline_text=Subquery(timeline.annotate(text=timeline_text).values("text")[:1]),
            timeline_reason=Subquery(timeline.values("reason")[:1]),
            resolve_due_at=Subquery(clocks.values("due_at")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "photos", queryset=Photo.objects.filter(kind=Photo.Kind.REPORT).order_by("id"), to_attr="shown_photos"
            )
        )
    )


def find_requests(city, params):
    """GET requests: the reports matching the filters, newest first, at most MAX_RESULTS."""
    numbers = _csv(param(params, "service_request_id"))
    if numbers:
        # "This overrides all other arguments."
        return reports_by_number(city, numbers)
    reports = public_reports(city)
    codes = _csv(param(params, "service_code"))
    if codes:
        known = set(city.report_categories.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise Open311Error(400, f"service_code: layanan '{unknown[0]}' tidak dikenal; lihat services.xml.")
        reports = reports.filter(category__code__in=codes)
    statuses = _csv(param(params, "status"))
    if statuses:
        wrong = [status for status in statuses if status not in STATUSES]
        if wrong:
            raise Open311Error(400, f"status: '{wrong[0]}' tidak dikenal; gunakan open atau closed.")
        reports = reports.filter(status__in=set().union(*(STATUSES[status] for status in statuses)))
    start, end = _window(city, param(params, "start_date"), param(params, "end_date"))
    reports = reports.filter(created_at__gte=start, created_at__lte=end).order_by("-created_at", "-id")
    return list(with_document_fields(reports)[:MAX_RESULTS])


def _window(city, start_text, end_text):
    """The requested_datetime range: at most 90 days; the last 90 days when no date is given."""
    errors = []
    start = end = None
    if start_text:
        start = parse_w3c_datetime(start_text, city.zone)
        if start is None:
            errors.append(
                f"start_date: '{start_text}' bukan tanggal-waktu W3C tahun 2000–2100 (contoh 2026-01-01T00:00:00Z)."
            )
    if end_text:
        end = parse_w3c_datetime(end_text, city.zone, end_of_day=True)
        if end is None:
            errors.append(
                f"end_date: '{end_text}' bukan tanggal-waktu W3C tahun 2000–2100 (contoh 2026-01-31T23:59:59Z)."
            )
    if errors:
        raise Open311Error(400, *errors)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, "end_date: harus sesudah start_date.")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date/end_date: rentang pencarian paling lama 90 hari.")
    return start, end


def reports_by_number(city, numbers):
    """The reports with these numbers (public or not: the document withholds what is not public yet)."""
    if len(numbers) > MAX_RESULTS:
        raise Open311Error(400, f"service_request_id: paling banyak {MAX_RESULTS} nomor sekaligus.")
    parsed = {}
    for number in numbers:
        year_and_id = parse_number(number)
        if year_and_id is None:
            raise Open311Error(400, f"service_request_id: '{number}' bukan nomor laporan (contoh LP-2026-0000123).")
        parsed[year_and_id[1]] = year_and_id[0]
    reports = with_document_fields(Report.objects.filter(city=city, pk__in=parsed)).order_by("-created_at", "-id")
    # The year is part of the number: LP-2025-0000123 is not report 123 of 2026.
    return [report for report in reports if report.number == format_number(parsed[report.pk], report.pk)]


def request_entry(report, city, request):
    """One <request> of GET requests / GET requests/{id}, from a report read through with_document_fields."""
    shown = report.is_public
    return {
        "service_request_id": report.number,
        "status": "open" if report.is_open else "closed",
        "status_notes": _status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description if shown else None,
        "agency_responsible": report.opd.name,
        "service_notice": f"Ditangani {report.opd.name}; target penyelesaian {report.category.resolution_days} "
        "hari kerja setelah laporan diteruskan ke OPD.",
        "requested_datetime": w3c_datetime(report.created_at, city.zone),
        "updated_datetime": w3c_datetime(report.updated_at, city.zone),
        "expected_datetime": w3c_datetime(report.resolve_due_at, city.zone),
        "address": _address(report, city) if shown else None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat if shown else None,
        "long": report.lon if shown else None,
        "media_url": _media_url(report, request) if shown else None,
        # Extension: our own step of the pipeline (received, verified, dispositioned, in_progress, …).
        "status_detail": report.status,
    }


def _status_notes(report):
    if not report.timeline_text:
        return None
    if report.timeline_reason:
        return f"{report.timeline_text} Alasan: {report.timeline_reason}"
    return report.timeline_text


def _address(report, city):
    """From most specific to most general, as the specification asks."""
    parts = [report.address, f"Kelurahan {report.kelurahan.name}", f"Kecamatan {report.kecamatan.name}", city.name]
    return ", ".join(part for part in parts if part)


def _media_url(report, request):
    """The report's first photo, through the permission-checked public photo view."""
    if not report.shown_photos:
        return None
    return request.build_absolute_uri(reverse("reports:photo", args=[report.number, report.shown_photos[0].pk]))


def report_by_token(city, token):
    return Report.objects.filter(city=city, open311_token=token).first()


# --- Filing ----------------------------------------------------------------------------------


def submit_request(city, category, client, params, files):
    """POST requests: the Open311 parameters translated for do_submit_report, which checks and files the report."""
    errors = []
    answers = _answers(params)
    kelurahan = answers.pop(KELURAHAN, [""])[0]
    lat, lon = _coordinate(params, "lat", errors), _coordinate(params, "long", errors)
    address = param(params, "address_string") or ""
    if lat is None and lon is None and not address and param(params, "address_id"):
        errors.append(f"address_id: tidak didukung di {city.name}; kirim lat dan long, atau address_string.")
    contact = _contact(params, errors)
    media_url = _media_url_param(params, errors)
    if errors:
        raise Open311Error(400, *errors)
    try:
        with transaction.atomic():
            report = do_submit_report(
                reporter=None,
                client=client,
                category_code=category.code,
                description=param(params, "description") or "",
                kelurahan_id=kelurahan_key(kelurahan, city),
                lat=lat,
                lon=lon,
                address=address,
                photos=files.getlist("media"),
                attributes=answers,
                **contact,
            )
            if media_url:
                # Open311's own field, kept beside the category's answers for the officers.
                report.attributes = {**report.attributes, "media_url": media_url}
                report.save(update_fields=["attributes"])
    except ValidationError as exc:
        raise Open311Error(400, *_descriptions(exc)) from None
    return report


def _answers(params):
    """attribute[code]=value, and attribute[code][]=value for each value of a multivaluelist → {code: [values]}."""
    answers = {}
    for key in params:
        match = ATTRIBUTE_PARAM.match(key)
        if match:
            answers.setdefault(match[1], []).extend(value.strip() for value in params.getlist(key) if value.strip())
    # Extension: the kelurahan may also come as a plain parameter.
    if not answers.get(KELURAHAN) and param(params, KELURAHAN):
        answers[KELURAHAN] = [param(params, KELURAHAN)]
    return {code: values for code, values in answers.items() if values}


def _coordinate(params, name, errors):
    text = param(params, name)
    if text is None:
        return None
    limit = 90 if name == "lat" else 180
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not -limit <= value <= limit:
        errors.append(f"{name}: '{text}' bukan derajat desimal WGS84 (contoh lat=3.6005&long=98.4858).")
        return None
    return value


def _media_url_param(params, errors):
    media_url = param(params, "media_url")
    if media_url is None:
        return None
    try:
        if len(media_url) > MEDIA_URL_MAX:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(media_url)
    except ValidationError:
        errors.append(f"media_url: harus alamat http(s) yang sah, paling panjang {MEDIA_URL_MAX} karakter.")
        return None
    return media_url


def _contact(params, errors):
    """How the city reaches a reporter who has no account: kept for the notifications, never shown."""
    name = " ".join(part for part in (param(params, "first_name"), param(params, "last_name")) if part)
    if len(name) > CONTACT_NAME_MAX:
        errors.append(f"first_name/last_name: nama paling panjang {CONTACT_NAME_MAX} karakter.")
    email = (param(params, "email") or "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append("email: alamat e-mail tidak valid.")
    phone = param(params, "phone") or ""
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValidationError as exc:
            errors.append(f"phone: {exc.messages[0]}")
    return {"contact_name": name, "contact_email": email, "contact_phone": phone}


def _descriptions(exc):
    if not hasattr(exc, "error_dict"):
        return exc.messages
    return [
        f"{SUBMISSION_PARAMS.get(field, field)}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def submission_receipt(report):
    """The POST requests answer: the report number at once (type "realtime").

    The token comes too, so a client written for asynchronous servers can
    still follow its request through `tokens/{token}`.
    """
    return [
        {
            "service_request_id": report.number,
            "token": report.open311_token,
            "service_notice": f"Laporan diterima dengan nomor {report.number}. Command Center memverifikasinya "
            f"dalam {VERIFY_DAYS} hari kerja, lalu meneruskannya ke {report.opd.name}.",
            # Reporters posting through Open311 have no account with us.
            "account_id": None,
        }
    ]
