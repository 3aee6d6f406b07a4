"""e-Dokter's records as FHIR R4 (4.0.1) resources, and the posted booking read back: the one mapping module.

| our record                       | FHIR resource (id)                                                |
|----------------------------------|-------------------------------------------------------------------|
| Practitioner                     | Practitioner (pk)                                                 |
| Facility                         | Organization and Location (the same pk)                           |
| Clinic (poli)                    | HealthcareService (pk)                                            |
| a practitioner in a poli         | Schedule ("<practitioner pk>-<clinic pk>")                        |
| Session                          | Slot (pk): free / busy (full) / busy-unavailable (not bookable)   |
| Appointment                      | Appointment (pk); booking code as identifier                      |
| the citizen, a family member     | Patient (opaque id, clinics.fhir.patients; never the NIK)         |

Our own extensions, code systems and identifier systems live under `<KC_SITE_URL>/fhir/r4/` (docs/fhir.md).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.nik import parse_nik
from clinics.models import PaymentType, SessionStatus, Status, Weekday

FHIR_VERSION = "4.0.1"
CONTENT_TYPE = "application/fhir+json; charset=utf-8"
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"  # SATUSEHAT's identifier system for the NIK

# Our lifecycle → FHIR Appointment.status.
APPOINTMENT_STATUS = {
    Status.BOOKED: "booked",
    Status.CHECKED_IN: "arrived",
    Status.CALLED: "arrived",
    Status.SKIPPED: "arrived",
    Status.SERVED: "fulfilled",
    Status.DONE: "fulfilled",
    Status.CANCELLED: "cancelled",
    Status.RESCHEDULED: "cancelled",
    Status.NO_SHOW: "noshow",
}
# Every R4 Appointment.status code; those we never use match nothing in a search.
APPOINTMENT_CODES = (
    "proposed",
    "pending",
    "booked",
    "arrived",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
    "checked-in",
    "waitlist",
)
SLOT_CODES = ("busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error")


class FhirError(Exception):
    """An error answered as an OperationOutcome with this HTTP status and issue code."""

    def __init__(self, status, code, diagnostics, expression=None):
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression


def canonical(path):
    """A stable URL of ours (extensions, code and identifier systems): the site's address, not the request's."""
    return f"{settings.SITE_URL.rstrip('/')}/fhir/r4/{path}"


def extension_url(name):
    return canonical(f"StructureDefinition/{name}")


def system_url(name):
    return canonical(f"sid/{name}")


PAYMENT_SYSTEM = "CodeSystem/payment-type"


def _instant(moment):
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _ref(kind, pk, display=None):
    reference = {"reference": f"{kind}/{pk}"}
    if display:
        reference["display"] = display
    return reference


def schedule_id(practitioner_id, clinic_id):
    return f"{practitioner_id}-{clinic_id}"


def payment_coding(payment_type):
    return {"system": canonical(PAYMENT_SYSTEM), "code": payment_type, "display": PaymentType(payment_type).label}


# --- Directory: who and where -------------------------------------------------------------------


def practitioner(doctor):
    resource = {
        "resourceType": "Practitioner",
        "id": str(doctor.pk),
        "identifier": [{"use": "official", "system": system_url("sip"), "value": doctor.sip_number}],
        "active": doctor.active,
        "name": [{"use": "official", "text": doctor.name}],
    }
    if doctor.specialty:
        resource["qualification"] = [{"code": {"text": doctor.specialty}}]
    return resource


def _contact(facility, resource):
    if facility.phone:
        resource["telecom"] = [{"system": "phone", "value": facility.phone, "use": "work"}]
    if facility.address:
        resource["address"] = [{"use": "work", "text": facility.address}]
    return resource


def organization(facility):
    resource = {
        "resourceType": "Organization",
        "id": str(facility.pk),
        "identifier": [{"system": system_url("facility"), "value": facility.code}],
        "active": facility.active,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "prov",
                        "display": "Healthcare Provider",
                    }
                ],
                "text": facility.get_kind_display(),
            }
        ],
        "name": facility.name,
    }
    return _contact(facility, resource)


def location(facility):
    resource = {
        "resourceType": "Location",
        "id": str(facility.pk),
        "identifier": [{"system": system_url("facility"), "value": facility.code}],
        "status": "active" if facility.active else "inactive",
        "name": facility.name,
        "mode": "instance",
        "managingOrganization": _ref("Organization", facility.pk, facility.name),
    }
    if facility.phone:
        resource["telecom"] = [{"system": "phone", "value": facility.phone, "use": "work"}]
    if facility.address:
        resource["address"] = {"use": "work", "text": facility.address}
    return resource


def healthcare_service(clinic):
    facility = clinic.facility
    resource = {
        "resourceType": "HealthcareService",
        "id": str(clinic.pk),
        "identifier": [{"system": system_url("clinic"), "value": f"{facility.code}/{clinic.code}"}],
        "active": clinic.active and facility.active,
        "providedBy": _ref("Organization", facility.pk, facility.name),
        "location": [_ref("Location", facility.pk, facility.name)],
        "name": clinic.name,
        "appointmentRequired": False,  # the counter registers walk-ins into the same queue
    }
    if clinic.referral_required:
        resource["comment"] = "Pasien JKN memerlukan nomor rujukan dari fasilitas kesehatan tingkat pertama."
    return resource


def schedule(doctor, clinic, weekly):
    """A doctor's practice in one poli; `weekly` are its active WeeklySchedules (for the comment)."""
    facility = clinic.facility
    hours = "; ".join(
        f"{Weekday(item.weekday).label} {item.start:%H.%M}–{item.end:%H.%M}"
        for item in sorted(weekly, key=lambda item: (item.weekday, item.start))
    )
    resource = {
        "resourceType": "Schedule",
        "id": schedule_id(doctor.pk, clinic.pk),
        "active": doctor.active and clinic.active and facility.active,
        "serviceType": [{"text": clinic.name}],
        "actor": [
            _ref("Practitioner", doctor.pk, doctor.name),
            _ref("HealthcareService", clinic.pk, clinic.name),
            _ref("Location", facility.pk, facility.name),
        ],
    }
    if doctor.specialty:
        resource["specialty"] = [{"text": doctor.specialty}]
    resource["comment"] = f"Jadwal praktik: {hours}." if hours else "Tidak ada jadwal praktik mingguan yang aktif."
    return resource


