"""FHIR search parameters read strictly: anything we do not support, or cannot read, is a 400 OperationOutcome
with the reason in plain words (https://hl7.org/fhir/R4/search.html).

Supported: token (`status`, `_id`, `identifier`), reference (`schedule`, `actor`, `patient`, `organization`,
`location`: `Type/id`, a bare id, or an absolute URL ending in `Type/id`), date (`start`, `date`, with the
prefixes eq ne gt ge lt le sa eb), string (`name`: contains, case-insensitive). A comma means OR, a repeated
parameter means AND; an empty value is ignored. Paging: `_count` (1–100, default 20) and `_offset`.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import timezone as fixed_zone

from django.db.models import Q
from django.utils import timezone

from clinics.fhir.resources import FhirError

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 10_000
# Accepted on every search (and `_format`, `_pretty` on every request).
RESULT_PARAMS = {"_count", "_offset"}
FORMAT_PARAMS = {"_format", "_pretty"}

DATE = re.compile(
    r"(?P<prefix>eq|ne|gt|lt|ge|le|sa|eb|ap)?"
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
)


@dataclass
class Param:
    """One supported search parameter: FHIR type and the line shown in the CapabilityStatement."""

    type: str
    documentation: str


def check_names(query, kind, supported):
    """Every parameter of the query string is one we support for this resource type."""
    allowed = set(supported) | RESULT_PARAMS | FORMAT_PARAMS
    for name in query:
        if name in allowed:
            continue
        base, _, modifier = name.partition(":")
        if modifier and base in supported:
            raise FhirError(400, "not-supported", f"Modifier ':{modifier}' pada parameter '{base}' tidak didukung.")
        names = ", ".join(sorted(allowed - FORMAT_PARAMS))
        raise FhirError(
            400,
            "not-supported",
            f"Parameter pencarian '{name}' tidak didukung untuk {kind}. Parameter yang didukung: {names}.",
        )


def values(query, name):
    """[[OR values] per occurrence] of a parameter, empty values left out."""
    groups = []
    for raw in query.getlist(name):
        items = [item.strip() for item in raw.split(",") if item.strip()]
        if items:
            groups.append(items)
    return groups


def paging(query):
    """(count, offset) from `_count` and `_offset`."""
    return (
        _integer(query, "_count", DEFAULT_COUNT, 1, MAX_COUNT),
        _integer(query, "_offset", 0, 0, MAX_OFFSET),
    )


def _integer(query, name, default, low, high):
    raw = query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise FhirError(400, "invalid", f"{name} harus bilangan bulat {low}–{high}, bukan '{raw}'.")
    return int(raw)


def any_of(query, name, one):
    """Q: AND over the occurrences of a parameter, OR over the comma-separated values; `one(value)` → Q."""
    condition = Q()
    for group in values(query, name):
        either = Q(pk__in=[])
        for value in group:
            either |= one(value)
        condition &= either
    return condition


def token(name, value, allowed):
    """A code from `allowed` (a `system|code` token keeps only the code)."""
    code = value.rpartition("|")[2]
    if code not in allowed:
        choices = ", ".join(allowed)
        raise FhirError(400, "invalid", f"Nilai '{value}' untuk {name} tidak dikenal; pilih: {choices}.")
    return code


def reference(name, value, kinds):
    """(kind, id) of a reference parameter; a bare id is taken as the first of `kinds`."""
    parts = value.rstrip("/").split("/")
    kind, ident = (parts[-2], parts[-1]) if len(parts) >= 2 else (kinds[0], parts[-1])
    if kind not in kinds:
        raise FhirError(
            400, "invalid", f"{name} menunjuk {kind}; yang didukung: {', '.join(f'{k}/<id>' for k in kinds)}."
        )
    if not re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", ident):
        raise FhirError(400, "invalid", f"Id '{ident}' pada parameter {name} tidak valid.")
    return kind, ident


def number(name, value):
    """A numeric database id inside a reference, or a 400."""
    if not value.isdigit() or len(value) > 18:
        raise FhirError(400, "invalid", f"Id '{value}' pada parameter {name} tidak valid (harus angka).")
    return int(value)


def date_condition(name, value, field, day_field=None):
    """Q for one value of a date parameter on the instant `field` (and, to use the indexes, on `day_field`, the
    same moment's local date)."""
    match = DATE.fullmatch(value.replace(" ", "+"))  # an unescaped '+' of a zone arrives as a space
    if not match:
        raise FhirError(
            400,
            "invalid",
            f"Nilai {name} '{value}' bukan tanggal FHIR; contoh: 2027-03-02, ge2027-03-02, "
            "lt2027-03-02T12:00:00+07:00.",
        )
    parts = match.groupdict()
    prefix = parts["prefix"] or "eq"
    if prefix == "ap":
        raise FhirError(400, "not-supported", f"Awalan 'ap' pada {name} tidak didukung.")
    low, high = _range(name, parts)
    if prefix == "eq":
        condition = Q(**{f"{field}__gte": low, f"{field}__lt": high})
    elif prefix == "ne":
        return ~Q(**{f"{field}__gte": low, f"{field}__lt": high})
    elif prefix in ("gt", "sa"):
        condition = Q(**{f"{field}__gte": high})
    elif prefix == "ge":
        condition = Q(**{f"{field}__gte": low})
    elif prefix in ("lt", "eb"):
        condition = Q(**{f"{field}__lt": low})
    else:  # le
        condition = Q(**{f"{field}__lt": high})
    if day_field:
        last = timezone.localdate(high - timedelta(microseconds=1))
        first = timezone.localdate(low)
        bounds = {
            "eq": {"gte": first, "lte": last},
            "gt": {"gte": timezone.localdate(high)},
            "sa": {"gte": timezone.localdate(high)},
            "ge": {"gte": first},
            "lt": {"lte": timezone.localdate(low - timedelta(microseconds=1))},
            "eb": {"lte": timezone.localdate(low - timedelta(microseconds=1))},
            "le": {"lte": last},
        }[prefix]
        condition &= Q(**{f"{day_field}__{op}": day for op, day in bounds.items()})
    return condition


FIRST_YEAR, LAST_YEAR = 1900, 9998


def _range(name, parts):
    """[low, high) of the moments a date value of this precision covers."""
    zone = timezone.get_current_timezone()
    if parts["zone"]:
        zone = UTC if parts["zone"] == "Z" else _offset_zone(parts["zone"])
    year = int(parts["year"])
    # FHIR allows years 0001-9999, but the edges overflow once the bound moves by a day or a zone.
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise FhirError(400, "invalid", f"Tahun pada {name} harus antara {FIRST_YEAR} dan {LAST_YEAR}.")
    month = int(parts["month"] or 1)
    day = int(parts["day"] or 1)
    hour, minute = int(parts["hour"] or 0), int(parts["minute"] or 0)
    second = int(parts["second"] or 0)
    micro = int((parts["fraction"] or ".0")[1:7].ljust(6, "0"))
    try:
        low = datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError:
        raise FhirError(400, "invalid", f"Tanggal pada {name} tidak ada di kalender.") from None
    if parts["fraction"]:
        return low, low + timedelta(microseconds=1)
    if parts["second"]:
        return low, low + timedelta(seconds=1)
    if parts["minute"]:
        return low, low + timedelta(minutes=1)
    if parts["day"]:
        return low, _next_day(low)
    if parts["month"]:
        return low, low.replace(year=year + month // 12, month=month % 12 + 1)
    return low, low.replace(year=year + 1)


def _next_day(moment):
    following = moment.date() + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=moment.tzinfo)


def _offset_zone(text):
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 14 or minutes > 59:
        raise FhirError(400, "invalid", f"Zona waktu '{text}' tidak valid.")
    return fixed_zone(sign * timedelta(hours=hours, minutes=minutes))
