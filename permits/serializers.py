"""The e-Perizinan API's shapes: input translated for permits.actions, output safe for its reader.

Three readers: anybody (the catalogue, public tracking: step and status only), the applicant (their
companies, documents and applications with the tracking of each step) and the officers who may see an
application (the whole case: applicant contact, step records with findings and photos, history, clocks).
Input serializers check types only; the rules (lengths, formats, who may act) are permits.actions' and
answer in its words.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from audit.events import history, public_timeline
from certificates.actions import verification_url
from core.api import Input, TimelineEntrySerializer, absolute_url, id_field, text_field
from deadlines import clock
from deadlines.models import Deadline
from permits.actions import ROLE_NAMES, step_handlers, workflow_of
from permits.models import Application, Company, Document, Payment, Status
from permits.payments import get_backend

APPLICATION_RELATED = ("permit_type__issuing_opd", "permit_type__technical_opd", "company", "holder", "certificate")


def role_label(role, opd_name):
    """'Petugas DPMPTSP', 'Kepala Dinas PUPR': who works on a step."""
    name = ROLE_NAMES[role]
    return f"{name[:1].upper()}{name[1:]} {opd_name}"


def deadline_text(step):
    if "deadline_hours" in step:
        return f"{step['deadline_hours']:g} jam kerja"
    return f"{step['deadline_days']} hari kerja"


# --- the catalogue ----------------------------------------------------------------------------


class PermitOpdSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class PermitFormFieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField(help_text="text, number, date (TTTT-BB-HH) atau choice")
    required = serializers.BooleanField(default=False)
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    help = serializers.CharField(required=False)
    min = serializers.FloatField(required=False)
    max = serializers.FloatField(required=False)
    max_length = serializers.IntegerField(required=False)


class PermitRequirementSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField(), help_text="pdf, jpg, png")
    max_mb = serializers.FloatField(default=5)
    required = serializers.BooleanField(default=True)
    applicant = serializers.CharField(
        required=False, help_text="person atau company: hanya untuk pemohon jenis itu; tidak ada: untuk semua"
    )
    help = serializers.CharField(required=False)


class CatalogueStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="officer (petugas) atau head (kepala OPD)")
    opd = serializers.SerializerMethodField(help_text="Nama singkat OPD yang mengerjakan langkah ini")
    deadline = serializers.SerializerMethodField(help_text="Batas waktu langkah, mis. '8 jam kerja'")
    deadline_hours = serializers.FloatField(required=False)
    deadline_days = serializers.IntegerField(required=False)

    def get_opd(self, step) -> str:
        permit_type = self.context["permit_type"]
        opd = permit_type.issuing_opd if step["opd"] == "issuing" else permit_type.technical_opd
        return opd.short_name

    def get_deadline(self, step) -> str:
        return deadline_text(step)


class PermitTypeSerializer(serializers.Serializer):
    """A line of the catalogue."""

    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    group = serializers.CharField()
    issuing_opd = PermitOpdSerializer()
    technical_opd = PermitOpdSerializer(allow_null=True)
    applicant_kind = serializers.CharField(help_text="person, company atau both")
    applicant_kind_label = serializers.CharField(source="get_applicant_kind_display")
    fee_text = serializers.CharField(help_text="Retribusi, mis. 'Gratis' atau 'Rp150.000'")
    is_free = serializers.BooleanField()
    sla = serializers.CharField(source="sla_text", help_text="Lama proses seluruh langkah, mis. '24 jam kerja'")
    validity_months = serializers.IntegerField(allow_null=True, help_text="Masa berlaku; null: tanpa batas waktu")
    online = serializers.BooleanField(help_text="false: hanya dapat diajukan di loket")
    url = serializers.SerializerMethodField()

    def get_url(self, permit_type) -> str:
        return absolute_url(self.context, reverse("api-permit-type", args=[permit_type.code]))


class PermitTypeDetailSerializer(PermitTypeSerializer):
    """Everything an applicant needs before applying: legal basis, form, requirements, fee, steps."""

    legal_basis = serializers.CharField()
    description = serializers.CharField()
    form_fields = PermitFormFieldSerializer(many=True)
    required_documents = PermitRequirementSerializer(many=True)
    fee = serializers.JSONField(help_text='{"kind": "free"} | {"kind": "fixed", "amount": …} | {"kind": "formula", …}')
    steps = serializers.SerializerMethodField()
    certificate_title = serializers.CharField()

    @extend_schema_field(CatalogueStepSerializer(many=True))
    def get_steps(self, permit_type):
        return CatalogueStepSerializer(permit_type.steps, many=True, context={"permit_type": permit_type}).data


# --- the applicant's companies and documents --------------------------------------------------


class PermitCompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "nib", "npwp", "address", "created_at"]


class PermitDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="pdf, jpg atau png (menurut isinya)")
    kind_label = serializers.CharField(source="get_kind_display")
    url = serializers.SerializerMethodField(help_text="Unduh berkasnya (hanya pemiliknya)")

    class Meta:
        model = Document
        fields = ["id", "name", "kind", "kind_label", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, document) -> str:
        return absolute_url(self.context, reverse("api-permit-document-file", args=[document.pk]))


# --- applications -----------------------------------------------------------------------------


class ApplicationSerializer(serializers.ModelSerializer):
    """A line of the applicant's list."""

    number = serializers.CharField(help_text="Nomor registrasi, atau 'Draf #id' sebelum diajukan")
    permit_type = serializers.CharField(source="permit_type.code")
    permit_name = serializers.CharField(source="permit_type.name")
    company = serializers.CharField(source="company.name", default=None, help_text="Nama badan usaha, bila ada")
    status = serializers.CharField(
        help_text="draft, submitted, in_review, waiting_applicant, approved, issued, rejected, withdrawn, revoked"
    )
    status_label = serializers.CharField(source="get_status_display")
    step_name = serializers.SerializerMethodField(help_text="Langkah saat ini; kosong di luar langkah")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "registration_number",
            "permit_type",
            "permit_name",
            "company",
            "status",
            "status_label",
            "step_name",
            "created_at",
            "updated_at",
            "submitted_at",
            "url",
        ]

    def get_step_name(self, application) -> str:
        step = application.current_step
        return step["name"] if step else ""

    def get_url(self, application) -> str:
        return absolute_url(self.context, reverse("api-permit-application", args=[application.pk]))


class StepHolderSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField(help_text="officer atau head")
    role_label = serializers.CharField(help_text="Mis. 'Petugas DPMPTSP'")


class CurrentStepSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField(help_text="Siapa yang mengerjakan langkah ini, mis. 'Petugas DPMPTSP'")
    opd = serializers.CharField(help_text="Nama singkat OPD langkah ini")
    since = serializers.DateTimeField(help_text="Sejak kapan permohonan berada di langkah ini")
    holder = StepHolderSerializer(allow_null=True, help_text="Petugas yang menangani; null: menunggu di antrean OPD")
    due_at = serializers.DateTimeField(allow_null=True, help_text="Tenggat langkah; null selama menunggu pemohon")
    paused = serializers.BooleanField(help_text="Jam berhenti: menunggu kelengkapan dari pemohon")


class StepProgressSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    opd = serializers.CharField()
    deadline = serializers.CharField(help_text="Batas waktu langkah, mis. '8 jam kerja'")
    state = serializers.CharField(help_text="done (selesai), current (sedang berjalan) atau upcoming (belum)")
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Tenggat langkah (terakhir kali dikerjakan)")
    outcome = serializers.CharField(help_text="Hasil langkah yang selesai: forwarded, returned, rejected, approved…")
    late = serializers.BooleanField(help_text="Melewati tenggat")


class PermitTrackingSerializer(serializers.Serializer):
    current_step = CurrentStepSerializer(allow_null=True)
    steps = StepProgressSerializer(many=True)
    timeline = TimelineEntrySerializer(many=True)


