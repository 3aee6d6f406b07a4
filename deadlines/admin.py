from django.contrib import admin

from core.admin import ReadOnlyAdmin
from deadlines.models import Deadline


class BreachedFilter(admin.SimpleListFilter):
    title = "terlewati"
    parameter_name = "terlewati"

    def lookups(self, request, model_admin):
        return [("ya", "Ya"), ("tidak", "Tidak")]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.filter(breached_at__isnull=False)
        if self.value() == "tidak":
            return queryset.filter(breached_at__isnull=True)
        return queryset


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    """Read-only: clocks change only through deadlines.clock, together with their case."""

    list_display = ["title", "kind", "opd", "holder", "state", "due_at", "near_flagged_at", "breached_at"]
    list_filter = ["state", "opd", BreachedFilter, "kind"]
    list_select_related = ["opd", "holder"]
    search_fields = ["title", "kind", "object_id"]
    date_hierarchy = "due_at"
    ordering = ["-id"]
