"""e-Dokter's side of the domain contract (kotacerdas/domains.py)."""

import re
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from clinics.links import appointment_url
from clinics.models import (
    ACTIVE_STATUSES,
    Appointment,
    Clinic,
    Facility,
    FacilityKind,
    Practitioner,
    Session,
    SessionStatus,
    Status,
    WeeklySchedule,
    check_facility_code,
)
from kotacerdas.domains import CaseSummary

CASES_SHOWN = 50
DAY_CODES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
FACILITY_KEYS = {"code", "name", "kind", "address", "phone", "opd", "clinics", "practitioners", "active"}
CLINIC_KEYS = {"code", "name", "referral_required", "active"}
PRACTITIONER_KEYS = {"name", "specialty", "sip_number", "schedules", "active"}
SCHEDULE_KEYS = {
    "clinic",
    "days",
    "start",
    "end",
    "quota_jkn",
    "quota_general",
    "quota_walk_in",
    "minutes_per_patient",
}
QUOTA_KEYS = ("quota_jkn", "quota_general", "quota_walk_in")


def citizen_cases(user):
    appointments = (
        Appointment.objects.filter(patient=user)
        .select_related("clinic__facility")
        .order_by("-updated_at", "-id")[:CASES_SHOWN]
    )
    return [
        CaseSummary(
            service="e-Dokter",
            number=appointment.booking_code,
            title=f"{appointment.clinic.name}, {appointment.clinic.facility.name} — "
            f"{appointment.patient_name}, {appointment.date:%d-%m-%Y}",
            status=appointment.get_status_display(),
            updated_at=appointment.updated_at,
            url=appointment_url(appointment),
        )
        for appointment in appointments
    ]


# --- facilities, poli, doctors and schedules from the city profile ------------------------------


def load_profile_section(city, data):
    """Upsert the city's facilities from the profile's "clinics" section: {"facilities": [...]}.

    A facility: {code, name, kind (rsud|puskesmas|rs_swasta), address?, phone?, opd? (OPD code),
    clinics: [{code, name, referral_required? (default true)}], practitioners: [{name, specialty?,
    sip_number, schedules: [{clinic, days: ["mon", …], start "08:00", end, quota_jkn, quota_general,
    quota_walk_in, minutes_per_patient}]}]}. The first problem stops the load with a message naming
    the place. Nothing is deleted: poli and doctors missing from the file are kept (appointments refer
    to them); a doctor's weekly schedules missing from the file are deactivated (no new sessions).
    """
    if not isinstance(data, dict) or not isinstance(data.get("facilities"), list):
        raise ValidationError('Bagian "clinics" harus berupa {"facilities": [...]}.')
    counts = {"fasilitas kesehatan": 0, "poli": 0, "dokter": 0, "jadwal praktik": 0}
    seen = set()
    with transaction.atomic():
        for index, item in enumerate(data["facilities"], start=1):
            code = item.get("code") if isinstance(item, dict) else None
            label = f"Fasilitas '{code}'" if isinstance(code, str) and code else f"Fasilitas ke-{index}"
            if not isinstance(item, dict):
                raise ValidationError(f"{label}: harus berupa objek.")
            if code in seen:
                raise ValidationError(f"{label}: kode dipakai lebih dari sekali.")
            seen.add(code)
            _load_facility(city, item, label, counts)
    return counts


def _check_keys(item, allowed, required, label):
    if not isinstance(item, dict):
        raise ValidationError(f"{label}: harus berupa objek.")
    unknown = set(item) - allowed
    if unknown:
        raise ValidationError(f"{label}: kunci tidak dikenal: {', '.join(sorted(unknown))}.")
    missing = set(required) - set(item)
    if missing:
        raise ValidationError(f"{label}: kunci wajib tidak ada: {', '.join(sorted(missing))}.")


def _text(item, key, label, limit, *, required=True):
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValidationError(f"{label}: '{key}' harus berupa teks (paling panjang {limit} karakter).")
    return value.strip()


