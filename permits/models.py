"""e-Perizinan: the permit catalogue (city data) and the applications that move through it.

An application is a case: it belongs to its applicant (`owner_id`) and to the OPD of the step it is at
(`opd`), and moves through the statuses below one move at a time through `permits.actions._move()`
(audit event, step clock, step record and the applicant's notification in the same transaction).

When an application is submitted, the permit type's steps are copied into it (`workflow`, with the OPD
of each step resolved), so a change the city admin makes to the catalogue never reshuffles the steps of
applications already in progress.
"""

import re
import secrets
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from permits.catalogue import check_definition
from permits.converters import PERMIT_CODE
from permits.fees import compute_fee, describe_fee

SHORT_NAME = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


class ApplicantKind(models.TextChoices):
    PERSON = "person", "Perorangan"
    COMPANY = "company", "Badan usaha"
    BOTH = "both", "Perorangan atau badan usaha"


# Fixed pages under /izin/ (permits/urls.py): a permit type with one of these codes would be hidden behind them.
RESERVED_CODES = {"saya", "lacak", "skm"}


class PermitType(models.Model):
    """One kind of permit the city issues, with its requirements, retribusi and steps."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="permit_types")
    code = models.SlugField(max_length=40, help_text="Kode jenis izin, mis. siup")
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=20, help_text="Singkatan untuk nomor sertifikat, huruf besar/angka/tanda minus (mis. SIUP)"
    )
    group = models.CharField(max_length=60, blank=True, help_text="Kelompok di katalog, mis. Kesehatan")
    legal_basis = models.TextField(help_text="Dasar hukum")
    description = models.TextField()
    issuing_opd = models.ForeignKey("cities.Opd", on_delete=models.PROTECT, related_name="permit_types_issued")
    technical_opd = models.ForeignKey(
        "cities.Opd", null=True, blank=True, on_delete=models.PROTECT, related_name="permit_types_reviewed"
    )
    applicant_kind = models.CharField(max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    # [{code, label, type: text|number|date|choice, required, choices?, help?, min?, max?, max_length?}]
    form_fields = models.JSONField(default=list, blank=True)
    # [{code, name, formats: [pdf|jpg|png], max_mb, required, applicant?: person|company, help?}]
    required_documents = models.JSONField(default=list, blank=True)
    # {"kind": "free"} | {"kind": "fixed", "amount": 150000} | {"kind": "formula", "expression": "...", "minimum": …}
    fee = models.JSONField(default=dict)
    # [{code, name, role: officer|head, opd: issuing|technical, deadline_hours | deadline_days, findings?, survey?}]
    steps = models.JSONField(default=list)
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Kosong: berlaku selamanya")
    certificate_title = models.CharField(max_length=200)
    # Codes of the form fields printed on the certificate, in order.
    certificate_fields = models.JSONField(default=list, blank=True)
    online = models.BooleanField(default=True, help_text="Tidak dicentang: hanya dapat diajukan di loket")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "jenis izin"
        verbose_name_plural = "jenis izin"
        ordering = ["group", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_permit_type_code_per_city")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not re.fullmatch(PERMIT_CODE, self.code or ""):
            errors["code"] = [
                "Kode jenis izin: huruf kecil, angka dan tanda minus, diawali huruf (mis. siup, sip-dokter)."
            ]
        elif self.code in RESERVED_CODES:
            errors["code"] = [f"Kode '{self.code}' dipakai alamat halaman /izin/{self.code}/; pilih kode lain."]
        if self.short_name and not SHORT_NAME.fullmatch(self.short_name):
            errors["short_name"] = ["Singkatan hanya huruf besar, angka dan tanda minus (mis. SIUP, SIP-DOKTER)."]
        for name in ("issuing_opd", "technical_opd"):
            opd_id = getattr(self, f"{name}_id")
            if opd_id is not None and self.city_id is not None and getattr(self, name).city_id != self.city_id:
                errors[name] = ["OPD ini bukan OPD kota ini."]
        if self.technical_opd_id is not None and self.technical_opd_id == self.issuing_opd_id:
            errors["technical_opd"] = ["OPD teknis sama dengan OPD penerbit; kosongkan OPD teknis."]
        try:
            check_definition(
                form_fields=self.form_fields,
                required_documents=self.required_documents,
                fee=self.fee,
                steps=self.steps,
                certificate_fields=self.certificate_fields,
                has_technical_opd=self.technical_opd_id is not None,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    @property
    def fee_text(self):
        return describe_fee(self.fee)

    @property
    def is_free(self):
        return self.fee.get("kind") == "free"

    def compute_fee(self, form_data):
        return compute_fee(self.fee, form_data)

    def accepts(self, kind):
        """May a person ("person") or a company ("company") apply for this permit?"""
        return self.applicant_kind in (ApplicantKind.BOTH, kind)

    def documents_for(self, kind):
        """The document requirements that apply to a person's or a company's application."""
        return [doc for doc in self.required_documents if doc.get("applicant", kind) == kind]

    def requirement(self, code):
        return next((doc for doc in self.required_documents if doc["code"] == code), None)

    def sla_text(self):
        """How long the steps may take together, e.g. '24 jam kerja' or '9 hari kerja + 8 jam kerja'."""
        hours = sum(step.get("deadline_hours", 0) for step in self.steps)
        days = sum(step.get("deadline_days", 0) for step in self.steps)
        parts = [f"{days} hari kerja"] if days else []
        if hours:
            parts.append(f"{hours:g} jam kerja")
        return " + ".join(parts)

    def sla_working_seconds(self, calendar):
        """The steps' deadlines together in working seconds; a working day counts as the calendar's average day."""
        day_seconds = average_working_day_seconds(calendar)
        return round(
            sum(
                step.get("deadline_hours", 0) * 3600 + step.get("deadline_days", 0) * day_seconds for step in self.steps
            )
        )


def average_working_day_seconds(calendar):
    spans = [
        (datetime.combine(date.min, closes) - datetime.combine(date.min, opens)).total_seconds()
        for opens, closes in calendar.hours.values()
    ]
    return sum(spans) / len(spans) if spans else 8 * 3600


class Company(models.Model):
    """A business a citizen applies for (the citizen is its owner or authorised representative)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="permit_companies")
    name = models.CharField("nama badan usaha", max_length=200)
    nib = models.CharField("NIB", max_length=13, help_text="Nomor Induk Berusaha dari OSS, 13 digit")
    npwp = models.CharField("NPWP", max_length=16, blank=True, help_text="15 atau 16 digit")
    address = models.CharField("alamat", max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "badan usaha"
        verbose_name_plural = "badan usaha"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "nib"], name="unique_company_nib_per_owner")]

    def __str__(self):
        return self.name


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPG = "jpg", "JPEG"
    PNG = "png", "PNG"


