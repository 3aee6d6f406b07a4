"""The city admin's view of e-Perizinan: the permit catalogue (editable) and the records the platform writes.

Applications, documents, payments and the rest change only through permits.actions, so here they are
read only. Lists never show a NIK, phone number or e-mail address.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from cities.models import Opd, current_city
from core.admin import ReadOnlyAdmin
from permits.models import (
    Application,
    ApplicationDocument,
    Company,
    Document,
    Payment,
    PermitType,
    RegistrationCounter,
    StepPhoto,
    StepRecord,
    SurveyResponse,
)


class PermitTypeForm(forms.ModelForm):
    class Meta:
        model = PermitType
        fields = [
            "code",
            "name",
            "short_name",
            "group",
            "legal_basis",
            "description",
            "issuing_opd",
            "technical_opd",
            "applicant_kind",
            "form_fields",
            "required_documents",
            "fee",
            "steps",
            "validity_months",
            "certificate_title",
            "certificate_fields",
            "online",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        city = current_city()
        if self.instance.city_id is None and city is not None:
            # PermitType.clean() checks the OPDs and the code against the city.
            self.instance.city = city
        for name in ("issuing_opd", "technical_opd"):
            if name in self.fields and city is not None:
                self.fields[name].queryset = Opd.objects.filter(city=city).order_by("short_name")

    def clean_code(self):
        # The form leaves out the city, so Django cannot check the per-city unique code itself.
        code = self.cleaned_data["code"]
        taken = PermitType.objects.filter(city=self.instance.city_id, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(f"Kode jenis izin '{code}' sudah dipakai.")
        return code


@admin.register(PermitType)
class PermitTypeAdmin(admin.ModelAdmin):
    form = PermitTypeForm
    list_display = ["name", "code", "group", "issuing_opd", "technical_opd", "applicant_kind", "online", "active"]
    list_filter = ["group", "issuing_opd", "technical_opd", "online", "active"]
    search_fields = ["name", "code", "short_name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "group", "description", "legal_basis"]}),
        ("Penanganan", {"fields": ["issuing_opd", "technical_opd", "applicant_kind", "online", "active"]}),
        (
            "Formulir, persyaratan, retribusi dan langkah (JSON)",
            {
                "fields": ["form_fields", "required_documents", "fee", "steps"],
                "description": "Diperiksa saat disimpan: tipe isian, format dokumen, rumus retribusi, peran dan "
                "batas waktu setiap langkah. Langkah terakhir harus persetujuan kepala OPD penerbit.",
            },
        ),
        ("Sertifikat", {"fields": ["certificate_title", "certificate_fields", "validity_months"]}),
    ]

    def get_queryset(self, request):
        city = current_city()
        queryset = super().get_queryset(request).select_related("issuing_opd", "technical_opd")
        return queryset.filter(city=city) if city is not None else queryset.none()


class StepRecordInline(admin.TabularInline):
    model = StepRecord
    extra = 0
    fields = ["name", "opd", "holder", "started_at", "finished_at", "outcome", "note", "findings"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentInline(StepRecordInline):
    model = Payment
    fields = ["amount", "backend", "reference", "status", "created_at", "paid_at", "confirmed_by", "failure_reason"]
    readonly_fields = fields


class AttachmentInline(StepRecordInline):
    model = ApplicationDocument
    fields = ["requirement", "document", "attached_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["number", "permit_type", "status", "opd", "holder", "fee_amount", "submitted_at"]
    list_filter = ["status", "permit_type", "opd"]
    list_select_related = ["permit_type", "opd", "holder"]
    search_fields = ["registration_number"]
    search_help_text = "Cari nomor registrasi (REG-2026-000123)."
    show_full_result_count = False
    inlines = [AttachmentInline, StepRecordInline, PaymentInline]
    exclude = ["applicant", "form_data"]
    readonly_fields = ["number"]

    @admin.display(description="Nomor")
    def number(self, application):
        return application.number


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "nib", "created_at"]
    search_fields = ["name", "nib"]
    exclude = ["owner"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    exclude = ["owner", "file"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "application", "amount", "backend", "status", "created_at", "paid_at"]
    list_filter = ["status", "backend"]
    search_fields = ["reference", "application__registration_number"]


@admin.register(StepPhoto)
class StepPhotoAdmin(ReadOnlyAdmin):
    list_display = ["record", "created_at"]


@admin.register(RegistrationCounter)
class RegistrationCounterAdmin(ReadOnlyAdmin):
    list_display = ["city", "year", "last"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["application", "created_at"]
