from django.contrib import admin, messages

from notifications.delivery import resend
from notifications.models import DeliveryAttempt, Notification


class DeliveryAttemptInline(admin.TabularInline):
    """The delivery log of one message: every try, as it happened."""

    model = DeliveryAttempt
    fields = readonly_fields = ["started_at", "finished_at", "backend", "ok", "error"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Messages are written by the platform, never by hand; an admin only watches and resends."""

    list_display = ["id", "created_at", "channel", "recipient", "template", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["recipient", "object_id", "dedupe_key"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "channel",
        "recipient",
        "user",
        "template",
        "subject",
        "body",
        "object_type",
        "object_id",
        "dedupe_key",
        "created_at",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "sent_at",
        "last_error",
    ]
    inlines = [DeliveryAttemptInline]
    actions = ["resend_failed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Kirim ulang notifikasi yang gagal", permissions=["change"])
    def resend_failed(self, request, queryset):
        reset = resend(queryset)
        skipped = queryset.count() - reset
        self.message_user(request, f"{reset} notifikasi dijadwalkan untuk dikirim ulang.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} notifikasi dilewati karena tidak berstatus gagal.", messages.WARNING)