# --- Slots: one per session ------------------------------------------------------------------------


def last_bookable_date(now):
    return timezone.localdate(now) + timedelta(days=settings.CLINIC_BOOKING_DAYS_AHEAD - 1)


def slot_status(session, now):
    """free: bookable online with a place left; busy: bookable but full; busy-unavailable: cancelled, started,
    past, not yet open for booking, on a holiday declared since, or the poli takes no online bookings
    (clinics.fhir.queries mirrors this; its rows carry `on_holiday`)."""
    bookable = (
        session.status == SessionStatus.OPEN
        and session.starts_at > now
        and session.date <= last_bookable_date(now)
        and session.clinic.active
        and session.clinic.facility.active
        and not session.on_holiday
    )
    if not bookable:
        return "busy-unavailable"
    return "free" if session.free_jkn or session.free_general else "busy"


def _capacity(session, payment_type):
    return {
        "url": extension_url("slot-capacity"),
        "extension": [
            {"url": "paymentType", "valueCoding": payment_coding(payment_type)},
            {"url": "quota", "valueUnsignedInt": session.quota(payment_type)},
            {"url": "free", "valueUnsignedInt": session.free(payment_type)},
        ],
    }


def slot(session, now):
    status = slot_status(session, now)
    if session.status == SessionStatus.CANCELLED:
        comment = "Sesi dibatalkan" + (f": {session.cancel_reason}" if session.cancel_reason else ".")
    else:
        comment = (
            f"Sisa tempat: JKN {session.free_jkn} dari {session.quota_jkn}, "
            f"umum {session.free_general} dari {session.quota_general}; "
            f"sekitar {session.minutes_per_patient} menit per pasien."
        )
        if status == "busy-unavailable":
            comment += " Pendaftaran online untuk sesi ini tidak dibuka."
    return {
        "resourceType": "Slot",
        "id": str(session.pk),
        "extension": [_capacity(session, PaymentType.JKN), _capacity(session, PaymentType.GENERAL)],
        "serviceType": [{"text": session.clinic.name}],
        "schedule": _ref("Schedule", schedule_id(session.practitioner_id, session.clinic_id)),
        "status": status,
        "start": _instant(session.starts_at),
        "end": _instant(session.ends_at),
        "overbooked": False,
        "comment": comment,
    }


# --- Patients and appointments -------------------------------------------------------------------


