"""What can happen in e-Dokter, for the web pages, the API and FHIR alike.

access_* and check_* decide who may see and do what; do_* change state. Every status change of an
appointment goes through `_move()`: it refuses a move the transition table does not allow (IllegalMove →
HTTP 409) or one based on a stale view, and in the same transaction sets the step's timestamp, writes the
audit event (with the patient's public timeline text) and queues the patient's notification.

Everything that changes a session's counters (booking, cancelling, rescheduling, walk-in registration)
or its queue (calling) first locks the session row (SELECT … FOR UPDATE), then the appointment: one lock
order everywhere, so a session is never overbooked, a queue number is never given twice, and two
transactions never wait on each other in a circle.

Who: citizens book for themselves and their registered family members; the registration desk and the
clinic are the `hospital_staff` officers of the facility's OPD (RSUD Dr. R.M. Djoelham: its own OPD; a
puskesmas: the Dinas Kesehatan, whose units the puskesmas are); a doctor with a login works the queue of
their own sessions; the Inspektorat, the Command Center and the city admin read everything.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from accounts.nik import check_nik_for_city, parse_nik
from audit.events import record
from cities.models import Holiday, current_city
from clinics import links
from clinics.models import (
    ACTIVE_STATUSES,
    IN_ROOM_STATUSES,
    WAITING_STATUSES,
    Appointment,
    Clinic,
    ExceptionReason,
    Facility,
    FamilyMember,
    PaymentType,
    Relation,
    ScheduleException,
    Session,
    SessionStatus,
    Status,
    WeeklySchedule,
    new_booking_code,
    parse_booking_code,
    session_moments,
)
from notifications.outbox import notify_user

BPJS_NUMBER = re.compile(r"[0-9]{13}")
REFERRAL_NUMBER = re.compile(r"[A-Z0-9]{10,25}")
CODE_ATTEMPTS = 5
BATCH = 500


class IllegalMove(Exception):
    """A change the appointment's or session's state does not allow (answered with HTTP 409)."""


# --- Who may see and do what -------------------------------------------------------------------


def is_facility_staff(user, facility):
    """A hospital_staff officer of the facility's OPD."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_officer
        and user.role == Role.HOSPITAL_STAFF
        and facility.opd_id is not None
        and user.opd_id == facility.opd_id
    )


def check_facility_staff(user, facility):
    if not is_facility_staff(user, facility):
        if user.is_authenticated and user.role == Role.INSPEKTORAT:
            raise PermissionDenied("Inspektorat hanya dapat membaca, tidak mengubah.")
        raise PermissionDenied(f"Hanya petugas {facility.name} yang dapat melakukan ini.")


def _is_session_doctor(user, session):
    return user.is_authenticated and user.is_active and session.practitioner.user_id == user.pk


def check_queue_actor(user, session):
    """The facility's staff, or the doctor of the session, work its queue."""
    if not _is_session_doctor(user, session):
        check_facility_staff(user, session.clinic.facility)


# Appointments are health data (UU 27/2022 PDP: data pribadi spesifik). Besides the facility and the
# doctor, only the Inspektorat (audit) and the city admin (who runs the system) read them; the
# Command Center watches boards and statistics, which carry no names.
READS_EVERY_APPOINTMENT = {Role.INSPEKTORAT, Role.CITY_ADMIN}


def reads_every_appointment(user):
    return user.is_authenticated and user.is_active and user.role in READS_EVERY_APPOINTMENT


def may_see_appointment(user, appointment):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_citizen:
        return appointment.patient_id is not None and appointment.patient_id == user.pk
    if reads_every_appointment(user):
        return True
    session = appointment.session
    return is_facility_staff(user, session.clinic.facility) or _is_session_doctor(user, session)


def access_appointment(user, appointment):
    """The appointment if the user may see it; otherwise 404, so its existence is not revealed."""
    if not may_see_appointment(user, appointment):
        raise Http404("Data tidak ditemukan.")
    return appointment


def appointments_visible_to(user, queryset=None):
    """Filter appointments down to what the user may see (the lists of the pages, the API and FHIR)."""
    queryset = Appointment.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_citizen:
        return queryset.filter(patient=user)
    if reads_every_appointment(user):
        return queryset
    mine = Q(session__practitioner__user=user)
    if user.role == Role.HOSPITAL_STAFF and user.opd_id is not None:
        mine |= Q(clinic__facility__opd_id=user.opd_id)
    return queryset.filter(mine)


def _check_citizen(user):
    if not user.is_authenticated or not user.is_citizen:
        raise PermissionDenied("Pendaftaran online dilakukan oleh warga yang masuk dengan NIK.")


def check_patient(user, appointment):
    """Only the citizen who booked may cancel or reschedule; anyone else who may not see it gets 404."""
    access_appointment(user, appointment)
    if appointment.patient_id != user.pk:
        raise PermissionDenied("Hanya pasien yang mendaftar yang dapat mengubah pendaftaran ini.")


# --- Sessions from the weekly schedules -------------------------------------------------------


def materialize_sessions(city, start=None, days=None):
    """Make the dated sessions of the city's active weekly schedules from `start` for `days` days.

    Idempotent: sessions that exist are left as they are (their quotas and bookings stay). Skipped: the
    city's holidays and the doctors' exceptions (leave, cancelled) of the day. Returns how many were made.
    """
    start = start or timezone.localdate(timezone.now(), city.zone)
    days = settings.CLINIC_SESSION_DAYS_AHEAD if days is None else days
    end = start + timedelta(days=days - 1)
    schedules = list(
        WeeklySchedule.objects.filter(
            active=True,
            practitioner__active=True,
            clinic__active=True,
            clinic__facility__active=True,
            clinic__facility__city=city,
        )
    )
    holidays = set(city.holidays.filter(date__range=(start, end)).values_list("date", flat=True))
    off = set(
        ScheduleException.objects.filter(practitioner__facility__city=city, date__range=(start, end)).values_list(
            "practitioner_id", "schedule_id", "date"
        )
    )
    existing = set(
        Session.objects.filter(clinic__facility__city=city, date__range=(start, end)).values_list(
            "practitioner_id", "clinic_id", "date", "start"
        )
    )
    new = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day in holidays:
            continue
        for schedule in schedules:
            if schedule.weekday != day.weekday():
                continue
            if (schedule.practitioner_id, None, day) in off or (schedule.practitioner_id, schedule.pk, day) in off:
                continue
            if (schedule.practitioner_id, schedule.clinic_id, day, schedule.start) in existing:
                continue
            starts_at, ends_at = session_moments(day, schedule.start, schedule.end, city.zone)
            new.append(
                Session(
                    clinic_id=schedule.clinic_id,
                    practitioner_id=schedule.practitioner_id,
                    schedule=schedule,
                    date=day,
                    start=schedule.start,
                    end=schedule.end,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    quota_jkn=schedule.quota_jkn,
                    quota_general=schedule.quota_general,
                    quota_walk_in=schedule.quota_walk_in,
                    minutes_per_patient=schedule.minutes_per_patient,
                )
            )
    # ignore_conflicts: two workers materialising at once make each session once.
    Session.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def materialize_upcoming_sessions():
    """The daily job: sessions for the city's next CLINIC_SESSION_DAYS_AHEAD days."""
    city = current_city()
    return materialize_sessions(city) if city is not None else 0