class AttachedDocumentSerializer(serializers.ModelSerializer):
    """The document attached to a requirement (downloaded through the attachment's own `url`)."""

    kind = serializers.CharField(help_text="pdf, jpg atau png (menurut isinya)")

    class Meta:
        model = Document
        fields = ["id", "name", "kind", "content_type", "size", "uploaded_at"]


class PermitAttachmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    max_mb = serializers.FloatField()
    required = serializers.BooleanField()
    requested = serializers.BooleanField(help_text="Petugas meminta dokumen ini dilengkapi atau diganti")
    document = AttachedDocumentSerializer(allow_null=True, help_text="Dokumen yang dilampirkan; null: belum")
    attached_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="Unduh lampiran (pemohon dan petugas yang berwenang)")


class PermitPaymentSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="pending (menunggu konfirmasi), paid (lunas) atau failed (ditolak)")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Payment
        fields = ["id", "amount", "reference", "backend", "status", "status_label", "created_at", "paid_at"]
        read_only_fields = fields


class ApplicantPaymentSerializer(PermitPaymentSerializer):
    class Meta(PermitPaymentSerializer.Meta):
        fields = PermitPaymentSerializer.Meta.fields + ["failure_reason"]
        read_only_fields = fields


class CertificateSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(help_text="PDF sertifikat")
    verification_url = serializers.CharField(help_text="Halaman verifikasi publik (tujuan kode QR)")


class ApplicationDetailSerializer(ApplicationSerializer):
    """The applicant's application: answers, documents, fee, certificate, and where it is (tracking)."""

    company = serializers.SerializerMethodField()
    form_data = serializers.JSONField()
    documents = serializers.SerializerMethodField()
    tracking = serializers.SerializerMethodField()
    fee_text = serializers.CharField(source="permit_type.fee_text")
    outstanding_fee = serializers.SerializerMethodField(help_text="Retribusi yang belum lunas (rupiah)")
    payment_instructions = serializers.SerializerMethodField(help_text="Cara membayar, bila retribusi harus dibayar")
    payments = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()
    survey_answered = serializers.SerializerMethodField()
    may_withdraw = serializers.SerializerMethodField(
        help_text="Pemohon dapat membatalkannya: sebelum diputuskan, atau disetujui tetapi retribusi belum dibayar"
    )

    class Meta(ApplicationSerializer.Meta):
        fields = ApplicationSerializer.Meta.fields + [
            "company",
            "form_data",
            "documents",
            "requested_documents",
            "request_reason",
            "waiting_since",
            "tracking",
            "fee_amount",
            "fee_text",
            "outstanding_fee",
            "payment_instructions",
            "payments",
            "decision_reason",
            "decided_at",
            "issued_at",
            "certificate",
            "survey_answered",
            "may_withdraw",
        ]

    @extend_schema_field(PermitCompanySerializer(allow_null=True))
    def get_company(self, application):
        return PermitCompanySerializer(application.company).data if application.company_id else None

    @extend_schema_field(PermitAttachmentSerializer(many=True))
    def get_documents(self, application):
        """Every requirement that applies to this applicant, with what is attached to it (and extra attachments)."""
        attached = {a.requirement: a for a in application.attachments.select_related("document")}
        requirements = application.permit_type.documents_for(application.applicant_kind())
        codes = {r["code"] for r in requirements}
        requirements += [r for r in application.permit_type.required_documents if r["code"] in attached.keys() - codes]
        rows = []
        for requirement in requirements:
            attachment = attached.get(requirement["code"])
            rows.append(
                {
                    "code": requirement["code"],
                    "name": requirement["name"],
                    "formats": requirement["formats"],
                    "max_mb": requirement.get("max_mb", 5),
                    "required": requirement.get("required", True),
                    "requested": requirement["code"] in application.requested_documents,
                    "document": attachment.document if attachment else None,
                    "attached_at": attachment.attached_at if attachment else None,
                    "url": absolute_url(
                        self.context,
                        reverse("api-permit-attachment-file", args=[application.pk, requirement["code"]]),
                    )
                    if attachment
                    else None,
                }
            )
        return PermitAttachmentSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(PermitTrackingSerializer)
    def get_tracking(self, application):
        return PermitTrackingSerializer(tracking(application)).data

    def get_outstanding_fee(self, application) -> int:
        return application.outstanding_fee() if application.fee_amount else 0

    def get_payment_instructions(self, application) -> str:
        if application.status == Status.APPROVED and self.get_outstanding_fee(application):
            return get_backend().instructions(application)
        return ""

    @extend_schema_field(ApplicantPaymentSerializer(many=True))
    def get_payments(self, application):
        return ApplicantPaymentSerializer(application.payments.all(), many=True).data

    @extend_schema_field(CertificateSummarySerializer(allow_null=True))
    def get_certificate(self, application):
        certificate = application.certificate
        if certificate is None:
            return None
        return CertificateSummarySerializer(
            {
                "number": certificate.number,
                "title": certificate.title,
                "valid_from": certificate.valid_from,
                "valid_until": certificate.valid_until,
                "revoked_at": certificate.revoked_at,
                "download_url": absolute_url(self.context, reverse("api-permit-certificate", args=[application.pk])),
                "verification_url": verification_url(certificate),
            }
        ).data

    def get_survey_answered(self, application) -> bool:
        return hasattr(application, "survey")

    def get_may_withdraw(self, application) -> bool:
        return application.may_be_withdrawn()