def patient(person, patient_id):
    """A citizen (User) or a FamilyMember, for their owner and the staff who serve them."""
    nik = getattr(person, "nik", None) or person.login_id
    name = getattr(person, "name", None) or person.full_name
    info = parse_nik(nik)
    return {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"use": "official", "system": NIK_SYSTEM, "value": nik}],
        "active": True,
        "name": [{"use": "official", "text": name}],
        "gender": "female" if info.female else "male",
        "birthDate": (getattr(person, "birth_date", None) or info.birth_date).isoformat(),
    }


def appointment(booking, patient_id):
    """`booking` with session__practitioner and clinic__facility loaded; `patient_id` None for a walk-in
    without an account (the patient is then named only)."""
    session = booking.session
    clinic = booking.clinic
    facility = clinic.facility
    doctor = session.practitioner
    start = booking.estimated_at
    person = {"display": booking.patient_name}
    if patient_id is not None:
        person = _ref("Patient", patient_id, booking.patient_name)
    extensions = [
        {"url": extension_url("payment-type"), "valueCoding": payment_coding(booking.payment_type)},
        {"url": extension_url("queue-number"), "valuePositiveInt": booking.queue_number},
    ]
    if booking.bpjs_number:
        extensions.append(
            {
                "url": extension_url("bpjs-card-number"),
                "valueIdentifier": {"system": system_url("bpjs-card"), "value": booking.bpjs_number},
            }
        )
    resource = {
        "resourceType": "Appointment",
        "id": str(booking.pk),
        "meta": {"lastUpdated": _instant(booking.updated_at)},
        "extension": extensions,
        "identifier": [{"use": "official", "system": system_url("booking-code"), "value": booking.booking_code}],
        "status": APPOINTMENT_STATUS[Status(booking.status)],
        "serviceType": [{"text": clinic.name}],
        "description": f"{clinic.name} {facility.name}, {doctor.name}: nomor antrean {booking.queue_number}",
        "start": _instant(start),
        "end": _instant(start + timedelta(minutes=session.minutes_per_patient)),
        "minutesDuration": session.minutes_per_patient,
        "slot": [_ref("Slot", session.pk)],
        "created": _instant(booking.booked_at),
        "participant": [
            {"actor": person, "required": "required", "status": "accepted"},
            {"actor": _ref("Practitioner", doctor.pk, doctor.name), "required": "required", "status": "accepted"},
            {"actor": _ref("HealthcareService", clinic.pk, clinic.name), "required": "required", "status": "accepted"},
            {"actor": _ref("Location", facility.pk, facility.name), "required": "required", "status": "accepted"},
        ],
    }
    if booking.referral_number:
        resource["basedOn"] = [
            {
                "type": "ServiceRequest",
                "identifier": {"system": system_url("referral"), "value": booking.referral_number},
                "display": f"Rujukan {booking.referral_number}",
            }
        ]
    if booking.status in (Status.CANCELLED, Status.RESCHEDULED):
        if booking.status == Status.RESCHEDULED:
            text = "Dipindah ke jadwal lain"
        elif session.status == SessionStatus.CANCELLED:
            # The session's reason is also stored on each of its appointments: say it once.
            text = "Sesi praktik dibatalkan" + (f": {session.cancel_reason}" if session.cancel_reason else "")
        else:
            text = "Dibatalkan" + (f": {booking.reason}" if booking.reason else "")
        resource["cancelationReason"] = {"text": text}
    return resource


# --- The booking a client posts --------------------------------------------------------------------


