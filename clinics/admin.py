"""The city admin's view of e-Dokter.

Facilities, poli, doctors and weekly schedules come from the city profile (`manage.py load_city`, checked by
clinics.exports.load_profile_section), so here they are read only, except a doctor's login (so the doctor
can work the queue of their own sessions) and whether the doctor still practises. Sessions, appointments,
exceptions and family members change only through clinics.actions (an exception entered there also cancels
the sessions already made and tells their patients). Lists never show a NIK, BPJS number or phone number.
"""

from django.contrib import admin

from accounts.models import User
from clinics.models import (
    Appointment,
    Clinic,
    Facility,
    FamilyMember,
    Practitioner,
    ScheduleException,
    Session,
    WeeklySchedule,
)
from core.admin import ReadOnlyAdmin


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "opd", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]


@admin.register(Clinic)
class ClinicAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "facility", "referral_required", "active"]
    list_filter = ["facility", "referral_required", "active"]
    search_fields = ["name", "code"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["name", "specialty", "facility", "user", "active"]
    list_filter = ["facility", "active"]
    search_fields = ["name", "specialty"]
    fields = ["name", "specialty", "sip_number", "facility", "clinics", "user", "active"]
    readonly_fields = ["name", "specialty", "sip_number", "facility", "clinics"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WeeklySchedule)
class WeeklyScheduleAdmin(ReadOnlyAdmin):
    list_display = ["practitioner", "clinic", "weekday", "start", "end", "quota_jkn", "quota_general", "active"]
    list_filter = ["weekday", "active", "clinic__facility"]


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(ReadOnlyAdmin):
    list_display = ["practitioner", "date", "reason", "note"]
    list_filter = ["reason"]
    date_hierarchy = "date"


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