def tracking(application):
    """Where the application is: the current step (since, holder, deadline), every step's progress, the timeline."""
    workflow = application.workflow or workflow_of(application.permit_type)
    records = {}
    for record in application.step_records.all():
        records[record.index] = record  # the latest stay at each step
    clocks = {}
    for deadline in Deadline.objects.for_case(application).order_by("started_at", "id"):
        clocks[deadline.kind] = deadline
    current = application.current_step
    steps = []
    for index, step in enumerate(workflow):
        record = records.get(index)
        deadline = clocks.get(f"permit.step.{step['code']}")
        if current is not None:
            state = (
                "current"
                if index == application.step_index
                else "done"
                if index < application.step_index
                else "upcoming"
            )
        else:
            state = "done" if record is not None and record.finished_at is not None else "upcoming"
        shown = deadline if state != "upcoming" else None
        steps.append(
            {
                "index": index,
                "code": step["code"],
                "name": step["name"],
                "role": step["role"],
                "role_label": role_label(step["role"], step["opd_name"]),
                "opd": step["opd_name"],
                "deadline": deadline_text(step),
                "state": state,
                "started_at": record.started_at if record and state != "upcoming" else None,
                "finished_at": record.finished_at if record and state == "done" else None,
                "due_at": shown.due_at if shown else None,
                "outcome": record.outcome if record and state == "done" else "",
                "late": bool(shown and (shown.breached_at or shown.state == Deadline.State.MISSED)),
            }
        )
    current_step = None
    if current is not None:
        deadline = clocks.get(f"permit.step.{current['code']}")
        holder = application.holder
        current_step = {
            "index": application.step_index,
            "code": current["code"],
            "name": current["name"],
            "role": current["role"],
            "role_label": role_label(current["role"], current["opd_name"]),
            "opd": current["opd_name"],
            "since": application.step_started_at,
            "holder": {
                "name": holder.full_name,
                "role": current["role"],
                "role_label": role_label(current["role"], current["opd_name"]),
            }
            if holder
            else None,
            "due_at": application.due_at,
            "paused": bool(deadline and deadline.state == Deadline.State.PAUSED),
        }
    return {"current_step": current_step, "steps": steps, "timeline": public_timeline(application)}


# --- officers ---------------------------------------------------------------------------------


class PermitApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(source="full_name")
    nik = serializers.CharField(source="masked_nik", help_text="NIK tersamar")
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class PermitOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class PermitStepPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        application = photo.record.application
        return absolute_url(
            self.context, reverse("api-officer-permit-photo", args=[application.registration_number, photo.pk])
        )


class PermitStepRecordSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    opd = serializers.CharField(source="opd.short_name")
    holder = PermitOfficerSerializer(allow_null=True)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(help_text="forwarded, returned, rejected, approved, withdrawn; kosong: berjalan")
    note = serializers.CharField()
    findings = serializers.CharField()
    photos = PermitStepPhotoSerializer(many=True)


class PermitHistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="occurred_at")
    actor = serializers.CharField(source="actor_label")
    action = serializers.CharField()
    reason = serializers.CharField()
    public = serializers.BooleanField()
    public_text = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class PermitDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    opd = serializers.CharField(source="opd.code", default=None)
    holder = serializers.CharField(source="holder.full_name", default=None)
    due_at = serializers.DateTimeField()
    near = serializers.BooleanField(source="is_near")
    breached_at = serializers.DateTimeField()


class OfficerPaymentSerializer(PermitPaymentSerializer):
    confirmed_by = serializers.CharField(source="confirmed_by.full_name", default=None)

    class Meta(PermitPaymentSerializer.Meta):
        fields = PermitPaymentSerializer.Meta.fields + ["failure_reason", "confirmed_by"]
        read_only_fields = fields


class PermitQueueItemSerializer(serializers.ModelSerializer):
    """A line of an officer's work queue."""

    number = serializers.CharField(source="registration_number")
    permit_type = serializers.CharField(source="permit_type.code")
    permit_name = serializers.CharField(source="permit_type.name")
    applicant = serializers.SerializerMethodField(help_text="Nama badan usaha, atau nama pemohon perorangan")
    status = serializers.CharField(help_text="submitted atau in_review")
    status_label = serializers.CharField(source="get_status_display")
    step_name = serializers.SerializerMethodField()
    holder = PermitOfficerSerializer(allow_null=True)
    near = serializers.SerializerMethodField(help_text="Tenggat langkah sudah dekat")
    late = serializers.SerializerMethodField(help_text="Tenggat langkah sudah lewat")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "permit_type",
            "permit_name",
            "applicant",
            "status",
            "status_label",
            "step_name",
            "step_started_at",
            "due_at",
            "near",
            "late",
            "holder",
            "submitted_at",
            "url",
        ]

    def get_applicant(self, application) -> str:
        return application.holder_name()

    def _clock(self, application):
        return self.context.get("clocks", {}).get(application.pk)

    def get_near(self, application) -> bool:
        clock = self._clock(application)
        return bool(clock and clock.is_near)

    def get_late(self, application) -> bool:
        clock = self._clock(application)
        return bool(clock and clock.is_breached)

    def get_step_name(self, application) -> str:
        step = application.current_step
        return step["name"] if step else ""

    def get_url(self, application) -> str:
        return absolute_url(self.context, reverse("api-officer-permit", args=[application.registration_number]))


class OfficerApplicationSerializer(ApplicationDetailSerializer):
    """The whole case, for the officers allowed to see it."""

    applicant = PermitApplicantSerializer()
    holder = PermitOfficerSerializer(allow_null=True)
    handlers = serializers.SerializerMethodField(help_text="Petugas yang dapat mengerjakan langkah saat ini")
    step_records = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField(help_text="Tenggat yang sedang berjalan")
    processing_seconds = serializers.IntegerField(allow_null=True)
    applicant_wait_seconds = serializers.IntegerField()

    class Meta(ApplicationDetailSerializer.Meta):
        fields = ApplicationDetailSerializer.Meta.fields + [
            "applicant",
            "holder",
            "handlers",
            "step_records",
            "history",
            "deadlines",
            "processing_seconds",
            "applicant_wait_seconds",
        ]

    def get_url(self, application) -> str:
        return absolute_url(self.context, reverse("api-officer-permit", args=[application.registration_number]))

    @extend_schema_field(PermitOfficerSerializer(many=True))
    def get_handlers(self, application):
        return PermitOfficerSerializer(step_handlers(application).order_by("full_name"), many=True).data

    @extend_schema_field(PermitStepRecordSerializer(many=True))
    def get_step_records(self, application):
        records = application.step_records.select_related("opd", "holder").prefetch_related(
            "photos__record__application"
        )
        return PermitStepRecordSerializer(records, many=True, context=self.context).data

    @extend_schema_field(OfficerPaymentSerializer(many=True))
    def get_payments(self, application):
        return OfficerPaymentSerializer(application.payments.select_related("confirmed_by"), many=True).data

    @extend_schema_field(PermitHistoryEntrySerializer(many=True))
    def get_history(self, application):
        return PermitHistoryEntrySerializer(history(application), many=True).data

    @extend_schema_field(PermitDeadlineSerializer(many=True))
    def get_deadlines(self, application):
        return PermitDeadlineSerializer(clock.live_deadlines_for(application), many=True).data