def bookable_sessions(*, clinic=None, practitioner=None, facility=None, city=None, now=None, days=None):
    """Open sessions a citizen may still book (not started, within the booking window), soonest first.

    Each Session carries its free places: `free_jkn`, `free_general` (and `free_walk_in` for the counter).
    """
    now = now or timezone.now()
    days = settings.CLINIC_BOOKING_DAYS_AHEAD if days is None else days
    sessions = Session.objects.filter(status=SessionStatus.OPEN, starts_at__gt=now, clinic__active=True)
    if clinic is not None:
        sessions = sessions.filter(clinic=clinic)
        city = city or clinic.facility.city
    if practitioner is not None:
        sessions = sessions.filter(practitioner=practitioner)
        city = city or practitioner.facility.city
    if facility is not None:
        sessions = sessions.filter(clinic__facility=facility)
        city = city or facility.city
    city = city or current_city()
    sessions = sessions.filter(clinic__facility__city=city)
    today = timezone.localdate(now, city.zone)
    # A session not yet started is today or later: the lower bound (implied by starts_at > now) lets the
    # (clinic, date) and (date, status) indexes read the window only, not the whole history.
    window = (today, today + timedelta(days=days - 1))
    return list(
        sessions.filter(date__range=window)
        # A holiday declared after its sessions were made: not bookable while the worker closes them.
        .exclude(date__in=city.holidays.filter(date__range=window).values("date"))
        .select_related("clinic__facility", "practitioner")
        .order_by("starts_at", "clinic_id", "id")
    )


# --- Family members ---------------------------------------------------------------------------


