"""e-Dokter: facilities, their poli and doctors, weekly schedules, dated sessions, and appointments.

Configuration (city data, from the profile or the city admin): Facility → Clinic (poli) → Practitioner,
WeeklySchedule (per doctor per poli per weekday, with quotas), ScheduleException (leave, holiday,
cancelled). `clinics.actions.materialize_sessions` turns the weekly schedules into dated Sessions.

A Session is the row everything locks on: its counters (booked_jkn, booked_general, walk_ins) and its
last_queue_number change only while it is locked (`select_for_update`), so a session is never overbooked
and never gives the same queue number twice.

An Appointment is a case (owner_id: the citizen who booked; opd_id: the OPD of the facility) and moves
through the statuses below one move at a time through `clinics.actions._move()` (audit event and the
patient's notification in the same transaction).
"""

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class FacilityKind(models.TextChoices):
    RSUD = "rsud", "Rumah Sakit Umum Daerah"
    PUSKESMAS = "puskesmas", "Puskesmas"
    RS_SWASTA = "rs_swasta", "Rumah sakit swasta"


# Words of the /dokter/ addresses (clinics/urls.py) that a facility code would collide with.
RESERVED_FACILITY_CODES = frozenset({"saya", "keluarga", "sesi", "antrean"})


def check_facility_code(code):
    if code in RESERVED_FACILITY_CODES:
        raise ValidationError(f"Kode '{code}' dipakai alamat halaman /dokter/; pilih kode lain.")


class Facility(models.Model):
    """A hospital or puskesmas of the city. Its staff are the `hospital_staff` officers of its OPD."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="facilities")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=FacilityKind.choices)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    # The OPD whose hospital_staff officers work the registration desk and the queue (a puskesmas is a
    # unit of the Dinas Kesehatan); None for a private hospital without staff accounts in the system.
    opd = models.ForeignKey("cities.Opd", null=True, blank=True, on_delete=models.PROTECT, related_name="facilities")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "fasilitas kesehatan"
        verbose_name_plural = "fasilitas kesehatan"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_facility_code_per_city")]

    def __str__(self):
        return self.name


class Clinic(models.Model):
    """A poli (outpatient clinic) of a facility."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="clinics")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    # JKN patients need a referral (rujukan) from their first-level facility for this poli.
    referral_required = models.BooleanField(default=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "poli"
        verbose_name_plural = "poli"
        ordering = ["facility", "name"]
        constraints = [models.UniqueConstraint(fields=["facility", "code"], name="unique_clinic_code_per_facility")]

    def __str__(self):
        return f"{self.name} — {self.facility.name}"


class Practitioner(models.Model):
    """A doctor (or dentist, midwife) practising at a facility, in one or more of its poli."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="practitioners")
    name = models.CharField(max_length=150, help_text="Nama lengkap dengan gelar, mis. dr. Rahma Lubis, Sp.A")
    specialty = models.CharField(max_length=120, blank=True, help_text="mis. Spesialis Anak")
    sip_number = models.CharField("nomor SIP", max_length=60)
    clinics = models.ManyToManyField(Clinic, related_name="practitioners", blank=True)
    # The doctor's own login, to see and work their sessions' queues.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="practitioners"
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "dokter"
        verbose_name_plural = "dokter"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["facility", "sip_number"], name="unique_sip_per_facility")]

    def __str__(self):
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Senin"
    TUESDAY = 1, "Selasa"
    WEDNESDAY = 2, "Rabu"
    THURSDAY = 3, "Kamis"
    FRIDAY = 4, "Jumat"
    SATURDAY = 5, "Sabtu"
    SUNDAY = 6, "Minggu"


class WeeklySchedule(models.Model):
    """A doctor's practice hours in one poli on one weekday, with the quotas each session gets."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="schedules")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    quota_jkn = models.PositiveSmallIntegerField("kuota JKN", default=0)
    quota_general = models.PositiveSmallIntegerField("kuota umum", default=0)
    quota_walk_in = models.PositiveSmallIntegerField("kuota loket", default=0)
    minutes_per_patient = models.PositiveSmallIntegerField(default=10)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "jadwal praktik"
        verbose_name_plural = "jadwal praktik"
        ordering = ["weekday", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "clinic", "weekday", "start"], name="unique_weekly_schedule_slot"
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="schedule_ends_after_start"),
            models.CheckConstraint(condition=Q(minutes_per_patient__gt=0), name="schedule_minutes_positive"),
        ]

    def __str__(self):
        return f"{self.practitioner} — {self.clinic.name}, {self.get_weekday_display()} {self.start:%H.%M}"


class ExceptionReason(models.TextChoices):
    LEAVE = "leave", "Dokter cuti"
    HOLIDAY = "holiday", "Hari libur"
    CANCELLED = "cancelled", "Praktik dibatalkan"