def document_path(document, filename):
    # A random name: the file never carries the applicant's own file name (often their name or NIK).
    return f"permits/dokumen/{document.owner_id}/{secrets.token_hex(16)}.{document.kind}"


class Document(models.Model):
    """A file an applicant uploaded once and may attach to any of their applications.

    Stored outside any public URL; served only after a permission check.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="permit_documents")
    name = models.CharField("nama dokumen", max_length=200)
    kind = models.CharField(max_length=3, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "dokumen pemohon"
        verbose_name_plural = "dokumen pemohon"
        ordering = ["-uploaded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "sha256"], name="one_copy_of_a_document_per_owner")]

    def __str__(self):
        return self.name

    @property
    def size_mb(self):
        return self.size / 1_000_000


class Status(models.TextChoices):
    DRAFT = "draft", "Draf"
    SUBMITTED = "submitted", "Diajukan, menunggu verifikasi"
    IN_REVIEW = "in_review", "Sedang diproses"
    WAITING_APPLICANT = "waiting_applicant", "Menunggu kelengkapan dari pemohon"
    APPROVED = "approved", "Disetujui, menunggu pembayaran retribusi"
    ISSUED = "issued", "Izin terbit"
    REJECTED = "rejected", "Ditolak"
    WITHDRAWN = "withdrawn", "Dibatalkan pemohon"
    REVOKED = "revoked", "Izin dicabut"


# Every legal move, and nothing else. An application at a step (submitted, in_review) moves on to the
# next step or back to the previous one (in_review → in_review), waits on the applicant, or ends.
TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.IN_REVIEW, Status.WAITING_APPLICANT, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.IN_REVIEW: {Status.IN_REVIEW, Status.WAITING_APPLICANT, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.WAITING_APPLICANT: {Status.IN_REVIEW, Status.REJECTED, Status.WITHDRAWN},
    # Issued only from here: with the certificate, when the retribusi is paid (at once if there is none).
    # Withdrawn by the applicant while the retribusi is unpaid: an approval nobody pays for does not stay open.
    Status.APPROVED: {Status.ISSUED, Status.WITHDRAWN},
    Status.ISSUED: {Status.REVOKED},
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
    Status.REVOKED: set(),
}

# At a step of the workflow (its clock is live).
STEP_STATUSES = {Status.SUBMITTED, Status.IN_REVIEW, Status.WAITING_APPLICANT}
# In an officer's work queue (waiting_applicant is the applicant's turn).
QUEUE_STATUSES = {Status.SUBMITTED, Status.IN_REVIEW}
# Before a decision.
UNDECIDED_STATUSES = STEP_STATUSES
# The applicant may withdraw before the decision, and after approval as long as the retribusi is unpaid.
WITHDRAWABLE_STATUSES = UNDECIDED_STATUSES | {Status.APPROVED}
OPEN_STATUSES = STEP_STATUSES | {Status.APPROVED}
ENDED_STATUSES = {Status.ISSUED, Status.REJECTED, Status.WITHDRAWN, Status.REVOKED}

NUMBER_PREFIX = "REG"
NUMBER_PATTERN = re.compile(r"REG-(\d{4})-(\d{6,})")


def format_registration_number(year, serial):
    return f"{NUMBER_PREFIX}-{year}-{serial:06d}"


def parse_registration_number(text):
    """'reg-2026-000123 ' → 'REG-2026-000123'; anything that cannot be a registration number → None."""
    number = (text or "").strip().upper() if isinstance(text, str) else ""
    match = NUMBER_PATTERN.fullmatch(number) if number.isascii() and len(number) <= 20 else None
    return number if match else None


class ApplicationQuerySet(models.QuerySet):
    def by_number(self, number):
        """The application with this registration number, or None (filter by city first: the index is per city)."""
        number = parse_registration_number(number)
        return self.filter(registration_number=number).first() if number else None

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Application(models.Model):
    city = models.ForeignKey("cities.City", on_delete=models.PROTECT, related_name="permit_applications")
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="permit_applications"
    )
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    # Given at submission: REG-<year>-<serial>, gap-free per city and year (RegistrationCounter).
    registration_number = models.CharField(max_length=20, null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    form_data = models.JSONField(default=dict, blank=True)
    fee_amount = models.PositiveBigIntegerField(default=0, help_text="Retribusi, rupiah")
    # The permit type's steps as they were at submission, each with the id of the OPD that handles it.
    workflow = models.JSONField(default=list, blank=True, editable=False)
    step_index = models.PositiveSmallIntegerField(default=0)
    # The current step's role ("officer" / "head"): the work queues filter on it through an index.
    step_role = models.CharField(max_length=10, blank=True)
    # The current step's code (e.g. "verifikasi"): the Command Center counts applications per step on it.
    step_code = models.CharField(max_length=40, blank=True)
    step_started_at = models.DateTimeField(null=True, blank=True)
    # The OPD of the current step (the "case" contract of accounts.permissions); None while a draft.
    opd = models.ForeignKey(
        "cities.Opd", null=True, blank=True, on_delete=models.PROTECT, related_name="permit_applications"
    )
    # The officer who claimed or was given the current step; None while it waits in the OPD's queue.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="held_applications"
    )
    # The due moment of the current step's clock (None while paused or after the steps): the queue sorts on it.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # While waiting on the applicant: the document requirements they were asked to (re)submit, and why (the
    # officer's words to the applicant). Set by the request, cleared when the application leaves the wait.
    requested_documents = models.JSONField(default=list, blank=True)
    request_reason = models.TextField(blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    # Working seconds spent waiting on the applicant, not counted as the city's processing time.
    applicant_wait_seconds = models.PositiveIntegerField(default=0)
    # Working seconds from submission to decision, less the applicant's waits.
    processing_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Why it was rejected, withdrawn or revoked.
    decision_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    # The signed certificate of the issued permit (certificates app).
    certificate = models.OneToOneField(
        "certificates.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="permit_application"
    )
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Dibatalkan atau dicabut")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "permohonan izin"
        verbose_name_plural = "permohonan izin"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "registration_number"], name="unique_registration_number_per_city"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(registration_number__isnull=False),
                name="submitted_application_has_number",
            ),
        ]
        indexes = [
            # The work queues: one OPD's steps of one role, nearest deadline first.
            models.Index(
                fields=["opd", "step_role", "due_at", "id"],
                name="application_queue_idx",
                condition=Q(status__in=sorted(QUEUE_STATUSES)),
            ),
            # The city-wide queue the Inspektorat and the Command Center read, nearest deadline first.
            models.Index(
                fields=["city", "due_at", "id"],
                name="application_city_queue_idx",
                condition=Q(status__in=sorted(QUEUE_STATUSES)),
            ),
            models.Index(
                fields=["holder", "due_at", "id"],
                name="application_holder_idx",
                condition=Q(status__in=sorted(QUEUE_STATUSES)),
            ),
            models.Index(fields=["applicant", "updated_at"], name="application_applicant_idx"),
            models.Index(fields=["permit_type", "status"], name="application_type_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="application_status_idx"),
        ]

    def __str__(self):
        return f"Permohonan {self.number}"

    @property
    def number(self):
        return self.registration_number or f"Draf #{self.pk}"

    @property
    def owner_id(self):
        """The citizen the case belongs to (accounts.permissions)."""
        return self.applicant_id

    @property
    def current_step(self):
        """The step the application is at ({code, name, role, opd, opd_id, deadline_…}), or None."""
        if self.status not in STEP_STATUSES or not self.workflow:
            return None
        return self.workflow[self.step_index]

    @property
    def is_last_step(self):
        return bool(self.workflow) and self.step_index == len(self.workflow) - 1

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def may_move_to(self, status):
        return status in TRANSITIONS[Status(self.status)]

    def applicant_kind(self):
        return ApplicantKind.COMPANY if self.company_id else ApplicantKind.PERSON

    def holder_name(self):
        return self.company.name if self.company_id else self.applicant.full_name

    def outstanding_fee(self):
        """The retribusi still to pay: the fee until a payment of it is confirmed."""
        return self.fee_amount if not self.payments.filter(status=Payment.Status.PAID).exists() else 0

    def is_paid(self):
        return self.payments.filter(status=Payment.Status.PAID).exists()

    def may_be_withdrawn(self):
        """Before the decision, or approved with the retribusi still unpaid (see permits.actions.check_withdraw)."""
        if self.status == Status.APPROVED:
            return not self.is_paid()
        return self.status in WITHDRAWABLE_STATUSES

    def pending_payment(self):
        """The payment recorded by the applicant and waiting for an officer's confirmation, or None."""
        return self.payments.filter(status=Payment.Status.PENDING).first()


