from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the platform writes itself (history, clocks): shown in the admin, never edited there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
