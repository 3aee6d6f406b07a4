"""The city admin's view of e-Masyarakat: categories and their routing, reports (to read), Open311 client apps.

Reports change only through reports.actions (the officers' pages and the API),
so here they are read only, and the list never shows a NIK, phone number or
e-mail address. An Open311 client's api_key is shown once, when it is issued;
only its digest is stored.
"""

from datetime import UTC, datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse

from audit.events import record
from cities.models import Kecamatan, Opd, current_city
from core.admin import ReadOnlyAdmin
from reports.exports import ATTRIBUTE_TYPES
from reports.models import Category, CategoryRouting, Open311Client, Report, parse_number
from reports.open311_clients import check_client, do_issue_api_key, do_register_client
from reports.open311_services import KELURAHAN

LIST_TYPES = {"singlevaluelist", "multivaluelist"}


def _city_choices(formfield, db_field):
    """OPDs and kecamatan of this city only."""
    city = current_city()
    if formfield is not None and city is not None:
        if db_field.related_model is Opd:
            formfield.queryset = city.opds.order_by("short_name")
        elif db_field.related_model is Kecamatan:
            formfield.queryset = city.kecamatan.order_by("name")
    return formfield


class CategoryRoutingInline(admin.TabularInline):
    model = CategoryRouting
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _city_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), db_field)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "description", "group", "keywords", "opd", "resolution_days", "attributes", "active"]

    def clean_code(self):
        # The form leaves out the city, so Django cannot check the per-city unique code itself.
        code = self.cleaned_data["code"]
        if Category.objects.filter(city=current_city(), code=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Kode layanan '{code}' sudah dipakai kategori lain.")
        return code

    def clean_attributes(self):
        """The attributes become the Open311 service definition: each needs a code, a known datatype, and choices
        for a list."""
        attributes = self.cleaned_data["attributes"]
        if not isinstance(attributes, list) or not all(isinstance(item, dict) for item in attributes):
            raise ValidationError('Atribut harus berupa daftar objek, mis. [{"code": "...", "datatype": "string"}].')
        codes = [item.get("code") for item in attributes]
        for item, code in zip(attributes, codes, strict=True):
            if not code or not isinstance(code, str):
                raise ValidationError("Setiap atribut harus punya code.")
            if code == KELURAHAN:
                raise ValidationError(
                    "Kode 'kelurahan' sudah dipakai Open311 untuk memilih kelurahan; pakai kode lain."
                )
            if codes.count(code) > 1:
                raise ValidationError(f"Kode atribut '{code}' dipakai lebih dari sekali.")
            if item.get("datatype") not in ATTRIBUTE_TYPES:
                raise ValidationError(
                    f"Atribut '{code}': datatype harus salah satu dari {', '.join(sorted(ATTRIBUTE_TYPES))}."
                )
            values = item.get("values", [])
            if item["datatype"] in LIST_TYPES and not (
                values and all(isinstance(v, dict) and v.get("key") and v.get("name") for v in values)
            ):
                raise ValidationError(f"Atribut '{code}': daftar pilihan perlu values berisi key dan name.")
        return attributes


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ["name", "code", "group", "opd", "resolution_days", "active"]
    list_filter = ["group", "opd", "active"]
    search_fields = ["name", "code", "keywords"]
    inlines = [CategoryRoutingInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _city_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), db_field)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.city = current_city()
        super().save_model(request, obj, form, change)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["number", "category", "status", "opd", "kecamatan", "kelurahan", "channel", "created_at"]
    list_filter = ["status", "category", "opd", "kecamatan"]
    list_select_related = ["category", "opd", "kecamatan", "kelurahan", "client"]
    # Searching puts the words in the URL: numbers and report text only, never contact details.
    search_fields = ["description"]
    search_help_text = "Cari nomor laporan (LP-2026-0000123) atau kata dalam uraiannya."
    # No COUNT(*) over a million reports on every page.
    show_full_result_count = False
    readonly_fields = ["number", "reporter", "channel"]
    fieldsets = [
        (None, {"fields": ["number", "category", "status", "description", "attributes"]}),
        ("Lokasi", {"fields": ["kelurahan", "kecamatan", "address", "lat", "lon"]}),
        ("Pelapor", {"fields": ["reporter", "anonymous", "channel", "contact_email", "contact_phone"]}),
        ("Penanganan", {"fields": ["opd", "assigned_to", "follow_up_plan", "resolution", "duplicate_of"]}),
        ("Penilaian", {"fields": ["rating", "rating_comment", "support_count"]}),
        (
            "Waktu",
            {"fields": ["created_at", "updated_at", "verified_at", "dispositioned_at", "resolved_at", "closed_at"]},
        ),
    ]

    @admin.display(description="Nomor")
    def number(self, report):
        return report.number

    @admin.display(description="Pelapor")
    def reporter(self, report):
        if report.owner_id:
            return f"{report.owner.full_name} (warga terdaftar)"
        return report.contact_name or "Tanpa nama"

    @admin.display(description="Saluran")
    def channel(self, report):
        return f"Open311: {report.client.name}" if report.client_id else "Situs/API"

    def get_search_results(self, request, queryset, search_term):
        number = parse_number(search_term)
        if number is not None:
            year, pk = number
            # The number's year is the UTC year of created_at (Report.number), not the city's local year.
            start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
            return queryset.filter(pk=pk, created_at__gte=start, created_at__lt=end), False
        return super().get_search_results(request, queryset, search_term)