class ApplicationDocument(models.Model):
    """A document attached to an application for one of its requirements (one per requirement)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.CharField(max_length=40)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "lampiran permohonan"
        verbose_name_plural = "lampiran permohonan"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="one_document_per_requirement")
        ]

    def __str__(self):
        return f"{self.requirement}: {self.document}"


class StepRecord(models.Model):
    """One stay of an application at one step: who held it, when, how it ended, what they found."""

    class Outcome(models.TextChoices):
        FORWARDED = "forwarded", "Diteruskan"
        RETURNED = "returned", "Dikembalikan ke langkah sebelumnya"
        REJECTED = "rejected", "Ditolak"
        APPROVED = "approved", "Disetujui"
        WITHDRAWN = "withdrawn", "Dibatalkan pemohon"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="step_records")
    index = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=10)
    opd = models.ForeignKey("cities.Opd", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    findings = models.TextField(blank=True)

    class Meta:
        verbose_name = "langkah permohonan"
        verbose_name_plural = "langkah permohonan"
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.application})"


def step_photo_path(photo, filename):
    return f"permits/survei/{photo.record.application_id}/{photo.record_id}-{secrets.token_hex(8)}-{filename}"


class StepPhoto(models.Model):
    """A photo from a field survey, attached to the step record of the survey."""

    record = models.ForeignKey(StepRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=step_photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "foto survei"
        verbose_name_plural = "foto survei"
        ordering = ["id"]

    def __str__(self):
        return f"Foto survei {self.record}"


class Payment(models.Model):
    """The retribusi of an approved application, through the configured payment backend."""

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu konfirmasi"
        PAID = "paid", "Lunas"
        FAILED = "failed", "Ditolak"
        # The application was withdrawn while the payment waited for confirmation.
        CANCELLED = "cancelled", "Dibatalkan"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="payments")
    amount = models.PositiveBigIntegerField()
    backend = models.CharField(max_length=100)
    reference = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "pembayaran retribusi"
        verbose_name_plural = "pembayaran retribusi"
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one payment waiting for confirmation or paid per application.
            models.UniqueConstraint(
                fields=["application"], condition=Q(status__in=["pending", "paid"]), name="one_live_payment"
            )
        ]

    def __str__(self):
        return f"Pembayaran {self.reference} untuk {self.application}"


class RegistrationCounter(models.Model):
    """The last registration serial given in a city and year; locked by each submission (gap-free numbers)."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "penghitung nomor registrasi"
        verbose_name_plural = "penghitung nomor registrasi"
        constraints = [models.UniqueConstraint(fields=["city", "year"], name="one_counter_per_city_year")]

    def __str__(self):
        return f"{self.year}: {self.last}"