def do_add_family_member(user, *, nik, name, relation, birth_date=None):
    """Register a person the citizen books for; the NIK is checked like the citizen's own at registration."""
    _check_citizen(user)
    city = current_city()
    errors = {}
    nik = re.sub(r"\s", "", nik or "")
    name = (name or "").strip()
    info = None
    try:
        info = check_nik_for_city(nik, city)
    except ValidationError as exc:
        errors["nik"] = exc.messages
    if info is not None:
        if nik == user.login_id:
            errors["nik"] = ["Ini NIK Anda sendiri; daftar untuk diri sendiri tanpa menambahkan anggota keluarga."]
        elif FamilyMember.objects.filter(owner=user, nik=nik).exists():
            errors["nik"] = ["Anggota keluarga dengan NIK ini sudah Anda daftarkan."]
        elif birth_date is not None and birth_date != info.birth_date:
            errors["birth_date"] = ["Tanggal lahir tidak sesuai dengan tanggal lahir pada NIK."]
    if not name:
        errors["name"] = ["Nama lengkap wajib diisi."]
    elif len(name) > 150:
        errors["name"] = ["Nama paling panjang 150 karakter."]
    if relation not in Relation.values:
        errors["relation"] = ["Pilih hubungan keluarga dari pilihan yang tersedia."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return FamilyMember.objects.create(
                owner=user, nik=nik, name=name, relation=relation, birth_date=info.birth_date
            )
    except IntegrityError:
        raise ValidationError({"nik": ["Anggota keluarga dengan NIK ini sudah Anda daftarkan."]}) from None


def do_remove_family_member(user, member):
    """Remove a family member the citizen registered; not while they have a booking still to come."""
    _check_citizen(user)
    if member.owner_id != user.pk:
        raise Http404("Data tidak ditemukan.")
    if member.appointments.filter(status__in=WAITING_STATUSES).exists():
        raise ValidationError(
            {
                "family_member": [
                    f"{member.name} masih punya pendaftaran yang akan datang; batalkan dulu pendaftarannya."
                ]
            }
        )
    if member.appointments.exists():
        # Past visits keep their record of who was seen (the appointments refer to the member).
        raise ValidationError(
            {"family_member": [f"{member.name} sudah pernah berobat lewat akun ini; datanya disimpan sebagai riwayat."]}
        )
    member.delete()


# --- Booking ----------------------------------------------------------------------------------


def no_show_block(user, now=None):
    """Until when the citizen may not book online after repeated no-shows, or None.

    CLINIC_NO_SHOW_LIMIT no-shows within CLINIC_NO_SHOW_WINDOW_DAYS of each other block online booking for
    CLINIC_NO_SHOW_BLOCK_DAYS after the last of them (booking at the counter stays open).
    """
    now = now or timezone.now()
    limit = settings.CLINIC_NO_SHOW_LIMIT
    block = timedelta(days=settings.CLINIC_NO_SHOW_BLOCK_DAYS)
    recent = list(
        Appointment.objects.filter(patient=user, walk_in=False, status=Status.NO_SHOW, no_show_at__gt=now - block)
        .order_by("-no_show_at")
        .values_list("no_show_at", flat=True)[:1]
    )
    if not recent:
        return None
    last = recent[0]
    window = Appointment.objects.filter(
        patient=user,
        walk_in=False,
        status=Status.NO_SHOW,
        no_show_at__gte=last - timedelta(days=settings.CLINIC_NO_SHOW_WINDOW_DAYS),
        no_show_at__lte=last,
    ).count()
    return last + block if window >= limit else None


def _check_payment(clinic, payment_type, bpjs_number, referral_number):
    """(payment type, BPJS number, referral number) cleaned; ValidationError per field otherwise."""
    errors = {}
    if payment_type not in PaymentType.values:
        raise ValidationError({"payment_type": ["Pilih cara bayar: JKN (BPJS Kesehatan) atau umum."]})
    if payment_type == PaymentType.GENERAL:
        return payment_type, "", ""
    bpjs = re.sub(r"[\s.-]", "", bpjs_number or "")
    referral = re.sub(r"[\s./-]", "", referral_number or "").upper()
    if not bpjs:
        errors["bpjs_number"] = ["Nomor kartu BPJS Kesehatan wajib diisi untuk pasien JKN."]
    elif not BPJS_NUMBER.fullmatch(bpjs):
        errors["bpjs_number"] = ["Nomor kartu BPJS Kesehatan terdiri dari 13 angka."]
    if clinic.referral_required:
        if not referral:
            errors["referral_number"] = [
                f"{clinic.name} melayani pasien JKN dengan rujukan: isi nomor rujukan dari puskesmas atau klinik Anda."
            ]
        elif not REFERRAL_NUMBER.fullmatch(referral):
            errors["referral_number"] = ["Nomor rujukan terdiri dari 10–25 huruf dan angka."]
    elif referral and not REFERRAL_NUMBER.fullmatch(referral):
        errors["referral_number"] = ["Nomor rujukan terdiri dari 10–25 huruf dan angka."]
    if errors:
        raise ValidationError(errors)
    return payment_type, bpjs, referral


def _check_bookable(session, now):
    """An open session not yet started, within the booking window."""
    city = session.clinic.facility.city
    today = timezone.localdate(now, city.zone)
    if session.status != SessionStatus.OPEN:
        raise ValidationError({"session": ["Sesi praktik ini dibatalkan; pilih sesi lain."]})
    if not session.clinic.active or not session.clinic.facility.active:
        raise ValidationError({"session": [f"{session.clinic.name} tidak menerima pendaftaran online."]})
    if session.date < today:
        raise ValidationError({"session": ["Tanggal sesi ini sudah lewat; pilih sesi hari ini atau yang akan datang."]})
    if session.starts_at <= now:
        raise ValidationError(
            {"session": ["Sesi ini sudah dimulai; pendaftaran online ditutup. Silakan mendaftar di loket."]}
        )
    if session.date > today + timedelta(days=settings.CLINIC_BOOKING_DAYS_AHEAD - 1):
        raise ValidationError(
            {
                "session": [
                    f"Pendaftaran online dibuka paling lama {settings.CLINIC_BOOKING_DAYS_AHEAD} hari sebelumnya."
                ]
            }
        )
    holiday = city.holidays.filter(date=session.date).first()
    if holiday is not None:  # declared after the session was made; close_sessions_on_holidays will close it
        raise ValidationError({"session": [f"{session.date:%d-%m-%Y} hari libur ({holiday.name}); pilih hari lain."]})


def _check_no_duplicate(clinic, day, nik, name):
    if Appointment.objects.filter(clinic=clinic, date=day, patient_nik=nik, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(
            {
                "session": [
                    f"{name} sudah terdaftar di {clinic.name} pada {day:%d-%m-%Y}; satu pendaftaran per poli per hari."
                ]
            }
        )


def _full_message(session, payment_type):
    kind = "JKN" if payment_type == PaymentType.JKN else "pasien umum"
    return f"Kuota {kind} sesi ini sudah penuh; pilih sesi atau dokter lain."


def _create_appointment(session, now, **fields):
    """Insert the appointment with a fresh booking code; a duplicate person raises ValidationError."""
    for _ in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    session=session,
                    clinic_id=session.clinic_id,
                    date=session.date,
                    booking_code=new_booking_code(),
                    booked_at=now,
                    updated_at=now,
                    **fields,
                )
        except IntegrityError:
            # Another transaction booked the same person into this poli on this day (the partial unique
            # index waited for it to commit), or, very rarely, the random code was taken: try again.
            _check_no_duplicate(session.clinic, session.date, fields["patient_nik"], fields["patient_name"])
    raise RuntimeError("Tidak dapat membuat kode booking yang unik.")


def _take_number(session, *, counter):
    """The next queue number of a locked session, counting the place taken in `counter`."""
    session.last_queue_number += 1
    setattr(session, counter, getattr(session, counter) + 1)
    session.save(update_fields=["last_queue_number", counter])
    return session.last_queue_number


def _lock_session(session):
    return (
        Session.objects.select_for_update().select_related("clinic__facility__city", "practitioner").get(pk=session.pk)
    )


def do_book(user, session, *, payment_type, family_member=None, bpjs_number="", referral_number="", now=None):
    """Book a place in a session for the citizen or one of their family members.

    Returns the appointment with its booking code, queue number and estimated service time
    (session start + (queue number − 1) × minutes per patient).
    """
    now = now or timezone.now()
    _check_citizen(user)
    if family_member is not None and family_member.owner_id != user.pk:
        raise ValidationError({"family_member": ["Pilih anggota keluarga yang Anda daftarkan sendiri."]})
    payment_type, bpjs, referral = _check_payment(session.clinic, payment_type, bpjs_number, referral_number)
    blocked_until = no_show_block(user, now)
    if blocked_until is not None:
        until = timezone.localtime(blocked_until, session.clinic.facility.city.zone)
        raise ValidationError(
            {
                "session": [
                    f"Pendaftaran online Anda ditangguhkan sampai {until:%d-%m-%Y} karena beberapa kali tidak hadir "
                    "tanpa membatalkan. Anda tetap dapat mendaftar langsung di loket."
                ]
            }
        )
    person_nik, person_name = (
        (family_member.nik, family_member.name) if family_member else (user.login_id, user.full_name)
    )
    with transaction.atomic():
        locked = _lock_session(session)
        _check_bookable(locked, now)
        _check_no_duplicate(locked.clinic, locked.date, person_nik, person_name)
        if locked.free(payment_type) < 1:
            raise ValidationError({"session": [_full_message(locked, payment_type)]})
        counter = "booked_jkn" if payment_type == PaymentType.JKN else "booked_general"
        number = _take_number(locked, counter=counter)
        appointment = _create_appointment(
            locked,
            now,
            patient=user,
            family_member=family_member,
            patient_nik=person_nik,
            patient_name=person_name,
            payment_type=payment_type,
            bpjs_number=bpjs,
            referral_number=referral,
            queue_number=number,
            estimated_at=locked.estimated_at(number),
        )
        _record(appointment, None, "booked", actor=user, public_text=_booked_text(appointment))
        _tell(appointment, "clinic_booked", {})
    return appointment


def _booked_text(appointment):
    session = appointment.session
    return (
        f"Terdaftar di {session.clinic.name} {session.clinic.facility.name}, {session.practitioner.name}, "
        f"{session.date:%d-%m-%Y}: nomor antrean {appointment.queue_number}, kode booking {appointment.booking_code}."
    )


# --- The patient's changes --------------------------------------------------------------------


def _check_before_cutoff(appointment, now, what):
    if now > change_cutoff(appointment):
        raise ValidationError(
            {
                "appointment": [
                    f"Pendaftaran hanya dapat {what} paling lambat {settings.CLINIC_CANCEL_CUTOFF_HOURS} jam sebelum "
                    "sesi dimulai. Hubungi loket pendaftaran bila berhalangan."
                ]
            }
        )


def _release(session, appointment):
    """Give the appointment's place back to a locked session (its queue number is not reused)."""
    if appointment.walk_in:
        session.walk_ins -= 1
        session.save(update_fields=["walk_ins"])
    else:
        counter = "booked_jkn" if appointment.payment_type == PaymentType.JKN else "booked_general"
        setattr(session, counter, getattr(session, counter) - 1)
        session.save(update_fields=[counter])


def do_cancel(user, appointment, *, reason="", now=None):
    """The patient cancels, until the cut-off before the session; the place goes back to the quota."""
    now = now or timezone.now()
    check_patient(user, appointment)
    reason = (reason or "").strip()[:300]
    with transaction.atomic():
        session = _lock_session(appointment.session)
        if appointment.status != Status.BOOKED:
            _refuse(appointment, Status.CANCELLED)
        _check_before_cutoff(appointment, now, "dibatalkan")
        _move(
            appointment,
            Status.CANCELLED,
            actor=user,
            action="cancelled",
            public_text="Pendaftaran dibatalkan oleh pasien.",
            reason=reason,
            now=now,
            cancelled_at=now,
        )
        _release(session, appointment)
    return appointment


def do_reschedule(user, appointment, new_session, *, now=None):
    """Move a booking to another session of the same poli, until the cut-off; a new booking code and number.

    The old appointment ends as `rescheduled` (pointing at the new one) and gives its place back.
    """
    now = now or timezone.now()
    check_patient(user, appointment)
    if new_session.clinic_id != appointment.clinic_id:
        raise ValidationError({"session": ["Jadwal hanya dapat dipindah ke sesi lain di poli yang sama."]})
    if new_session.pk == appointment.session_id:
        raise ValidationError({"session": ["Pilih sesi yang berbeda dari sesi sekarang."]})
    with transaction.atomic():
        # Both sessions locked in id order: two reschedules crossing each other never deadlock.
        first, second = sorted([appointment.session, new_session], key=lambda s: s.pk)
        locked = {s.pk: _lock_session(s) for s in (first, second)}
        old, target = locked[appointment.session_id], locked[new_session.pk]
        if appointment.status != Status.BOOKED:
            _refuse(appointment, Status.RESCHEDULED)
        _check_before_cutoff(appointment, now, "dipindah")
        _check_bookable(target, now)
        if target.free(appointment.payment_type) < 1:
            raise ValidationError({"session": [_full_message(target, appointment.payment_type)]})
        _move(
            appointment,
            Status.RESCHEDULED,
            actor=user,
            action="rescheduled",
            public_text="Pendaftaran dipindah ke jadwal lain.",
            now=now,
            notify=False,
            cancelled_at=now,
        )
        _release(old, appointment)
        counter = "booked_jkn" if appointment.payment_type == PaymentType.JKN else "booked_general"
        _check_no_duplicate(target.clinic, target.date, appointment.patient_nik, appointment.patient_name)
        number = _take_number(target, counter=counter)
        new = _create_appointment(
            target,
            now,
            patient=appointment.patient,
            family_member=appointment.family_member,
            patient_nik=appointment.patient_nik,
            patient_name=appointment.patient_name,
            payment_type=appointment.payment_type,
            bpjs_number=appointment.bpjs_number,
            referral_number=appointment.referral_number,
            queue_number=number,
            estimated_at=target.estimated_at(number),
        )
        appointment.rescheduled_to = new
        appointment.save(update_fields=["rescheduled_to"])
        _record(
            new,
            None,
            "booked",
            actor=user,
            public_text=_booked_text(new),
            reason=f"Pindahan dari {appointment.booking_code}",
        )
        _tell(new, "clinic_booked", {"moved_from": appointment})
    return new


# --- The registration desk and the clinic -----------------------------------------------------


def find_by_code(user, code, *, facility=None):
    """The appointment with this booking code that the staff member may handle; 404 otherwise."""
    code = parse_booking_code(code)
    appointment = (
        Appointment.objects.select_related("session__clinic__facility__city", "session__practitioner")
        .filter(booking_code=code)
        .first()
        if code
        else None
    )
    if appointment is None or (facility is not None and appointment.session.clinic.facility_id != facility.pk):
        raise Http404("Kode booking tidak ditemukan.")
    session = appointment.session
    if not (is_facility_staff(user, session.clinic.facility) or _is_session_doctor(user, session)):
        raise Http404("Kode booking tidak ditemukan.")
    return appointment


def do_check_in(user, code, *, facility=None, now=None):
    """The registration desk checks a patient in by booking code (typed, or read from the QR code)."""
    now = now or timezone.now()
    appointment = find_by_code(user, code, facility=facility)
    session = appointment.session
    check_facility_staff(user, session.clinic.facility)
    today = timezone.localdate(now, session.clinic.facility.city.zone)
    if appointment.status != Status.BOOKED:
        _refuse(appointment, Status.CHECKED_IN)
    if session.status != SessionStatus.OPEN:
        raise IllegalMove("Sesi praktik ini dibatalkan; pasien tidak dapat check-in.")
    if session.date != today:
        raise IllegalMove(f"Pendaftaran ini untuk tanggal {session.date:%d-%m-%Y}; check-in hanya pada hari itu.")
    if now >= session.ends_at:
        raise IllegalMove("Sesi praktik ini sudah selesai.")
    with transaction.atomic():
        _move(
            appointment,
            Status.CHECKED_IN,
            actor=user,
            action="checked_in",
            public_text=f"Check-in di {session.clinic.facility.name}; menunggu dipanggil ke {session.clinic.name}.",
            now=now,
            notify=False,
            checked_in_at=now,
        )
    return appointment


def do_register_walk_in(user, session, *, nik, name, payment_type, bpjs_number="", referral_number="", now=None):
    """The counter registers a patient who came without booking into the same queue (counter quota).

    The NIK must be well-formed (patients from outside the city are served too); a citizen account with the
    NIK is linked, so the visit appears in their cases.
    """
    now = now or timezone.now()
    check_facility_staff(user, session.clinic.facility)
    errors = {}
    nik = re.sub(r"\s", "", nik or "")
    name = (name or "").strip()
    try:
        parse_nik(nik)
    except ValidationError as exc:
        errors["nik"] = exc.messages
    if not name or len(name) > 150:
        errors["name"] = ["Nama pasien wajib diisi (paling panjang 150 karakter)."]
    try:
        payment_type, bpjs, referral = _check_payment(session.clinic, payment_type, bpjs_number, referral_number)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_session(session)
        today = timezone.localdate(now, locked.clinic.facility.city.zone)
        if locked.status != SessionStatus.OPEN:
            raise IllegalMove("Sesi praktik ini dibatalkan.")
        if locked.date != today or now >= locked.ends_at:
            raise IllegalMove("Pendaftaran loket hanya untuk sesi hari ini yang belum selesai.")
        _check_no_duplicate(locked.clinic, locked.date, nik, name)
        if locked.free_walk_in < 1:
            raise ValidationError({"session": ["Kuota loket sesi ini sudah penuh."]})
        number = _take_number(locked, counter="walk_ins")
        account = User.objects.filter(login_id=nik, kind=User.Kind.CITIZEN).first()
        appointment = _create_appointment(
            locked,
            now,
            patient=account,
            patient_nik=nik,
            patient_name=name,
            payment_type=payment_type,
            bpjs_number=bpjs,
            referral_number=referral,
            queue_number=number,
            estimated_at=max(locked.estimated_at(number), now),
            status=Status.CHECKED_IN,
            walk_in=True,
            registered_by=user,
            checked_in_at=now,
        )
        _record(
            appointment,
            None,
            "walk_in",
            actor=user,
            public_text=f"Terdaftar di loket {locked.clinic.facility.name}, {locked.clinic.name}: "
            f"nomor antrean {number}.",
        )
    return appointment


def do_call_next(user, session, *, now=None):
    """Call the checked-in patient with the lowest queue number; None when nobody is waiting.

    The patient called before must first be marked served or skipped.
    """
    now = now or timezone.now()
    check_queue_actor(user, session)
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.status != SessionStatus.OPEN:
            raise IllegalMove("Sesi praktik ini dibatalkan.")
        still_called = locked.appointments.filter(status=Status.CALLED).order_by("queue_number").first()
        if still_called is not None:
            raise IllegalMove(
                f"Nomor {still_called.queue_number} masih dipanggil: tandai sedang dilayani atau lewati dulu."
            )
        appointment = locked.appointments.filter(status=Status.CHECKED_IN).order_by("queue_number").first()
        if appointment is None:
            return None
        _call(appointment, locked, user, now, action="called")
    return appointment


def _call(appointment, session, user, now, *, action):
    _move(
        appointment,
        Status.CALLED,
        actor=user,
        action=action,
        public_text=f"Nomor antrean {appointment.queue_number} dipanggil ke {session.clinic.name}.",
        now=now,
        notify=False,
        called_at=appointment.called_at or now,
        call_count=appointment.call_count + 1,
    )
    session.now_serving = appointment.queue_number
    session.save(update_fields=["now_serving"])


def do_recall(user, appointment, *, now=None):
    """Call a patient again: the one just called, or one skipped earlier who has turned up."""
    now = now or timezone.now()
    check_queue_actor(user, appointment.session)
    with transaction.atomic():
        session = _lock_session(appointment.session)
        if appointment.status not in (Status.CALLED, Status.SKIPPED):
            raise IllegalMove("Hanya pasien yang sudah dipanggil atau dilewati yang dapat dipanggil ulang.")
        if appointment.status == Status.SKIPPED:
            other = session.appointments.filter(status=Status.CALLED).exclude(pk=appointment.pk).first()
            if other is not None:
                raise IllegalMove(
                    f"Nomor {other.queue_number} masih dipanggil: tandai sedang dilayani atau lewati dulu."
                )
        _call(appointment, session, user, now, action="recalled")
    return appointment


def do_skip(user, appointment, *, now=None):
    """The called patient is not there: skipped (they may be called again; a no-show when the session ends)."""
    now = now or timezone.now()
    check_queue_actor(user, appointment.session)
    with transaction.atomic():
        _lock_session(appointment.session)
        _move(
            appointment,
            Status.SKIPPED,
            actor=user,
            action="skipped",
            public_text=f"Nomor antrean {appointment.queue_number} dilewati karena tidak ada saat dipanggil. "
            "Laporkan diri ke petugas poli untuk dipanggil kembali.",
            now=now,
        )
    return appointment


def do_mark_served(user, appointment, *, now=None):
    now = now or timezone.now()
    check_queue_actor(user, appointment.session)
    with transaction.atomic():
        _lock_session(appointment.session)
        _move(
            appointment,
            Status.SERVED,
            actor=user,
            action="served",
            public_text="Pasien sedang dilayani di poli.",
            now=now,
            notify=False,
            served_at=now,
        )
    return appointment


def do_mark_done(user, appointment, *, now=None):
    now = now or timezone.now()
    check_queue_actor(user, appointment.session)
    with transaction.atomic():
        _lock_session(appointment.session)
        _move(
            appointment,
            Status.DONE,
            actor=user,
            action="done",
            public_text="Pelayanan di poli selesai.",
            now=now,
            notify=False,
            done_at=now,
        )
    return appointment


@dataclass(frozen=True)
class QueuePosition:
    """Where an appointment stands in its session's live queue."""

    ahead: int  # patients still to be seen before this one (waiting, in the room)
    estimated_at: datetime


def current_estimate(appointment, now=None):
    """The live estimate of when a waiting appointment is served, or None once it is called or ended.

    Counted from the session's progress: start (or now, once later) + (patients in the room + patients with
    a lower number still waiting) × minutes per patient. Cancellations ahead make it earlier; a late start
    or slow consultations make it later.
    """
    now = now or timezone.now()
    if appointment.status not in WAITING_STATUSES:
        return None
    session = appointment.session
    rows = session.appointments.filter(
        Q(status__in=IN_ROOM_STATUSES) | Q(status__in=WAITING_STATUSES, queue_number__lt=appointment.queue_number)
    ).count()
    base = max(now, session.starts_at)
    return QueuePosition(ahead=rows, estimated_at=base + timedelta(minutes=rows * session.minutes_per_patient))


@dataclass(frozen=True)
class QueueBoard:
    """What the waiting-room screen of one session shows: numbers only, never names."""

    session_id: int
    clinic: str
    practitioner: str
    now_serving: int | None  # the number called last, while it is in the room
    next_numbers: list  # checked-in numbers still to be called, lowest first (at most `shown`)
    skipped: list  # numbers called but absent, who may report back
    waiting: int  # checked in, not yet called
    not_checked_in: int  # booked, not yet at the desk
    last_number: int


def queue_board(session, *, shown=5):
    """The live queue of a session for the waiting-room board and the Command Center."""
    return queue_boards([session], shown=shown)[0]


# --- Cancellation of sessions by the facility --------------------------------------------------


def next_free_session(session, payment_type, now=None):
    """The soonest other open, bookable session of the same poli with a free place of the payment type."""
    now = now or timezone.now()
    field = "quota_jkn__gt" if payment_type == PaymentType.JKN else "quota_general__gt"
    counter = "booked_jkn" if payment_type == PaymentType.JKN else "booked_general"
    return (
        # The date bound (a session not started is today or later) keeps this to the coming sessions'
        # index range instead of every session the poli ever had.
        Session.objects.filter(
            clinic=session.clinic,
            status=SessionStatus.OPEN,
            date__gte=timezone.localdate(now, session.clinic.facility.city.zone),
            starts_at__gt=now,
        )
        .exclude(pk=session.pk)
        # A session on a holiday waits for close_sessions_on_holidays; never offer it.
        .exclude(date__in=session.clinic.facility.city.holidays.values("date"))
        .filter(**{field: F(counter)})
        .select_related("practitioner")
        .order_by("starts_at", "id")
        .first()
    )


def _cancel_session(session, *, actor, reason, now):
    """Cancel a locked session: every booked patient is told by SMS, with the next free session offered."""
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancel_reason"])
    record(
        actor=actor,
        obj=session,
        action="clinic.session_cancelled",
        before={"status": SessionStatus.OPEN},
        after={"status": SessionStatus.CANCELLED},
        reason=reason,
    )
    told = 0
    for appointment in session.appointments.filter(status__in=[Status.BOOKED, Status.CHECKED_IN]).order_by(
        "queue_number"
    ):
        offer = next_free_session(session, appointment.payment_type, now)
        _move(
            appointment,
            Status.CANCELLED,
            actor=actor,
            action="cancelled_by_facility",
            public_text=f"Sesi praktik {session.practitioner.name} pada {session.date:%d-%m-%Y} dibatalkan.",
            reason=reason,
            now=now,
            template="clinic_session_cancelled",
            context={"offer": offer, "reason": reason},
            cancelled_at=now,
        )
        _release(session, appointment)
        told += 1
    return told


def do_cancel_session(user, session, *, reason, now=None):
    """Staff cancel a session (doctor unavailable); returns how many patients were told."""
    now = now or timezone.now()
    check_facility_staff(user, session.clinic.facility)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Tuliskan alasan pembatalan; pasien menerimanya lewat SMS."]})
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.status != SessionStatus.OPEN:
            raise IllegalMove("Sesi praktik ini sudah dibatalkan.")
        if locked.ends_at <= now:
            raise IllegalMove("Sesi praktik ini sudah selesai.")
        return _cancel_session(locked, actor=user, reason=reason[:300], now=now)


def do_add_exception(user, practitioner, *, date, reason, schedule=None, note="", now=None):
    """A doctor does not practise on a day (leave, holiday, cancelled): no session is made that day, and the
    sessions already made are cancelled (their patients told). Returns the exception."""
    now = now or timezone.now()
    check_schedule_manager(user, practitioner.facility)
    if reason not in ExceptionReason.values:
        raise ValidationError({"reason": ["Pilih alasan: cuti, hari libur atau praktik dibatalkan."]})
    if schedule is not None and schedule.practitioner_id != practitioner.pk:
        raise ValidationError({"schedule": ["Jadwal ini bukan jadwal dokter tersebut."]})
    if date < timezone.localdate(now, practitioner.facility.city.zone):
        raise ValidationError({"date": ["Tanggal sudah lewat."]})
    note = (note or "").strip()[:300]
    text = note or ExceptionReason(reason).label
    with transaction.atomic():
        exception = ScheduleException.objects.create(
            practitioner=practitioner, schedule=schedule, date=date, reason=reason, note=note, created_by=user
        )
        sessions = Session.objects.filter(practitioner=practitioner, date=date, status=SessionStatus.OPEN)
        if schedule is not None:
            sessions = sessions.filter(schedule=schedule)
        for session in sessions.order_by("pk"):
            locked = _lock_session(session)
            if locked.status == SessionStatus.OPEN and locked.ends_at > now:
                _cancel_session(locked, actor=user, reason=text, now=now)
    return exception


# --- Periodic jobs ----------------------------------------------------------------------------


def close_sessions_on_holidays(now=None):
    """Open sessions on a day the city has since made a holiday (a joint decree, a cuti bersama entered in the
    admin after the sessions were made) are cancelled, their patients told and offered the next free session.

    Each session is locked and checked again, so two workers cancel it once; returns how many were cancelled.
    """
    now = now or timezone.now()
    cancelled = 0
    # Not started yet: a session already running on the day goes on (its patients are in the building).
    on_holidays = Session.objects.filter(status=SessionStatus.OPEN, starts_at__gt=now).filter(
        Exists(Holiday.objects.filter(city_id=OuterRef("clinic__facility__city_id"), date=OuterRef("date")))
    )
    for session in on_holidays.order_by("starts_at", "pk")[:BATCH]:
        with transaction.atomic():
            locked = _lock_session(session)
            if locked.status != SessionStatus.OPEN or locked.starts_at <= now:
                continue
            holiday = locked.clinic.facility.city.holidays.filter(date=locked.date).first()
            if holiday is None:  # removed again meanwhile
                continue
            _cancel_session(locked, actor=None, reason=f"Hari libur: {holiday.name}", now=now)
            cancelled += 1
    return cancelled


def mark_no_shows(now=None):
    """Appointments not checked in (or skipped and never back) by the end of their session become no-shows.

    Claims rows with SKIP LOCKED in batches, so two workers share the work; returns how many.
    """
    now = now or timezone.now()
    count = 0
    while True:
        with transaction.atomic():
            batch = list(
                Appointment.objects.filter(
                    status__in=[Status.BOOKED, Status.SKIPPED],
                    # A bound in any time zone (the partial index is on the date); the session's end decides.
                    date__lte=now.date() + timedelta(days=1),
                    session__ends_at__lte=now,
                )
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")[:BATCH]
            )
            for appointment in batch:
                _move(
                    appointment,
                    Status.NO_SHOW,
                    actor=None,
                    action="no_show",
                    public_text="Tercatat tidak hadir: tidak check-in sampai sesi praktik berakhir.",
                    now=now,
                    no_show_at=now,
                )
        count += len(batch)
        if len(batch) < BATCH:
            return count


def send_reminders(now=None):
    """SMS (and e-mail) the day before, exactly once per appointment, from CLINIC_REMINDER_HOUR local time.

    Exactly once: a conditional UPDATE of `reminded_at` claims each appointment; only the transaction that
    changed the row queues the message (and the outbox's dedupe key guards again).
    """
    now = now or timezone.now()
    city = current_city()
    if city is None:
        return 0
    local = timezone.localtime(now, city.zone)
    if local.hour < settings.CLINIC_REMINDER_HOUR:
        return 0
    tomorrow = local.date() + timedelta(days=1)
    due = Appointment.objects.filter(
        date=tomorrow,
        status=Status.BOOKED,
        reminded_at__isnull=True,
        patient__isnull=False,
        clinic__facility__city=city,
    )
    count = 0
    while True:
        ids = list(due.order_by("id").values_list("pk", flat=True)[:BATCH])
        for pk in ids:
            with transaction.atomic():
                if not Appointment.objects.filter(pk=pk, status=Status.BOOKED, reminded_at__isnull=True).update(
                    reminded_at=now
                ):
                    continue
                appointment = Appointment.objects.select_related(
                    "patient", "session__clinic__facility__city", "session__practitioner"
                ).get(pk=pk)
                _tell(appointment, "clinic_reminder", {}, dedupe_key=f"clinic-reminder-{pk}")
                count += 1
        if len(ids) < BATCH:
            return count


# --- The one way an appointment changes status ------------------------------------------------


def _refuse(appointment, status):
    raise IllegalMove(
        f"Pendaftaran berstatus '{appointment.get_status_display()}' "
        f"tidak dapat diubah menjadi '{Status(status).label}'."
    )


def _move(
    appointment,
    status,
    *,
    actor,
    action,
    public_text,
    now,
    reason="",
    notify=True,
    template="clinic_status",
    context=None,
    **changes,
):
    """Move an appointment to `status`; call inside a transaction (after locking its session, if at all)."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != appointment.status:
        raise IllegalMove("Pendaftaran ini baru saja diubah orang lain. Muat ulang halaman dan periksa keadaannya.")
    if not locked.may_move_to(status):
        _refuse(locked, status)
    before = appointment.status
    fields = {"status": status, "updated_at": now, **changes}
    if reason:
        fields["reason"] = reason  # why it was cancelled or refused, also for FHIR's cancelationReason
    for name, value in fields.items():
        setattr(appointment, name, value)
    appointment.save(update_fields=list(fields))
    _record(appointment, before, action, actor=actor, public_text=public_text, reason=reason)
    if notify:
        _tell(appointment, template, {"public_text": public_text, "reason": reason, **(context or {})})
    return appointment


def _record(appointment, before, action, *, actor, public_text, reason=""):
    record(
        actor=actor,
        obj=appointment,
        action=f"clinic.{action}",
        before={"status": before} if before else None,
        after={
            "status": appointment.status,
            "session": appointment.session_id,
            "queue_number": appointment.queue_number,
        },
        reason=reason,
        public=True,
        public_text=public_text,
    )


def _tell(appointment, template, context, *, dedupe_key=None):
    if appointment.patient_id is None:
        return
    session = appointment.session
    context = {
        "appointment": appointment,
        "session": session,
        "clinic": session.clinic,
        "facility": session.clinic.facility,
        "practitioner": session.practitioner,
        # Formatted here: a template would show an aware time in the worker's time zone, not the city's.
        "estimated": timezone.localtime(appointment.estimated_at, session.clinic.facility.city.zone).strftime("%H.%M"),
        "city": session.clinic.facility.city,
        "url": links.absolute(links.appointment_url(appointment)),
        "cutoff_hours": settings.CLINIC_CANCEL_CUTOFF_HOURS,
        **context,
    }
    notify_user(appointment.patient, template, context, about=appointment, dedupe_key=dedupe_key)


# --- What the patient may still change (pages and API show the buttons from these) --------------


def change_cutoff(appointment):
    """The moment after which the patient can no longer cancel or reschedule online."""
    return appointment.session.starts_at - timedelta(hours=settings.CLINIC_CANCEL_CUTOFF_HOURS)


def check_cancel(user, appointment, now=None):
    """Raises what do_cancel would refuse with (404, PermissionDenied, IllegalMove, ValidationError)."""
    now = now or timezone.now()
    check_patient(user, appointment)
    if appointment.status != Status.BOOKED:
        _refuse(appointment, Status.CANCELLED)
    _check_before_cutoff(appointment, now, "dibatalkan")


def check_reschedule(user, appointment, now=None):
    """Raises what do_reschedule would refuse with before a new session is chosen."""
    now = now or timezone.now()
    check_patient(user, appointment)
    if appointment.status != Status.BOOKED:
        _refuse(appointment, Status.RESCHEDULED)
    _check_before_cutoff(appointment, now, "dipindah")


# --- The waiting-room screen of a poli: every session of the day at once -----------------------


BOARD_STATUSES = [Status.CHECKED_IN, Status.CALLED, Status.SERVED, Status.SKIPPED, Status.BOOKED]


def find_clinic(city, facility_code, clinic_code):
    """An active poli of an active facility of the city, by their codes in the profile; 404 otherwise."""
    clinic = (
        Clinic.objects.select_related("facility")
        .filter(facility__city=city, facility__code=facility_code, facility__active=True, code=clinic_code, active=True)
        .first()
    )
    if clinic is None:
        raise Http404("Poli tidak ditemukan.")
    return clinic


def find_facility(city, facility_code):
    """An active facility of the city, by its code in the profile; 404 otherwise."""
    facility = Facility.objects.filter(city=city, code=facility_code, active=True).first()
    if facility is None:
        raise Http404("Rumah sakit atau puskesmas tidak ditemukan.")
    return facility


def sessions_of_day(clinic, day):
    """The poli's sessions of one day, cancelled ones included, in the order of the day (for its board)."""
    return list(clinic.sessions.filter(date=day).select_related("clinic", "practitioner").order_by("start", "id"))


def facility_sessions_of_day(facility, day):
    """The sessions of one day of every active poli of the facility, by poli and then in the order of the day
    (for the facility's board)."""
    return list(
        Session.objects.filter(clinic__facility=facility, clinic__active=True, date=day)
        .select_related("clinic", "practitioner")
        .order_by("clinic__name", "start", "id")
    )


def queue_boards(sessions, *, shown=5):
    """queue_board() of several sessions with one query for all their queues, in the order given.

    The poli's board shows each of its sessions of the day; it reads only the rows still in the queue
    (appointment_queue_idx), so its cost does not grow with the history.
    """
    sessions = list(sessions)
    rows = {session.pk: [] for session in sessions}
    queued = (
        Appointment.objects.filter(session__in=list(rows), status__in=BOARD_STATUSES)
        .order_by("session_id", "queue_number")
        .values_list("session_id", "queue_number", "status")
    )
    for session_id, number, status in queued:
        rows[session_id].append((number, status))
    boards = []
    for session in sessions:
        queue = rows[session.pk]
        waiting = [number for number, status in queue if status == Status.CHECKED_IN]
        in_room = [number for number, status in queue if status in IN_ROOM_STATUSES]
        boards.append(
            QueueBoard(
                session_id=session.pk,
                clinic=session.clinic.name,
                practitioner=session.practitioner.name,
                now_serving=session.now_serving if session.now_serving in in_room else None,
                next_numbers=waiting[:shown],
                skipped=[number for number, status in queue if status == Status.SKIPPED],
                waiting=len(waiting),
                not_checked_in=sum(1 for _, status in queue if status == Status.BOOKED),
                last_number=session.last_queue_number,
            )
        )
    return boards


# --- Configuration by hand: the city admin and a facility's staff (clinics.admin) --------------------


def is_city_admin(user):
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.CITY_ADMIN)