def _load_facility(city, item, label, counts):
    """Check the whole facility first, then write it in a few bulk statements (the profile is loaded by every
    test's city fixture, so this stays cheap)."""
    _check_keys(item, FACILITY_KEYS, {"code", "name", "kind", "clinics", "practitioners"}, label)
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", item["code"]):
        raise ValidationError(f"{label}: kode hanya huruf kecil, angka dan tanda minus.")
    try:
        check_facility_code(item["code"])
    except ValidationError as exc:
        raise ValidationError(f"{label}: {exc.messages[0]}") from None
    if item["kind"] not in FacilityKind.values:
        raise ValidationError(f"{label}: jenis harus salah satu dari {', '.join(FacilityKind.values)}.")
    opd = None
    if item.get("opd"):
        opd = city.opds.filter(code=item["opd"]).first()
        if opd is None:
            raise ValidationError(f"{label}: OPD '{item['opd']}' tidak ada di profil kota.")
    facility_values = {
        "name": _text(item, "name", label, 200),
        "kind": item["kind"],
        "address": _text(item, "address", label, 300, required=False),
        "phone": _text(item, "phone", label, 30, required=False),
        "opd": opd,
        "active": bool(item.get("active", True)),
    }
    if not isinstance(item["clinics"], list) or not isinstance(item["practitioners"], list):
        raise ValidationError(f"{label}: 'clinics' dan 'practitioners' harus berupa daftar.")
    clinic_values = {}
    for clinic_item in item["clinics"]:
        clinic_label = f"{label}, poli '{clinic_item.get('code') if isinstance(clinic_item, dict) else '?'}'"
        _check_keys(clinic_item, CLINIC_KEYS, {"code", "name"}, clinic_label)
        code = clinic_item["code"]
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", code) or code in clinic_values:
            raise ValidationError(f"{clinic_label}: kode tidak valid atau dipakai lebih dari sekali.")
        clinic_values[code] = {
            "name": _text(clinic_item, "name", clinic_label, 120),
            "referral_required": bool(clinic_item.get("referral_required", True)),
            "active": bool(clinic_item.get("active", True)),
        }
    practitioner_values, schedule_values = {}, {}
    for practitioner_item in item["practitioners"]:
        name = practitioner_item.get("name") if isinstance(practitioner_item, dict) else None
        practitioner_label = f"{label}, dokter '{name or '?'}'"
        _check_keys(practitioner_item, PRACTITIONER_KEYS, {"name", "sip_number", "schedules"}, practitioner_label)
        sip = _text(practitioner_item, "sip_number", practitioner_label, 60)
        if sip in practitioner_values:
            raise ValidationError(f"{practitioner_label}: nomor SIP dipakai lebih dari sekali.")
        practitioner_values[sip] = {
            "name": _text(practitioner_item, "name", practitioner_label, 150),
            "specialty": _text(practitioner_item, "specialty", practitioner_label, 120, required=False),
            "active": bool(practitioner_item.get("active", True)),
        }
        schedule_values[sip] = _check_schedules(clinic_values, practitioner_item["schedules"], practitioner_label)

    facility, _ = Facility.objects.update_or_create(city=city, code=item["code"], defaults=facility_values)
    clinics = _upsert(Clinic, {"facility": facility}, "code", clinic_values)
    practitioners = _upsert(Practitioner, {"facility": facility}, "sip_number", practitioner_values)
    counts["fasilitas kesehatan"] += 1
    counts["poli"] += len(clinics)
    counts["dokter"] += len(practitioners)
    counts["jadwal praktik"] += _write_schedules(facility, clinics, practitioners, schedule_values)


