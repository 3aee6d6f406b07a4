"""An appointment as an iCalendar file (RFC 5545), so a patient can keep it in their phone's calendar.

One VEVENT per booking code (its UID), at the estimated time for the length of one patient's turn, with a
reminder an hour before. A cancelled or moved booking is the same event with STATUS:CANCELLED and a higher
SEQUENCE, so a calendar that imports the file again drops it.
"""

from datetime import UTC, timedelta

from django.utils import timezone

from clinics.models import WAITING_STATUSES, Status

# The visit will not take place at this booking (a moved one has a new booking, with its own event).
CALLED_OFF = {Status.CANCELLED, Status.RESCHEDULED}
LINE_OCTETS = 75


def appointment_ics(appointment, host):
    session = appointment.session
    facility = session.clinic.facility
    start = appointment.estimated_at
    place = facility.name + (f", {facility.address}" if facility.address else "")
    description = (
        f"Kode booking {appointment.booking_code}, nomor antrean {appointment.queue_number}. "
        f"Pasien: {appointment.patient_name}. Dokter: {session.practitioner.name}. "
        f"Sesi {session.start:%H.%M}–{session.end:%H.%M}. Check-in di loket pendaftaran dengan kode ini."
    )
    called_off = appointment.status in CALLED_OFF
    event = [
        "BEGIN:VEVENT",
        f"UID:{appointment.booking_code}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(start + timedelta(minutes=session.minutes_per_patient))}",
        f"SUMMARY:{_text(f'Berobat ke {session.clinic.name}, {facility.name}')}",
        f"LOCATION:{_text(place)}",
        f"DESCRIPTION:{_text(description)}",
        f"STATUS:{'CANCELLED' if called_off else 'CONFIRMED'}",
        # Calling a booking off is its only change a calendar needs to know of: one step up is enough.
        f"SEQUENCE:{1 if called_off else 0}",
    ]
    if appointment.status in WAITING_STATUSES:  # still to come: remind an hour before
        event += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_text(description)}", "TRIGGER:-PT1H", "END:VALARM"]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kota Cerdas//e-Dokter//ID", "METHOD:PUBLISH", *event]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value):
    """A TEXT value: backslash, semicolon, comma and newline escaped (RFC 5545 §3.3.11)."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line):
    """Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character."""
    parts, current = [], ""
    for char in line:
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)