def booking_request(body):
    """What a posted Appointment asks for: {"slot": id, "patient": id, "payment_type", "bpjs_number",
    "referral_number"}; FhirError 400 naming the element otherwise (the rules are do_book's)."""
    if not isinstance(body, dict) or body.get("resourceType") != "Appointment":
        raise FhirError(400, "invalid", "Isi permintaan harus berupa resource Appointment (resourceType).")
    if body.get("status") not in ("proposed", "booked"):
        raise FhirError(400, "invalid", "Appointment.status harus 'proposed' atau 'booked'.", "Appointment.status")
    slots = body.get("slot")
    if not isinstance(slots, list) or len(slots) != 1 or not isinstance(slots[0], dict):
        raise FhirError(
            400, "required", 'Sebutkan tepat satu slot: "slot": [{"reference": "Slot/<id>"}].', "Appointment.slot"
        )
    slot_id = _reference_id(slots[0].get("reference"), "Slot", "Appointment.slot")
    participants = body.get("participant")
    if not isinstance(participants, list):
        participants = []
    patients = [
        item["actor"].get("reference")
        for item in participants
        if isinstance(item, dict)
        and isinstance(item.get("actor"), dict)
        and str(item["actor"].get("reference", "")).startswith("Patient/")
    ]
    if len(patients) != 1:
        raise FhirError(
            400,
            "required",
            'Sebutkan tepat satu peserta pasien: {"actor": {"reference": "Patient/<id>"}}; '
            "id pasien Anda dan anggota keluarga Anda ada di GET Patient.",
            "Appointment.participant",
        )
    patient_id = _reference_id(patients[0], "Patient", "Appointment.participant.actor")
    payment = _extension(body, "payment-type", "valueCoding")
    payment_type = payment.get("code", "") if isinstance(payment, dict) else ""
    bpjs = _extension(body, "bpjs-card-number", "valueIdentifier")
    referral = ""
    for item in body.get("basedOn") or []:
        identifier = item.get("identifier") if isinstance(item, dict) else None
        if isinstance(identifier, dict) and identifier.get("system") == system_url("referral"):
            referral = str(identifier.get("value") or "")
    return {
        "slot": slot_id,
        "patient": patient_id,
        "payment_type": str(payment_type),
        "bpjs_number": str(bpjs.get("value") or "") if isinstance(bpjs, dict) else "",
        "referral_number": referral,
    }


def _reference_id(reference, kind, expression):
    if not isinstance(reference, str) or not reference.startswith(f"{kind}/") or len(reference) <= len(kind) + 1:
        raise FhirError(400, "invalid", f"Referensi harus berbentuk {kind}/<id>.", expression)
    return reference[len(kind) + 1 :]


def _extension(body, name, value_key):
    for item in body.get("extension") or []:
        if isinstance(item, dict) and item.get("url") == extension_url(name):
            return item.get(value_key)
    return None


# Where do_book's field errors point in the posted resource.
BOOKING_FIELDS = {
    "session": "Appointment.slot",
    "payment_type": f"Appointment.extension('{extension_url('payment-type')}')",
    "bpjs_number": f"Appointment.extension('{extension_url('bpjs-card-number')}')",
    "referral_number": "Appointment.basedOn",
    "family_member": "Appointment.participant.actor",
}


# --- Bundles, outcomes, capabilities --------------------------------------------------------------


def operation_outcome(issues, severity="error"):
    """`issues`: [(issue code, diagnostics in Bahasa Indonesia, FHIRPath expression or None)]."""
    entries = []
    for code, diagnostics, expression in issues:
        issue = {"severity": severity, "code": code, "diagnostics": diagnostics}
        if expression:
            issue["expression"] = [expression]
        entries.append(issue)
    return {"resourceType": "OperationOutcome", "issue": entries}


def searchset(resources, *, base, total, links):
    """A searchset Bundle; `links` is [(relation, url)]."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": relation, "url": url} for relation, url in links],
        "entry": [
            {
                "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }


def capability_statement(base, resources, city_name, published):
    """`resources`: [(type, interactions, [(param name, type, documentation)])]."""
    return {
        "resourceType": "CapabilityStatement",
        "url": f"{base}metadata",
        "name": "KotaCerdasEDokter",
        "title": f"FHIR R4 e-Dokter {city_name}",
        "status": "active",
        "date": published,
        "publisher": city_name,
        "description": "Jadwal praktik, slot dan pendaftaran rawat jalan e-Dokter (baca, cari, dan daftar "
        "dengan membuat Appointment). Lihat docs/fhir.md.",
        "kind": "instance",
        "software": {"name": "Kota Cerdas e-Dokter"},
        "implementation": {"description": f"e-Dokter {city_name}", "url": base.rstrip("/")},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "Basic",
                                }
                            ],
                            "text": "Token akun Kota Cerdas (Authorization: Token <kunci>) atau sesi masuk. "
                            "Praktisi, fasilitas, poli, jadwal dan slot terbuka untuk umum; Appointment dan "
                            "Patient hanya untuk pasien dan petugas fasilitasnya.",
                        }
                    ]
                },
                "resource": [
                    {
                        "type": kind,
                        "interaction": [{"code": code} for code in interactions],
                        "searchParam": [
                            {"name": name, "type": param_type, "documentation": doc} for name, param_type, doc in params
                        ],
                    }
                    for kind, interactions, params in resources
                ],
            }
        ],
    }
