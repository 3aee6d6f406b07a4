"""e-Masyarakat: citizen reports, from submission to resolution.

A report is a case: it belongs to its reporter (`owner`) and to the OPD
handling it (`opd`), and moves through the status pipeline below, one move at
a time through `reports.actions` (audit event, deadline clocks and
notifications in the same transaction).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from cities.models import current_city, forget_current_city
from deadlines.models import Deadline


class Category(models.Model):
    """A kind of problem (Open311 "service") and the OPD that handles it."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="report_categories")
    code = models.SlugField(max_length=50, help_text="Kode layanan Open311 (service_code)")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300)
    group = models.CharField(max_length=60, help_text="Kelompok layanan Open311")
    keywords = models.CharField(max_length=200, blank=True)
    opd = models.ForeignKey("cities.Opd", on_delete=models.PROTECT, related_name="report_categories")
    resolution_days = models.PositiveSmallIntegerField(help_text="Batas penyelesaian, hari kerja sejak disposisi")
    # Open311 service definition attributes: [{"code", "datatype", "required", "description", "order", "values"}]
    attributes = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "kategori laporan"
        verbose_name_plural = "kategori laporan"
        ordering = ["group", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_category_code_per_city")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        transaction.on_commit(forget_current_city)  # and with it active_categories()

    def opd_for(self, kecamatan):
        """The OPD for a report in this kecamatan: a kecamatan rule if there is one, else the category's."""
        rule = self.routing.filter(kecamatan=kecamatan).select_related("opd").first()
        return rule.opd if rule else self.opd


def active_categories(city):
    """{code: Category} of the city's active categories, kept with the city (City.remembered()).

    A submission then costs no lookup; a change made in the admin reaches the other processes within
    the minute current_city() keeps its city.
    """
    return city.remembered(
        "reports.active_categories", lambda: {c.code: c for c in city.report_categories.filter(active=True)}
    )


class CategoryRouting(models.Model):
    """Where a category's OPD depends on the kecamatan (e.g. rubbish → the camat's office)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing")
    kecamatan = models.ForeignKey("cities.Kecamatan", on_delete=models.CASCADE)
    opd = models.ForeignKey("cities.Opd", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "rute per kecamatan"
        verbose_name_plural = "rute per kecamatan"
        constraints = [
            models.UniqueConstraint(fields=["category", "kecamatan"], name="one_route_per_category_kecamatan")
        ]

    def __str__(self):
        return f"{self.category} di {self.kecamatan}: {self.opd}"


class Status(models.TextChoices):
    # Stored by the submission itself, before the intake has written its audit event, clock and confirmation.
    SUBMITTED = "submitted", "Terkirim"
    RECEIVED = "received", "Diterima"
    VERIFIED = "verified", "Terverifikasi"
    DISPOSITIONED = "dispositioned", "Didisposisikan ke OPD"
    IN_PROGRESS = "in_progress", "Sedang ditindaklanjuti"
    RESOLVED = "resolved", "Selesai ditangani"
    CLOSED = "closed", "Ditutup"
    REOPENED = "reopened", "Dibuka kembali"
    REJECTED = "rejected", "Ditolak"
    NOT_AUTHORITY = "not_authority", "Bukan kewenangan pemerintah kota"
    DUPLICATE = "duplicate", "Digabung (duplikat)"


# The status pipeline, mirroring LAPOR! SP4N: every legal move, and nothing else.
TRANSITIONS = {
    Status.SUBMITTED: {Status.RECEIVED},
    Status.RECEIVED: {Status.VERIFIED, Status.REJECTED, Status.NOT_AUTHORITY, Status.DUPLICATE},
    Status.VERIFIED: {Status.DISPOSITIONED, Status.REJECTED, Status.NOT_AUTHORITY, Status.DUPLICATE},
    # The OPD starts work, or hands it back to the coordinator when it is not theirs (→ verified);
    # until work starts, the coordinator may re-route it to another OPD (→ dispositioned).
    Status.DISPOSITIONED: {Status.IN_PROGRESS, Status.VERIFIED, Status.DUPLICATE, Status.DISPOSITIONED},
    Status.IN_PROGRESS: {Status.RESOLVED, Status.VERIFIED},
    Status.RESOLVED: {Status.CLOSED, Status.REOPENED},
    Status.REOPENED: {Status.IN_PROGRESS, Status.RESOLVED},
    Status.CLOSED: set(),
    Status.REJECTED: set(),
    Status.NOT_AUTHORITY: set(),
    Status.DUPLICATE: set(),
}

OPEN_STATUSES = {
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.VERIFIED,
    Status.DISPOSITIONED,
    Status.IN_PROGRESS,
    Status.REOPENED,
}
# Shown on the public map and list: checked by the coordinator and not refused.
PUBLIC_STATUSES = {
    Status.VERIFIED,
    Status.DISPOSITIONED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
    Status.CLOSED,
    Status.REOPENED,
    Status.NOT_AUTHORITY,
}
# Where the OPD is working on it (its work queue).
OPD_STATUSES = {Status.DISPOSITIONED, Status.IN_PROGRESS, Status.REOPENED}

REOPEN_WINDOW = timedelta(days=7)


class ReportQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def by_number(self, number):
        """The report with this tracking number, or None.

        The year is part of the number: LP-2025-0000123 is not report 123 of 2026.
        """
        parsed = parse_number(number)
        if parsed is None:
            return None
        report = self.filter(pk=parsed[1]).first()
        return report if report is not None and report.number == format_number(*parsed) else None


class Report(models.Model):
    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="reports")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(max_length=4000)
    # WGS84; a report located only by address has no point.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    kelurahan = models.ForeignKey("cities.Kelurahan", on_delete=models.PROTECT, related_name="reports")
    kecamatan = models.ForeignKey("cities.Kecamatan", on_delete=models.PROTECT, related_name="reports")
    opd = models.ForeignKey("cities.Opd", on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    # The registered citizen who reported it; None for reports posted through Open311 without an account.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    # Contact given through Open311 by a reporter without an account (never shown publicly).
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=16, blank=True)
    anonymous = models.BooleanField(default=False, help_text="Nama pelapor disembunyikan dari publik")
    client = models.ForeignKey(
        "reports.Open311Client", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    attributes = models.JSONField(default=dict, blank=True)
    # Open311 `tokens/{token}`: what a client got back from POST requests.
    open311_token = models.CharField(max_length=40, null=True, blank=True, unique=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_reports"
    )
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    follow_up_plan = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    support_count = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    dispositioned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the nearest live deadline clock is due: a copy of deadlines.Deadline.due_at kept by
    # refresh_due_at(), so the OPD work queue sorts by deadline through an index instead of
    # looking up every queued report's clocks.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "laporan"
        verbose_name_plural = "laporan"
        ordering = ["-created_at", "-id"]
        indexes = [
            # Keyset pagination: (created_at, id) descending, filtered by status / category / kecamatan.
            models.Index(F("status"), F("created_at").desc(), F("id").desc(), name="report_status_created_idx"),
            models.Index(F("created_at").desc(), F("id").desc(), name="report_created_idx"),
            models.Index(F("category"), F("created_at").desc(), F("id").desc(), name="report_category_created_idx"),
            models.Index(F("kecamatan"), F("created_at").desc(), F("id").desc(), name="report_kecamatan_created_idx"),
            models.Index(F("updated_at").desc(), F("id").desc(), name="report_updated_idx"),
            models.Index(fields=["opd", "status"], name="report_opd_status_idx"),
            # The work queues by deadline (reports.queries.opd_queue), one OPD's and every OPD's;
            # ascending puts NULLs last on PostgreSQL, as the queue sorts.
            models.Index(
                fields=["opd", "due_at", "id"],
                name="report_opd_queue_idx",
                condition=Q(status__in=sorted(OPD_STATUSES)),
            ),
            models.Index(
                fields=["due_at", "id"], name="report_queue_idx", condition=Q(status__in=sorted(OPD_STATUSES))
            ),
            models.Index(fields=["owner", "created_at"], name="report_owner_idx"),
            models.Index(fields=["lat", "lon"], name="report_point_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True) | Q(lat__isnull=False, lon__isnull=False),
                name="report_point_complete",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="report_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"Laporan {self.number}"

    @property
    def number(self):
        """The tracking number the reporter gets at once: year of submission (in the city's zone) and the id."""
        city = self.city if Report.city.is_cached(self) else current_city()
        return number_of(self.created_at, self.pk, city.zone)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    def reporter_label(self):
        """The reporter's name as the public sees it."""
        if self.anonymous:
            return "Anonim"
        if self.owner_id:
            return self.owner.full_name
        # Somebody who posted through an Open311 app never agreed to be named on our site.
        return "Warga"

    def may_move_to(self, status):
        return status in TRANSITIONS[Status(self.status)]

    def reopen_until(self):
        return self.resolved_at + REOPEN_WINDOW if self.resolved_at else None

    def refresh_due_at(self):
        """Copy the due moment of the nearest live deadline clock; call after starting or ending a clock."""
        nearest = Deadline.objects.for_case(self).live().order_by("due_at").values_list("due_at", flat=True)
        self.due_at = nearest.first()
        Report.objects.filter(pk=self.pk).update(due_at=self.due_at)


def format_number(year, pk):
    return f"LP-{year}-{pk:07d}"


def number_of(created_at, pk, zone):
    """A report's tracking number from its id and submission time, the year taken in the city's zone."""
    return format_number(created_at.astimezone(zone).year, pk)


# Beyond this no report exists, and the database's bigint would overflow on the lookup.
MAX_REPORT_ID = 2**63 - 1


def parse_number(number):
    """'LP-2026-0000123' → (2026, 123); anything else (including ids no report can have) → None."""
    parts = (number or "").strip().upper().split("-")
    if len(parts) != 3 or parts[0] != "LP" or not parts[1].isascii() or not parts[2].isascii():
        return None
    if not (parts[1].isdigit() and parts[2].isdigit()) or int(parts[2]) > MAX_REPORT_ID:
        return None
    return int(parts[1]), int(parts[2])


def photo_path(photo, filename):
    return f"reports/{photo.report.created_at:%Y/%m}/{photo.report_id}/{photo.kind}-{filename}"


class Photo(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", "Foto laporan"
        PROOF = "proof", "Foto bukti penyelesaian"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "foto"
        verbose_name_plural = "foto"
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.report}"


class Support(models.Model):
    """A citizen's "me too" on somebody else's report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "dukungan"
        verbose_name_plural = "dukungan"
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="one_support_per_user")]

    def __str__(self):
        return f"Dukungan untuk {self.report}"


class Note(models.Model):
    """An officer's reply to the reporter (public) or a note for colleagues (internal, never public)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField()
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "catatan"
        verbose_name_plural = "catatan"
        ordering = ["id"]

    def __str__(self):
        return f"{'Tanggapan' if self.public else 'Catatan internal'} pada {self.report}"


class Open311Client(models.Model):
    """An application registered by the city admin to post reports through Open311 (api_key)."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="open311_clients")
    name = models.CharField(max_length=100)
    contact_email = models.EmailField()
    api_key = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "aplikasi klien Open311"
        verbose_name_plural = "aplikasi klien Open311"

    def __str__(self):
        return self.name
