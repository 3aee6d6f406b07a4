"""e-Dokter in the admin: facilities, poli, doctors, weekly schedules and days off are edited here.

They come from the city profile (`manage.py load_city`, clinics.exports.load_profile_section) and are
kept up to date here between loads (a later load of the profile brings the file's values back). Who: the
city admin, for every facility; a facility's `hospital_staff` officer whom the city admin gave admin
rights (is_staff and the clinics permissions, under Pengguna), for the facilities of their OPD only.
Hospital staff without admin rights work on the staff pages (/petugas/dokter/) instead.

Every save writes an audit event with the fields changed, in the same transaction. A weekly schedule is
checked by clinics.actions.check_weekly_schedule (the profile's rules, at least one quota, no overlap
with the doctor's other schedules that weekday); a day off is entered through
clinics.actions.do_add_exception, which also cancels the sessions already made that day and texts their
patients. Nothing is deleted (sessions and appointments point at these rows): a facility, poli, doctor or
schedule is retired by unticking "active". Sessions, appointments and family members change only through
clinics.actions, so here they are read only. Lists never show a NIK, BPJS number or phone number.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from accounts.models import Role, User
from audit.events import record
from cities.models import Opd, current_city
from clinics.actions import check_weekly_schedule, do_add_exception, is_city_admin
from clinics.models import (
    Appointment,
    Clinic,
    Facility,
    FamilyMember,
    Practitioner,
    ScheduleException,
    Session,
    WeeklySchedule,
    check_facility_code,
)
from core.admin import ReadOnlyAdmin

QUOTA_HELP = (
    "Kuota dan menit per pasien yang diubah berlaku untuk sesi yang dibuat sesudahnya. Sesi yang sudah dibuat "
    "(sampai 28 hari ke depan) tetap dengan kuota lamanya; batalkan di halaman petugas bila perlu."
)


def facilities_of(user):
    """The facilities a user may configure: every facility of the city for the city admin, the facilities of
    their OPD for a hospital_staff officer with admin rights, none for anybody else."""
    city = current_city()
    facilities = Facility.objects.filter(city=city) if city is not None else Facility.objects.none()
    if is_city_admin(user):
        return facilities
    if user.is_active and user.role == Role.HOSPITAL_STAFF and user.opd_id:
        return facilities.filter(opd_id=user.opd_id)
    return facilities.none()


def _plain(value):
    """A form value as the audit trail stores it: objects by primary key, times as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return sorted(_plain(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class FacilityScopedAdmin(admin.ModelAdmin):
    """Rows of the facilities the user may configure (facility_path leads from a row to its facility)."""

    facility_path = "facility"

    def get_queryset(self, request):
        facilities = facilities_of(request.user)
        if not self.facility_path:
            return super().get_queryset(request).filter(pk__in=facilities)
        return super().get_queryset(request).filter(**{f"{self.facility_path}__in": facilities})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        facilities = facilities_of(request.user)
        choices = {
            "facility": Facility.objects.filter(pk__in=facilities),
            "clinic": Clinic.objects.filter(facility__in=facilities).select_related("facility"),
            "practitioner": Practitioner.objects.filter(facility__in=facilities),
            "schedule": WeeklySchedule.objects.filter(practitioner__facility__in=facilities).select_related(
                "practitioner", "clinic__facility"
            ),
            "opd": Opd.objects.filter(city=current_city()).order_by("short_name"),
            "user": User.objects.filter(is_active=True),
        }
        if db_field.name in choices:
            kwargs["queryset"] = choices[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "clinics":
            kwargs["queryset"] = Clinic.objects.filter(facility__in=facilities_of(request.user)).select_related(
                "facility"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AuditedAdmin(FacilityScopedAdmin):
    """Created and changed here with an audit event of the fields concerned; never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False

    def audit_action(self, change):
        return f"clinic.{self.model._meta.model_name}_{'changed' if change else 'created'}"

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            fields = form.changed_data if change else list(form.cleaned_data)
            if fields:
                record(
                    actor=request.user,
                    obj=obj,
                    action=self.audit_action(change),
                    before={name: _plain(form.initial.get(name)) for name in fields} if change else None,
                    after={name: _plain(form.cleaned_data.get(name)) for name in fields},
                    reason="Diubah lewat halaman admin" if change else "Ditambahkan lewat halaman admin",
                )


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["code", "name", "kind", "address", "phone", "opd", "active"]

    def clean_code(self):
        # The form leaves out the city, so Django cannot check the per-city unique code itself.
        code = self.cleaned_data["code"]
        check_facility_code(code)
        if Facility.objects.filter(city=current_city(), code=code).exists():
            raise ValidationError(f"Kode fasilitas '{code}' sudah dipakai.")
        return code


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    form = FacilityForm
    facility_path = ""
    list_display = ["name", "code", "kind", "opd", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return is_city_admin(request.user) and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        # The code names the facility in the profile; the OPD decides whose staff work there.
        readonly = ["code"] if obj is not None else []
        return readonly if is_city_admin(request.user) else [*readonly, "opd"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.city = current_city()
        super().save_model(request, obj, form, change)


@admin.register(Clinic)
class ClinicAdmin(AuditedAdmin):
    list_display = ["name", "code", "facility", "referral_required", "active"]
    list_filter = ["facility", "referral_required", "active"]
    search_fields = ["name", "code"]
    fields = ["facility", "code", "name", "referral_required", "active"]

    def get_readonly_fields(self, request, obj=None):
        # A poli stays in its facility under its code (the profile's name for it).
        return ["facility", "code"] if obj is not None else []


class PractitionerForm(forms.ModelForm):
    class Meta:
        model = Practitioner
        fields = ["name", "specialty", "sip_number", "facility", "clinics", "user", "active"]

    def clean(self):
        cleaned = super().clean()
        # On a doctor already saved the facility is read only (not on the form).
        facility = cleaned.get("facility") if "facility" in self.fields else self.instance.facility
        if facility is not None:
            elsewhere = [clinic.name for clinic in cleaned.get("clinics") or [] if clinic.facility_id != facility.pk]
            if elsewhere:
                self.add_error("clinics", f"Poli dari fasilitas lain: {', '.join(elsewhere)}.")
        return cleaned


@admin.register(Practitioner)
class PractitionerAdmin(AuditedAdmin):
    form = PractitionerForm
    list_display = ["name", "specialty", "facility", "user", "active"]
    list_filter = ["facility", "active"]
    search_fields = ["name", "specialty"]
    fields = ["name", "specialty", "sip_number", "facility", "clinics", "user", "active"]
    raw_id_fields = ["user"]
    filter_horizontal = ["clinics"]

    def get_readonly_fields(self, request, obj=None):
        # The SIP number names the doctor in the profile; their sessions stay at their facility.
        return ["sip_number", "facility"] if obj is not None else []


SCHEDULE_FIELDS = [
    "practitioner",
    "clinic",
    "weekday",
    "start",
    "end",
    "quota_jkn",
    "quota_general",
    "quota_walk_in",
    "minutes_per_patient",
    "active",
]


class WeeklyScheduleForm(forms.ModelForm):
    class Meta:
        model = WeeklySchedule
        fields = SCHEDULE_FIELDS
        help_texts = {
            "quota_jkn": QUOTA_HELP,
            "quota_general": QUOTA_HELP,
            "quota_walk_in": QUOTA_HELP,
            "minutes_per_patient": QUOTA_HELP,
            "active": "Jadwal yang tidak aktif tidak lagi menghasilkan sesi baru.",
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned  # each missing or malformed field already carries its own error
        # The fields read only on a schedule already saved (its slot) are not on the form: the saved values.
        values = {
            name: cleaned[name] if name in self.fields else getattr(self.instance, name) for name in SCHEDULE_FIELDS
        }
        try:
            check_weekly_schedule(WeeklySchedule(pk=self.instance.pk, **values))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned


@admin.register(WeeklySchedule)
class WeeklyScheduleAdmin(AuditedAdmin):
    form = WeeklyScheduleForm
    facility_path = "practitioner__facility"
    list_display = ["practitioner", "clinic", "weekday", "start", "end", "quota_jkn", "quota_general", "active"]
    list_filter = ["weekday", "active", "clinic__facility"]
    list_select_related = ["practitioner", "clinic__facility"]
    search_fields = ["practitioner__name", "clinic__name"]
    fieldsets = [
        (None, {"fields": ["practitioner", "clinic", "weekday", "start", "end", "active"]}),
        (
            "Kuota per sesi",
            {
                "fields": ["quota_jkn", "quota_general", "quota_walk_in", "minutes_per_patient"],
                "description": QUOTA_HELP,
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The doctor's slot in a poli on a weekday is what sessions are made from (and the profile's key):
        # to move it, deactivate this schedule and add another.
        return ["practitioner", "clinic", "weekday", "start"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # As the profile does: a doctor works in the poli they have schedules in.
        obj.practitioner.clinics.add(obj.clinic)


class ScheduleExceptionForm(forms.ModelForm):
    """A day off, entered through clinics.actions.do_add_exception when the form is checked, so that what it
    refuses (a past date, a schedule of another doctor, no right) shows on the form."""

    class Meta:
        model = ScheduleException
        fields = ["practitioner", "schedule", "date", "reason", "note"]
        help_texts = {
            "schedule": "Kosongkan bila dokter tidak praktik sama sekali hari itu.",
            "date": "Sesi yang sudah dibuat pada hari itu dibatalkan dan pasiennya diberi tahu lewat SMS.",
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.instance = do_add_exception(
                self.user,
                cleaned["practitioner"],
                date=cleaned["date"],
                reason=cleaned["reason"],
                schedule=cleaned.get("schedule"),
                note=cleaned.get("note", ""),
            )
        except ValidationError as error:
            self.add_error(None, error)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return cleaned


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(FacilityScopedAdmin):
    form = ScheduleExceptionForm
    facility_path = "practitioner__facility"
    list_display = ["practitioner", "date", "reason", "note", "created_by"]
    list_filter = ["reason"]
    list_select_related = ["practitioner", "created_by"]
    date_hierarchy = "date"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        # Entered once: the cancelled sessions and the texts sent cannot be taken back by editing it.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # do_add_exception has saved it (and cancelled that day's sessions) while the form was checked.
        record(
            actor=request.user,
            obj=obj,
            action="clinic.exception_added",
            after={
                "practitioner": obj.practitioner_id,
                "schedule": obj.schedule_id,
                "date": obj.date.isoformat(),
                "reason": obj.reason,
                "note": obj.note,
            },
            reason="Ditambahkan lewat halaman admin",
        )

    def save_related(self, request, form, formsets, change):
        pass  # no relations of its own


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = [
        "date",
        "start",
        "clinic",
        "practitioner",
        "status",
        "booked_jkn",
        "booked_general",
        "walk_ins",
        "last_queue_number",
    ]
    list_filter = ["status", "clinic__facility"]
    date_hierarchy = "date"


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["booking_code", "date", "clinic", "queue_number", "patient_name", "payment_type", "status"]
    list_filter = ["status", "payment_type", "walk_in", "clinic__facility"]
    search_fields = ["booking_code"]
    date_hierarchy = "date"
    exclude = ["patient_nik", "bpjs_number"]


@admin.register(FamilyMember)
class FamilyMemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "relation", "owner", "created_at"]
    exclude = ["nik"]