class Open311ClientForm(forms.ModelForm):
    """Registration and changes go through reports.open311_clients.check_client."""

    class Meta:
        model = Open311Client
        fields = ["name", "contact_email", "active"]

    def clean(self):
        cleaned = super().clean()
        if "name" in cleaned and "contact_email" in cleaned:
            try:
                client = check_client(
                    city=current_city(),
                    name=cleaned["name"],
                    contact_email=cleaned["contact_email"],
                    instance=self.instance if self.instance.pk else None,
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
            else:
                # The form copies cleaned_data onto the instance after clean(): hand it the checked values.
                self.instance = client
                cleaned.update(name=client.name, contact_email=client.contact_email)
        return cleaned


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    form = Open311ClientForm
    list_display = ["name", "contact_email", "active", "report_count", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    readonly_fields = ["created_at"]
    actions = ["issue_new_keys"]

    def get_fields(self, request, obj=None):
        return ["name", "contact_email", "active", "created_at"] if obj else ["name", "contact_email"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_total=Count("reports"))

    @admin.display(description="Laporan", ordering="report_total")
    def report_count(self, client):
        return client.report_total

    def has_delete_permission(self, request, obj=None):
        # Its reports keep pointing at it: a client app is deactivated, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            request.issued_keys = [(obj, do_register_client(obj, actor=request.user))]
            return
        with transaction.atomic():
            obj.save()
            if form.changed_data:
                record(
                    actor=request.user,
                    obj=obj,
                    action="open311.client_changed",
                    before={name: form.initial.get(name) for name in form.changed_data},
                    after={name: form.cleaned_data.get(name) for name in form.changed_data},
                    reason="Diubah lewat halaman admin",
                )

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_keys(request, request.issued_keys)

    @admin.action(description="Terbitkan kunci API baru (kunci lama langsung tidak berlaku)")
    def issue_new_keys(self, request, queryset):
        return self._show_keys(request, [(client, do_issue_api_key(client, actor=request.user)) for client in queryset])

    def _show_keys(self, request, issued):
        context = {**self.admin_site.each_context(request), "title": "Kunci API Open311", "issued": issued}
        # The admin's views are never_cache (no-store): no browser or proxy keeps a copy of the keys.
        return TemplateResponse(request, "admin/reports/open311client/keys_issued.html", context)
