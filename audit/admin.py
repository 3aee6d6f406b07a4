from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: history is never edited, not even by a superuser."""

    list_display = ["id", "occurred_at", "actor_label", "action", "object_type", "object_id", "public"]
    list_filter = ["object_type", "action", "public"]
    search_fields = ["object_id", "actor_label", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