def _upsert(model, parent, key, values_by_key):
    """Create or update the children of `parent` named in `values_by_key` ({key: field values}); returns
    {key: object}. Children missing from the file are kept."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**parent, **{f"{key}__in": list(values_by_key)})}
    new, changed = [], []
    for name, values in values_by_key.items():
        obj = existing.get(name)
        if obj is None:
            obj = model(**parent, **{key: name}, **values)
            new.append(obj)
            existing[name] = obj
        elif any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            changed.append(obj)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, list(next(iter(values_by_key.values()))))
    return existing


def _check_schedules(clinic_values, items, label):
    """The doctor's schedules as {(clinic code, weekday, start): field values}."""
    if not isinstance(items, list):
        raise ValidationError(f"{label}: 'schedules' harus berupa daftar.")
    schedules = {}
    for index, item in enumerate(items, start=1):
        schedule_label = f"{label}, jadwal ke-{index}"
        _check_keys(item, SCHEDULE_KEYS, SCHEDULE_KEYS, schedule_label)
        if item["clinic"] not in clinic_values:
            raise ValidationError(f"{schedule_label}: poli '{item['clinic']}' tidak ada di fasilitas ini.")
        days = item["days"]
        if not isinstance(days, list) or not days or any(day not in DAY_CODES for day in days):
            raise ValidationError(f"{schedule_label}: 'days' berisi kode hari {', '.join(DAY_CODES)}.")
        start, end = (_time(item, key, schedule_label) for key in ("start", "end"))
        if end <= start:
            raise ValidationError(f"{schedule_label}: jam selesai harus setelah jam mulai.")
        numbers = {"end": end, "active": True}
        for key in (*QUOTA_KEYS, "minutes_per_patient"):
            value = item[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 500:
                raise ValidationError(f"{schedule_label}: '{key}' harus bilangan bulat 0–500.")
            numbers[key] = value
        if numbers["minutes_per_patient"] < 1:
            raise ValidationError(f"{schedule_label}: 'minutes_per_patient' paling sedikit 1.")
        for day in days:
            slot = (item["clinic"], DAY_CODES[day], start)
            if slot in schedules:
                raise ValidationError(f"{schedule_label}: jadwal {day} {item['start']} di poli ini tertulis dua kali.")
            schedules[slot] = numbers
    return schedules


def _write_schedules(facility, clinics, practitioners, schedule_values):
    """Upsert the facility's weekly schedules, deactivate the ones no longer in the file, and set each doctor's
    poli to the ones they have schedules in; returns how many schedules the file lists."""
    existing = {
        (s.practitioner_id, s.clinic_id, s.weekday, s.start): s
        for s in WeeklySchedule.objects.filter(practitioner__facility=facility)
    }
    new, changed, kept = [], [], set()
    links = set()
    for sip, schedules in schedule_values.items():
        practitioner = practitioners[sip]
        for (clinic_code, weekday, start), values in schedules.items():
            key = (practitioner.pk, clinics[clinic_code].pk, weekday, start)
            links.add((practitioner.pk, clinics[clinic_code].pk))
            kept.add(key)
            schedule = existing.get(key)
            if schedule is None:
                new.append(
                    WeeklySchedule(
                        practitioner=practitioner, clinic=clinics[clinic_code], weekday=weekday, start=start, **values
                    )
                )
            elif any(getattr(schedule, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(schedule, field, value)
                changed.append(schedule)
    WeeklySchedule.objects.bulk_create(new)
    if changed:
        WeeklySchedule.objects.bulk_update(changed, ["end", "active", *QUOTA_KEYS, "minutes_per_patient"])
    retired = [
        s.pk for key, s in existing.items() if key not in kept and key[0] in {p.pk for p in practitioners.values()}
    ]
    if retired:
        WeeklySchedule.objects.filter(pk__in=retired).update(active=False)
    through = Practitioner.clinics.through
    listed = [p.pk for p in practitioners.values()]
    current = set(through.objects.filter(practitioner_id__in=listed).values_list("practitioner_id", "clinic_id"))
    if current != links:
        through.objects.filter(practitioner_id__in=listed).delete()
        through.objects.bulk_create([through(practitioner_id=p, clinic_id=c) for p, c in sorted(links)])
    return len(kept)


def _time(item, key, label):
    value = item[key]
    if not isinstance(value, str) or not TIME.fullmatch(value):
        raise ValidationError(f"{label}: '{key}' harus berupa jam JJ:MM, mis. 08:00.")
    return time.fromisoformat(value)


# --- statistics for the Command Center --------------------------------------------------------


def stats(city, now=None):
    """e-Dokter's figures for today (in the city's time zone), as a plain dict.

    Per facility and per poli: booked (online, active), walk-ins, checked in, waiting (checked in, not yet
    called), in the room, done, no-shows, cancelled, quota fill rate (places taken ÷ places offered in
    today's open sessions), average wait from check-in to the first call (minutes); and the live queue of
    each of today's open sessions (now serving, last number given, waiting).
    """
    now = now or timezone.now()
    today = now.astimezone(city.zone).date()
    sessions = Session.objects.filter(clinic__facility__city=city, date=today)
    appointments = Appointment.objects.filter(clinic__facility__city=city, date=today)
    return {
        "date": today.isoformat(),
        "totals": _appointment_figures(appointments, sessions),
        "by_facility": {
            code: _appointment_figures(
                appointments.filter(clinic__facility__code=code), sessions.filter(clinic__facility__code=code)
            )
            for code in Facility.objects.filter(city=city, active=True).values_list("code", flat=True)
        },
        "by_clinic": _by_clinic(appointments, sessions),
        "queues": live_queues(city, today),
    }


_WAIT = ExpressionWrapper(F("called_at") - F("checked_in_at"), output_field=DurationField())


def _figures_query(appointments):
    return dict(
        booked=Count("pk", filter=Q(walk_in=False, status__in=sorted(ACTIVE_STATUSES))),
        walk_ins=Count("pk", filter=Q(walk_in=True, status__in=sorted(ACTIVE_STATUSES))),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        waiting=Count("pk", filter=Q(status=Status.CHECKED_IN)),
        in_room=Count("pk", filter=Q(status__in=[Status.CALLED, Status.SERVED])),
        done=Count("pk", filter=Q(status=Status.DONE)),
        no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        average_wait=Avg(_WAIT, filter=Q(called_at__isnull=False, checked_in_at__isnull=False)),
    )


def _shape(row, offered):
    wait = row.pop("average_wait")
    taken = row["booked"] + row["walk_ins"]
    return {
        **row,
        "average_wait_minutes": round(wait.total_seconds() / 60, 1) if wait is not None else None,
        "places_offered": offered,
        "quota_fill_rate": round(taken / offered, 3) if offered else None,
    }


def _offered(sessions):
    total = sessions.filter(status=SessionStatus.OPEN).aggregate(
        n=Sum(F("quota_jkn") + F("quota_general") + F("quota_walk_in"))
    )["n"]
    return total or 0


def _appointment_figures(appointments, sessions):
    return _shape(appointments.aggregate(**_figures_query(appointments)), _offered(sessions))


def _by_clinic(appointments, sessions):
    """{"<facility code>/<poli code>": figures} for every poli with a session or an appointment today."""
    offered = {
        (row["clinic__facility__code"], row["clinic__code"]): row["n"] or 0
        for row in sessions.filter(status=SessionStatus.OPEN)
        .order_by()
        .values("clinic__facility__code", "clinic__code")
        .annotate(n=Sum(F("quota_jkn") + F("quota_general") + F("quota_walk_in")))
    }
    rows = (
        appointments.order_by()
        .values("clinic__facility__code", "clinic__code")
        .annotate(**_figures_query(appointments))
    )
    result = {}
    for row in rows:
        key = (row.pop("clinic__facility__code"), row.pop("clinic__code"))
        result["/".join(key)] = _shape(row, offered.get(key, 0))
    for key, places in offered.items():
        result.setdefault(
            "/".join(key), _shape({name: 0 for name in _figures_query(appointments)} | {"average_wait": None}, places)
        )
    return result


def live_queues(city, day):
    """Each open session of the day: poli, doctor, now serving, the last number given, how many wait."""
    sessions = (
        Session.objects.filter(clinic__facility__city=city, date=day, status=SessionStatus.OPEN)
        .select_related("clinic__facility", "practitioner")
        .annotate(
            waiting=Count("appointments", filter=Q(appointments__status=Status.CHECKED_IN)),
            booked=Count("appointments", filter=Q(appointments__status=Status.BOOKED)),
        )
        .order_by("clinic__facility__name", "clinic__name", "start")
    )
    return [
        {
            "session": session.pk,
            "facility": session.clinic.facility.code,
            "clinic": session.clinic.code,
            "clinic_name": session.clinic.name,
            "practitioner": session.practitioner.name,
            "start": session.start.strftime("%H:%M"),
            "end": session.end.strftime("%H:%M"),
            "now_serving": session.now_serving or None,
            "last_number": session.last_queue_number,
            "waiting": session.waiting,
            "not_checked_in": session.booked,
        }
        for session in sessions
    ]
