from django.contrib import admin

from cities.models import City, Holiday, Kecamatan, Kelurahan, Lingkungan, Opd, WorkingHours


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "region_code", "nik_prefix", "time_zone"]
    inlines = [WorkingHoursInline, HolidayInline]


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["name", "city"]
    list_filter = ["city"]


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ["name", "kecamatan"]
    list_filter = ["kecamatan__city", "kecamatan"]
    search_fields = ["name"]


@admin.register(Lingkungan)
class LingkunganAdmin(admin.ModelAdmin):
    list_display = ["name", "kelurahan"]
    search_fields = ["name", "kelurahan__name"]


@admin.register(Opd)
class OpdAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "code", "city"]
    list_filter = ["city"]
    search_fields = ["name", "short_name", "code"]