class PublicTrackingSerializer(serializers.Serializer):
    """What anybody may know by a registration number: the step and the status, nothing personal."""

    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    step_name = serializers.CharField(help_text="Langkah saat ini; kosong bila tidak sedang di suatu langkah")
    since = serializers.DateTimeField()


# --- writing ----------------------------------------------------------------------------------

NOT_A_FILE = "Kirim berkas sebagai multipart/form-data."
NOT_A_LIST = "Harus berupa daftar."


def file_field(**options):
    return serializers.FileField(error_messages={"invalid": NOT_A_FILE, "required": "Pilih berkas."}, **options)


def files_field(**options):
    child = serializers.FileField(error_messages={"invalid": NOT_A_FILE})
    return serializers.ListField(child=child, error_messages={"not_a_list": NOT_A_FILE}, **options)


class CompanyInputSerializer(Input):
    name = text_field(help_text="Nama badan usaha")
    nib = text_field(help_text="NIB dari OSS, 13 angka")
    npwp = text_field(help_text="NPWP badan usaha, 15 atau 16 angka (tidak wajib)")
    address = text_field(help_text="Alamat badan usaha")


class CompanyUpdateSerializer(Input):
    """Only the fields sent change."""

    name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    nib = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    npwp = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    address = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class DocumentUploadSerializer(Input):
    file = file_field(help_text="PDF, JPEG atau PNG (diperiksa dari isinya)")
    name = text_field(help_text="Nama dokumen, mis. 'KTP Siti'; kosong: nama berkasnya")


def _form_data(value):
    if not isinstance(value, dict):
        raise serializers.ValidationError("Isian formulir harus berupa objek {kode: jawaban}.")
    return value


class DraftCreateSerializer(Input):
    permit_type = serializers.CharField(help_text="Kode jenis izin dari GET /api/v1/permits/types")
    company = id_field(
        required=False, allow_null=True, default=None, help_text="id badan usaha Anda; null: atas nama pribadi"
    )
    form_data = serializers.JSONField(required=False, default=dict, help_text="Jawaban formulir: {kode: jawaban}")

    def validate_form_data(self, value):
        return _form_data(value)


class DraftUpdateSerializer(Input):
    """Answers given replace the draft's; an empty answer clears one. `company` sent as null: as a person."""

    company = id_field(required=False, allow_null=True, help_text="id badan usaha Anda; null: atas nama pribadi")
    form_data = serializers.JSONField(required=False, help_text="Jawaban yang diubah: {kode: jawaban}")

    def validate_form_data(self, value):
        return _form_data(value)


class AttachSerializer(Input):
    requirement = serializers.CharField(help_text="Kode persyaratan dokumen dari jenis izin")
    document = id_field(required=False, allow_null=True, default=None, help_text="id dokumen Anda yang sudah diunggah")
    file = file_field(required=False, allow_null=True, default=None, help_text="Atau unggah berkas baru (multipart)")
    name = text_field(help_text="Nama dokumen bila mengunggah berkas baru")

    def validate(self, data):
        if (data["document"] is None) == (data["file"] is None):
            raise serializers.ValidationError({"document": ["Pilih satu dokumen Anda atau unggah satu berkas baru."]})
        return data