def check_schedule_manager(user, facility):
    """A facility's poli, doctors, schedules and days off are managed by its staff and by the city admin."""
    if not is_city_admin(user):
        check_facility_staff(user, facility)


# The fields clinics.exports._check_schedules names in its messages, with their names on a form.
_SCHEDULE_FIELD_LABELS = {
    "quota_jkn": "Kuota JKN",
    "quota_general": "Kuota umum",
    "quota_walk_in": "Kuota loket",
    "minutes_per_patient": "Menit per pasien",
    "start": "Jam mulai",
    "end": "Jam selesai",
}


def check_weekly_schedule(schedule):
    """A weekly schedule entered by hand, before it is saved; raises ValidationError by field.

    The rules of the city profile (clinics.exports._check_schedules: the poli is one of the doctor's
    facility, the end after the start, quotas and minutes per patient 0–500, at least one minute), and two
    more: at least one quota above zero, and an active schedule does not overlap another active schedule of
    the same doctor on the same weekday, in any poli.
    """
    from clinics.exports import DAY_CODES, _check_schedules

    item = {
        "clinic": schedule.clinic.code,
        "days": [next(code for code, day in DAY_CODES.items() if day == schedule.weekday)],
        "start": f"{schedule.start:%H:%M}",
        "end": f"{schedule.end:%H:%M}",
        "quota_jkn": schedule.quota_jkn,
        "quota_general": schedule.quota_general,
        "quota_walk_in": schedule.quota_walk_in,
        "minutes_per_patient": schedule.minutes_per_patient,
    }
    same_facility = schedule.clinic.facility_id == schedule.practitioner.facility_id
    own_clinics = {schedule.clinic.code: None} if same_facility else {}
    try:
        _check_schedules(own_clinics, [item], "Jadwal")
    except ValidationError as error:
        raise ValidationError(_schedule_error(error.messages[0])) from error
    if not (schedule.quota_jkn or schedule.quota_general or schedule.quota_walk_in):
        message = "Isi paling sedikit satu kuota (JKN, umum atau loket): jadwal tanpa kuota tidak dapat dipesan."
        raise ValidationError({"quota_jkn": [message]})
    if schedule.active:
        other = (
            WeeklySchedule.objects.filter(
                practitioner_id=schedule.practitioner_id,
                weekday=schedule.weekday,
                active=True,
                start__lt=schedule.end,
                end__gt=schedule.start,
            )
            .exclude(pk=schedule.pk)
            .select_related("clinic")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "start": [
                        f"Bertumpuk dengan jadwal {schedule.practitioner.name} yang lain pada hari yang sama: "
                        f"{other.clinic.name}, {other.start:%H.%M}–{other.end:%H.%M}."
                    ]
                }
            )


def _schedule_error(message):
    """clinics.exports' message ('Jadwal, jadwal ke-1: jam selesai …') as {field: [sentence]} for a form."""
    text = message.split(": ", 1)[-1]
    field = None
    for name, label in _SCHEDULE_FIELD_LABELS.items():
        if f"'{name}'" in text:
            field, text = name, text.replace(f"'{name}'", label)
    if field is None and "jam selesai" in text:
        field = "end"
    elif field is None and "poli" in text:
        field = "clinic"
    return {field or "__all__": [text[:1].upper() + text[1:]]}
