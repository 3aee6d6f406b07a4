from django.contrib import admin

from audit.models import AuditEvent
from core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: history is never edited, not even by a superuser."""

    list_display = ["id", "occurred_at", "actor_label", "action", "object_type", "object_id", "public"]
    list_filter = ["object_type", "action", "public"]
    search_fields = ["object_id", "actor_label", "action"]