class ResubmitSerializer(Input):
    note = text_field(help_text="Catatan untuk petugas (tidak wajib)")


class PermitReasonSerializer(Input):
    reason = text_field()


class WithdrawSerializer(Input):
    reason = text_field(help_text="Alasan (tidak wajib)")


class PaymentReferenceSerializer(Input):
    reference = text_field(help_text="Nomor referensi transfer dari bukti bayar")


class PermitSurveySerializer(Input):
    """The nine SKM elements (PermenPANRB 14/2017), each 1 (tidak baik) to 4 (sangat baik)."""

    u1 = id_field(required=False, allow_null=True, help_text="Persyaratan")
    u2 = id_field(required=False, allow_null=True, help_text="Sistem, mekanisme dan prosedur")
    u3 = id_field(required=False, allow_null=True, help_text="Waktu penyelesaian")
    u4 = id_field(required=False, allow_null=True, help_text="Biaya/tarif")
    u5 = id_field(required=False, allow_null=True, help_text="Produk spesifikasi jenis pelayanan")
    u6 = id_field(required=False, allow_null=True, help_text="Kompetensi pelaksana")
    u7 = id_field(required=False, allow_null=True, help_text="Perilaku pelaksana")
    u8 = id_field(required=False, allow_null=True, help_text="Penanganan pengaduan, saran dan masukan")
    u9 = id_field(required=False, allow_null=True, help_text="Sarana dan prasarana")
    comment = text_field(help_text="Saran (tidak wajib)")


class PermitSurveyResponseSerializer(serializers.Serializer):
    u1 = serializers.IntegerField()
    u2 = serializers.IntegerField()
    u3 = serializers.IntegerField()
    u4 = serializers.IntegerField()
    u5 = serializers.IntegerField()
    u6 = serializers.IntegerField()
    u7 = serializers.IntegerField()
    u8 = serializers.IntegerField()
    u9 = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class PermitQueueQuerySerializer(Input):
    mine = serializers.BooleanField(required=False, default=False, help_text="Hanya yang saya tangani")
    unassigned = serializers.BooleanField(required=False, default=False, help_text="Hanya yang belum ditangani")
    cursor = serializers.CharField(required=False, help_text="Dari tautan `next` halaman sebelumnya")
    size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)


class PermitPageQuerySerializer(Input):
    cursor = serializers.CharField(required=False, help_text="Dari tautan `next` halaman sebelumnya")
    size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)


class PermitAssignSerializer(Input):
    officer = id_field(help_text="id petugas dari `handlers` pada detail permohonan")

    def validate_officer(self, officer_id):
        officer = User.objects.filter(pk=officer_id, kind=User.Kind.OFFICER).first()
        if officer is None:
            raise serializers.ValidationError("Petugas tidak ditemukan.")
        return officer


class ForwardSerializer(Input):
    note = text_field(help_text="Catatan untuk langkah berikutnya")
    findings = text_field(help_text="Hasil pemeriksaan/survei (wajib pada langkah pemeriksaan)")
    photos = files_field(required=False, default=list, help_text="Foto survei lapangan (multipart), paling banyak 10")


class RequestDocumentsSerializer(Input):
    reason = text_field(help_text="Apa yang perlu dilengkapi pemohon")
    requirements = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        error_messages={"not_a_list": NOT_A_LIST},
        help_text="Kode persyaratan yang harus dilampirkan ulang",
    )


class PaymentChoiceSerializer(Input):
    payment = id_field(
        required=False, allow_null=True, default=None, help_text="id pembayaran; kosong: yang menunggu konfirmasi"
    )


class PaymentRejectSerializer(PaymentChoiceSerializer):
    reason = text_field(help_text="Mengapa pembayaran tidak dapat dikonfirmasi")