SKM_RANGE = Q()
for _n in range(1, 10):
    SKM_RANGE &= Q(**{f"u{_n}__gte": 1, f"u{_n}__lte": 4})


class SurveyResponse(models.Model):
    """The applicant's answers to the nine SKM elements (PermenPANRB 14/2017), each 1–4, after issuance."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="survey")
    u1 = models.PositiveSmallIntegerField("persyaratan")
    u2 = models.PositiveSmallIntegerField("sistem, mekanisme dan prosedur")
    u3 = models.PositiveSmallIntegerField("waktu penyelesaian")
    u4 = models.PositiveSmallIntegerField("biaya/tarif")
    u5 = models.PositiveSmallIntegerField("produk spesifikasi jenis pelayanan")
    u6 = models.PositiveSmallIntegerField("kompetensi pelaksana")
    u7 = models.PositiveSmallIntegerField("perilaku pelaksana")
    u8 = models.PositiveSmallIntegerField("penanganan pengaduan, saran dan masukan")
    u9 = models.PositiveSmallIntegerField("sarana dan prasarana")
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "jawaban survei kepuasan (SKM)"
        verbose_name_plural = "jawaban survei kepuasan (SKM)"
        constraints = [models.CheckConstraint(condition=SKM_RANGE, name="skm_answers_1_to_4")]

    def __str__(self):
        return f"SKM {self.application}"

    def answers(self):
        return [getattr(self, f"u{n}") for n in range(1, 10)]