class ScheduleException(models.Model):
    """A day a doctor does not practise: all their schedules that day, or one schedule only."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="exceptions")
    schedule = models.ForeignKey(
        WeeklySchedule, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField()
    reason = models.CharField(max_length=10, choices=ExceptionReason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pengecualian jadwal"
        verbose_name_plural = "pengecualian jadwal"
        ordering = ["date"]
        indexes = [models.Index(fields=["practitioner", "date"])]

    def __str__(self):
        return f"{self.practitioner}, {self.date:%d-%m-%Y}: {self.get_reason_display()}"


class SessionStatus(models.TextChoices):
    OPEN = "open", "Buka"
    CANCELLED = "cancelled", "Dibatalkan"


class Session(models.Model):
    """One dated occurrence of a weekly schedule: the unit patients book into and the queue runs in.

    Quotas and minutes per patient are copied from the schedule when the session is made, so a later change
    to the schedule never changes sessions people already booked. Locked (SELECT … FOR UPDATE) by every
    booking, cancellation and queue call.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="sessions")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="sessions")
    schedule = models.ForeignKey(
        WeeklySchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    date = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    # The same moments as aware datetimes (the city's time zone), for cut-offs and the no-show job.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    quota_jkn = models.PositiveSmallIntegerField(default=0)
    quota_general = models.PositiveSmallIntegerField(default=0)
    quota_walk_in = models.PositiveSmallIntegerField(default=0)
    minutes_per_patient = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    cancel_reason = models.CharField(max_length=300, blank=True)
    booked_jkn = models.PositiveSmallIntegerField(default=0)
    booked_general = models.PositiveSmallIntegerField(default=0)
    walk_ins = models.PositiveSmallIntegerField(default=0)
    last_queue_number = models.PositiveSmallIntegerField(default=0)
    # The queue number called last (the board's "now serving"); 0 before the first call.
    now_serving = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "sesi praktik"
        verbose_name_plural = "sesi praktik"
        ordering = ["date", "start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "clinic", "date", "start"], name="one_session_per_doctor_poli_and_time"
            ),
            models.CheckConstraint(condition=Q(booked_jkn__lte=F("quota_jkn")), name="session_jkn_within_quota"),
            models.CheckConstraint(
                condition=Q(booked_general__lte=F("quota_general")), name="session_general_within_quota"
            ),
            models.CheckConstraint(condition=Q(walk_ins__lte=F("quota_walk_in")), name="session_walk_in_within_quota"),
        ]
        indexes = [models.Index(fields=["clinic", "date"]), models.Index(fields=["date", "status"])]

    def __str__(self):
        return f"{self.clinic.name}, {self.practitioner}, {self.date:%d-%m-%Y} {self.start:%H.%M}"

    @property
    def is_open(self):
        return self.status == SessionStatus.OPEN

    def quota(self, payment_type):
        return self.quota_jkn if payment_type == PaymentType.JKN else self.quota_general

    def booked(self, payment_type):
        return self.booked_jkn if payment_type == PaymentType.JKN else self.booked_general

    def free(self, payment_type):
        return max(self.quota(payment_type) - self.booked(payment_type), 0)

    @property
    def free_jkn(self):
        return self.free(PaymentType.JKN)

    @property
    def free_general(self):
        return self.free(PaymentType.GENERAL)

    @property
    def free_walk_in(self):
        return max(self.quota_walk_in - self.walk_ins, 0)

    def estimated_at(self, queue_number):
        """The planned service time of a queue number: start + (number − 1) × minutes per patient."""
        return self.starts_at + timedelta(minutes=(queue_number - 1) * self.minutes_per_patient)


def session_moments(session_date, start, end, zone):
    return datetime.combine(session_date, start, tzinfo=zone), datetime.combine(session_date, end, tzinfo=zone)


class Relation(models.TextChoices):
    CHILD = "child", "Anak"
    SPOUSE = "spouse", "Suami/istri"
    PARENT = "parent", "Orang tua"
    SIBLING = "sibling", "Saudara kandung"
    OTHER = "other", "Keluarga lain"


