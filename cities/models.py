"""The city profile: a city is data, not code.

Everything that differs between Binjai and Palu (regions, agencies, working
calendar, time zone, NIK prefix) lives in these tables, loaded from a profile
file by `manage.py load_city`.
"""

import time
import zoneinfo
from datetime import time as dtime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from cities import geo
from deadlines.workingtime import WorkingCalendar

ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Zona waktu tidak dikenal: {value}") from None


class City(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    province = models.CharField(max_length=100)
    region_code = models.CharField(max_length=10, help_text="Kode wilayah Kemendagri, mis. 12.75")
    nik_prefix = models.CharField(max_length=4, help_text="Empat digit awal NIK penduduk kota")
    time_zone = models.CharField(max_length=50, validators=[validate_time_zone])
    centre_lat = models.FloatField()
    centre_lon = models.FloatField()
    bbox = models.JSONField(help_text="[[lat_min, lon_min], [lat_max, lon_max]]")
    boundary = models.JSONField(
        null=True,
        blank=True,
        help_text="Batas administratif kota (GeoJSON Polygon/MultiPolygon); tanpa ini, bbox dipakai",
    )
    residents_only_registration = models.BooleanField(default=True, help_text="Hanya NIK kota ini yang boleh mendaftar")
    # SHA-256 of the profile file last loaded, so `load_city --if-changed` (what `make run` calls) leaves the
    # city as the admin left it while the file stays the same.
    profile_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "kota"
        verbose_name_plural = "kota"

    def __str__(self):
        return self.name

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def zone_label(self):
        return ZONE_LABELS.get(self.time_zone, self.time_zone)

    def contains(self, lat, lon):
        """Is the point inside the city? The official boundary if the profile has one, else the bbox."""
        return geo.contains(self.boundary or geo.bbox_polygon(self.bbox), lat, lon)

    def remembered(self, key, load):
        """load(), kept on this instance under `key`.

        For data that changes only with the profile: current_city() hands out one instance for a
        minute and forgets it whenever a profile is loaded, so the data is read once a minute per
        process instead of on every request.
        """
        memo = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            memo[key] = load()
        return memo[key]

    def calendar(self):
        """The working calendar deadlines are counted on."""
        return self.remembered("calendar", self._load_calendar)

    def _load_calendar(self):
        hours = {wh.weekday: (wh.opens, wh.closes) for wh in self.working_hours.all()}
        holidays = set(self.holidays.values_list("date", flat=True))
        return WorkingCalendar(zone=self.zone, hours=hours, holidays=holidays)

    def kelurahan_by_id(self):
        """{id: Kelurahan (with its kecamatan)} of the whole city."""
        return self.remembered("kelurahan", self._load_kelurahan)

    def _load_kelurahan(self):
        return {k.pk: k for k in Kelurahan.objects.filter(kecamatan__city=self).select_related("kecamatan")}

    def opd_with_function(self, function):
        """The OPD that carries a function (e.g. "inspektorat"), or None."""
        for opd in self.remembered("opds", lambda: list(self.opds.all())):
            if function in opd.functions:
                return opd
        return None


class Kecamatan(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="kecamatan")
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="unique_kecamatan_per_city")]

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="kelurahan")
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name = "kelurahan"
        verbose_name_plural = "kelurahan"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kecamatan", "name"], name="unique_kelurahan_per_kecamatan")]

    def __str__(self):
        return self.name


class Lingkungan(models.Model):
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.CASCADE, related_name="lingkungan")
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name = "lingkungan"
        verbose_name_plural = "lingkungan"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kelurahan", "name"], name="unique_lingkungan_per_kelurahan")]

    def __str__(self):
        return self.name


class Opd(models.Model):
    """An agency (Organisasi Perangkat Daerah) of the city."""

    # Functions tell the platform which OPD plays which part, so no code
    # names "Inspektorat Kota Binjai": it asks for the OPD with "inspektorat".
    FUNCTIONS = {
        "inspektorat": "Menerima eskalasi pelanggaran SLA; membaca semua, tidak mengubah",
        "perizinan": "Menerbitkan izin (DPMPTSP)",
        "perencanaan": "Menyelenggarakan musrenbang dan RKPD (Bappeda)",
        "keuangan": "Mengelola anggaran (BPKPAD, TAPD)",
        "kominfo": "Administrator kota dan Command Center",
        "kesehatan": "Urusan kesehatan",
        "rumah_sakit": "Fasilitas layanan rawat jalan",
        "pekerjaan_umum": "Jalan, drainase, bangunan",
        "lingkungan_hidup": "Sampah dan kebersihan",
        "perhubungan": "Lalu lintas, parkir, lampu jalan",
        "ketertiban": "Ketertiban umum",
        "kebencanaan": "Penanggulangan bencana",
        "kependudukan": "Administrasi kependudukan",
        "kecamatan": "Kantor camat",
    }

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="opds")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    functions = models.JSONField(default=list, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opds",
        help_text="Untuk kantor camat: kecamatan yang dilayani",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "OPD"
        verbose_name_plural = "OPD"
        ordering = ["short_name"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_opd_code_per_city")]

    def __str__(self):
        return self.short_name

    def clean(self):
        unknown = set(self.functions) - set(self.FUNCTIONS)
        if unknown:
            raise ValidationError({"functions": f"Fungsi tidak dikenal: {', '.join(sorted(unknown))}"})


class WorkingHours(models.Model):
    WEEKDAYS = [(0, "Senin"), (1, "Selasa"), (2, "Rabu"), (3, "Kamis"), (4, "Jumat"), (5, "Sabtu"), (6, "Minggu")]

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField(default=dtime(8, 0))
    closes = models.TimeField(default=dtime(16, 0))

    class Meta:
        verbose_name = "jam kerja"
        verbose_name_plural = "jam kerja"
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["city", "weekday"], name="unique_hours_per_weekday"),
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="closes_after_opens"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Holiday(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=200)

    class Meta:
        verbose_name = "hari libur"
        verbose_name_plural = "hari libur"
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["city", "date"], name="unique_holiday_per_city")]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.name}"


# Each process keeps the current city for a short while: it is read on every
# request, and a profile reload elsewhere shows up within a minute.
_CACHE_SECONDS = 60
_cached = {"city": None, "at": 0.0}


def current_city():
    """The city this deployment serves (settings.CITY), or None before any profile is loaded."""
    city = _cached["city"]
    if city is not None and city.slug == settings.CITY and time.monotonic() - _cached["at"] < _CACHE_SECONDS:
        return city
    city = City.objects.filter(slug=settings.CITY).first()
    _cached.update(city=city, at=time.monotonic())
    return city


def current_city_or_404():
    """The city for a page or API call; a clear 404 (not a crash) before any profile is loaded."""
    city = current_city()
    if city is None:
        raise Http404("Profil kota belum dimuat.")
    return city


def forget_current_city():
    _cached.update(city=None, at=0.0)