class FamilyMember(models.Model):
    """A person a citizen books for (a child, a parent); their NIK is checked like the citizen's own."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_members")
    nik = models.CharField("NIK", max_length=16)
    name = models.CharField("nama lengkap", max_length=150)
    relation = models.CharField("hubungan", max_length=10, choices=Relation.choices)
    birth_date = models.DateField("tanggal lahir")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "anggota keluarga"
        verbose_name_plural = "anggota keluarga"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "nik"], name="unique_family_member_nik_per_owner")]

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"


class PaymentType(models.TextChoices):
    JKN = "jkn", "JKN (BPJS Kesehatan)"
    GENERAL = "general", "Umum (bayar sendiri)"


class Status(models.TextChoices):
    BOOKED = "booked", "Terdaftar"
    CHECKED_IN = "checked_in", "Sudah check-in, menunggu dipanggil"
    CALLED = "called", "Dipanggil ke poli"
    SKIPPED = "skipped", "Dilewati (tidak ada saat dipanggil)"
    SERVED = "served", "Sedang dilayani"
    DONE = "done", "Selesai"
    CANCELLED = "cancelled", "Dibatalkan"
    NO_SHOW = "no_show", "Tidak hadir"
    RESCHEDULED = "rescheduled", "Dipindah ke jadwal lain"


# Every legal move, and nothing else. A called patient may be called again (recall); one who was not there
# is skipped and may be called again when they turn up, or becomes a no-show when the session ends.
TRANSITIONS = {
    Status.BOOKED: {Status.CHECKED_IN, Status.CANCELLED, Status.RESCHEDULED, Status.NO_SHOW},
    Status.CHECKED_IN: {Status.CALLED, Status.CANCELLED},
    Status.CALLED: {Status.CALLED, Status.SERVED, Status.SKIPPED},
    Status.SKIPPED: {Status.CALLED, Status.NO_SHOW},
    Status.SERVED: {Status.DONE},
    Status.DONE: set(),
    Status.CANCELLED: set(),
    Status.NO_SHOW: set(),
    Status.RESCHEDULED: set(),
}

# Holding a place in the session (counted in the one-booking-per-person-per-poli-per-day rule).
ACTIVE_STATUSES = {Status.BOOKED, Status.CHECKED_IN, Status.CALLED, Status.SKIPPED, Status.SERVED, Status.DONE}
# Still to be seen: the queue ahead of somebody.
WAITING_STATUSES = {Status.BOOKED, Status.CHECKED_IN}
IN_ROOM_STATUSES = {Status.CALLED, Status.SERVED}
ENDED_STATUSES = {Status.DONE, Status.CANCELLED, Status.NO_SHOW, Status.RESCHEDULED}

# Booking codes: no 0/O, 1/I/L, so a code read out at the desk cannot be misheard or mistyped.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_booking_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def parse_booking_code(text):
    """' abcd-2345 ' → 'ABCD2345'; anything that cannot be a booking code → None."""
    code = re.sub(r"[\s-]", "", text).upper() if isinstance(text, str) else ""
    return code if CODE_PATTERN.fullmatch(code) else None


class Appointment(models.Model):
    """One patient's place in one session: booked online by a citizen (for self or a family member) or
    registered at the counter (walk_in, possibly without an account)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="appointments")
    # Copied from the session: the one-booking-per-person-per-poli-per-day constraint needs them on this row.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="appointments")
    date = models.DateField()
    # The citizen account that booked (and is told); None for a walk-in patient without an account.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    family_member = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    # The person to be seen, frozen at booking: the account holder or the family member.
    patient_nik = models.CharField(max_length=16)
    patient_name = models.CharField(max_length=150)
    payment_type = models.CharField(max_length=10, choices=PaymentType.choices)
    bpjs_number = models.CharField("nomor kartu BPJS", max_length=13, blank=True)
    referral_number = models.CharField("nomor rujukan", max_length=30, blank=True)
    booking_code = models.CharField(max_length=CODE_LENGTH, unique=True)
    queue_number = models.PositiveSmallIntegerField()
    estimated_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    walk_in = models.BooleanField(default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(default=timezone.now)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    served_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    rescheduled_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_from"
    )
    reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pendaftaran rawat jalan"
        verbose_name_plural = "pendaftaran rawat jalan"
        ordering = ["date", "queue_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "queue_number"], name="unique_queue_number_per_session"),
            models.UniqueConstraint(
                fields=["clinic", "date", "patient_nik"],
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
                name="one_active_booking_per_person_poli_day",
            ),
            models.CheckConstraint(
                condition=Q(payment_type="general") | ~Q(bpjs_number=""), name="jkn_appointment_has_bpjs_number"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "queue_number"], name="appointment_queue_idx"),
            models.Index(fields=["patient", "date"], name="appointment_patient_idx"),
            models.Index(fields=["date", "status"], name="appointment_date_status_idx"),
            models.Index(
                fields=["date"], name="appointment_unreminded_idx", condition=Q(status="booked", reminded_at=None)
            ),
            # The no-show job's rows: few at any time, however long the history.
            models.Index(
                fields=["date"], name="appointment_unattended_idx", condition=Q(status__in=["booked", "skipped"])
            ),
        ]

    def __str__(self):
        return (
            f"Pendaftaran {self.booking_code} ({self.clinic.name}, {self.date:%d-%m-%Y}, antrean {self.queue_number})"
        )

    @property
    def owner_id(self):
        """The citizen the case belongs to (accounts.permissions)."""
        return self.patient_id

    @property
    def opd_id(self):
        """The OPD of the facility (accounts.permissions)."""
        return self.session.clinic.facility.opd_id

    @property
    def number(self):
        return self.booking_code

    def may_move_to(self, status):
        return status in TRANSITIONS[Status(self.status)]

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES
