"""Realistic report volumes for benchmarks and demos (`manage.py generate_reports N`).

What the data looks like, so benchmark figures and demo screens mean something:

- categories weighted the way cities see them (damaged roads, rubbish and drainage most
  common), with floods, drains and fallen trees more frequent in the rainy months;
- reports spread unevenly over the kelurahan, each point jittered around a spot of its
  kelurahan inside the city (the profile has no kelurahan geometry, so each kelurahan gets a
  stable anchor near its kecamatan's), a few located by address only;
- created over the last Y years, growing as the service gets known, busier on weekday
  mornings and evenings than at night or on Sundays and holidays;
- statuses that fit their age: the pipeline is played forward from each report's creation with
  realistic delays, so old reports are mostly closed and recent ones still open, with the usual
  side exits (rejected, not the city's authority, duplicate), reopenings, ratings, and a small
  backlog that never moved; the timestamps of every step agree with the status;
- the OPD from the category's routing, reporters from a pool of generated citizens (valid NIKs
  of the city, unusable passwords), some anonymous, some posted by an Open311 partner app
  without an account; "me too" supporters with matching counts; live deadline clocks
  (`deadlines.Deadline`) for the reports still open, flagged near/breached as the scanner
  would have, so work queues sort by real deadlines without the scanner escalating history.

Generated history is bulk data: rows go straight into the tables in batches (COPY on
PostgreSQL, multi-row INSERT elsewhere), without audit events, notifications or photos.
"""

import math
import random
import secrets
import time
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from cities.models import Kelurahan
from core.bulk import TableWriter, batch_writer, reserve_ids
from deadlines.clock import NEAR_FRACTION
from deadlines.models import Deadline
from reports.actions import CLOCK_PLAN, CLOCK_RESOLVE, CLOCK_VERIFY, PLAN_DAYS, VERIFY_DAYS
from reports.models import PUBLIC_STATUSES, REOPEN_WINDOW, Open311Client, Report, Status, Support, number_of

BATCH_SIZE = 5000
# Citizens in the reporter pool: about one per 15 reports, some of whom report often.
REPORTS_PER_CITIZEN = 15
MAX_CITIZENS = 50_000
PARTNER_APP_NAME = "Aplikasi mitra (data contoh)"

# How often each kind of problem is reported; codes a profile adds later weigh DEFAULT_CATEGORY_WEIGHT.
CATEGORY_WEIGHTS = {
    "jalan-rusak": 24,
    "sampah": 20,
    "drainase": 16,
    "lampu-jalan": 9,
    "banjir": 6,
    "kebersihan-lingkungan": 6,
    "parkir-liar": 4,
    "ketertiban-umum": 4,
    "pohon-tumbang": 3,
    "layanan-kesehatan": 3,
    "layanan-kependudukan": 3,
    "layanan-perizinan": 2,
}
DEFAULT_CATEGORY_WEIGHT = 3
RAINY_MONTHS = {10, 11, 12, 1}
RAINY_BOOST = {"banjir": 3.0, "drainase": 1.6, "pohon-tumbang": 1.8}
# Monday first; holidays count like a Sunday.
WEEKDAY_FACTORS = (1.15, 1.1, 1.05, 1.0, 0.9, 0.75, 0.65)
HOUR_WEIGHTS = (
    *(0.2, 0.1, 0.1, 0.1, 0.3, 0.8),  # 00–05
    *(1.6, 2.4, 2.8, 2.6, 2.2, 2.0),  # 06–11
    *(1.8, 1.7, 1.6, 1.7, 2.0, 2.3),  # 12–17
    *(2.5, 2.6, 2.3, 1.7, 1.0, 0.5),  # 18–23
)

# The fate of a report, decided when the Command Center looks at it.
REJECTED_SHARE = 0.05
NOT_AUTHORITY_SHARE = 0.03
DUPLICATE_SHARE = 0.04
NEVER_VERIFIED_SHARE = 0.003  # lost in the coordinator's inbox
STALLED_SHARE = 0.02  # the OPD started and never finished
REOPEN_SHARE = 0.05
RATED_SHARE = 0.35  # the others close automatically after the reopening window
ANONYMOUS_SHARE = 0.12
PARTNER_APP_SHARE = 0.05
ADDRESS_ONLY_SHARE = 0.07
SUPPORTED_SHARE = 0.28
RATINGS = ((5, 35), (4, 30), (3, 15), (2, 10), (1, 10))

# Delays between steps, log-normal: (median in hours, spread).
VERIFY_HOURS = (4, 1.0)
DISPOSITION_HOURS = (6, 0.9)
START_HOURS = (30, 0.8)
RESOLVE_HOURS_PER_DAY = (20, 0.7)  # the median is this × the category's resolution days
SECOND_RESOLVE_HOURS = (72, 0.6)

POINT_JITTER_M = 350
KELURAHAN_SPREAD = 0.12  # of the city's extent, around the kecamatan's anchor
METRES_PER_DEGREE = 111_320

MALE_NAMES = (
    "Ahmad Agus Andi Bayu Budi Dedi Fajar Hadi Hendra Irfan Joko Rahmat Reza Rizky Taufik Wahyu Yusuf Zainal "
    "Fauzi Dimas Arif Hasan Rudi Sahat Tigor Bonar Ucok Iqbal"
).split()
FEMALE_NAMES = (
    "Ayu Citra Dewi Dian Eka Fitri Gita Indah Kurnia Lestari Lina Maya Nanda Nur Putri Rina Siti Sri Utami Wulan "
    "Yuni Rosmawati Intan Melati Tiur Butet Ratna Sari"
).split()
FAMILY_NAMES = (
    "Siregar Nasution Lubis Harahap Sitepu Ginting Tarigan Sembiring Saragih Damanik Simanjuntak Hasibuan Pohan "
    "Batubara Rangkuti Purba Santoso Wijaya Saputra Hidayat Pratama Kurniawan Rahayu Setiawan Lestari Sinaga"
).split()
STREETS = (
    "Jl. Jend. Sudirman",
    "Jl. Gatot Subroto",
    "Jl. T. Amir Hamzah",
    "Jl. Samanhudi",
    "Jl. Ahmad Yani",
    "Jl. Diponegoro",
    "Jl. Imam Bonjol",
    "Jl. Veteran",
    "Jl. Kartini",
    "Jl. Perintis Kemerdekaan",
    "Jl. Cut Nyak Dhien",
    "Jl. Teuku Umar",
    "Jl. Sultan Hasanuddin",
    "Jl. Pemuda",
    "Gg. Mawar",
    "Gg. Melati",
    "Gg. Sepakat",
    "Gg. Damai",
    "Gg. Masjid",
)
LANDMARKS = (
    "",
    "",
    "",
    " dekat masjid",
    " depan sekolah dasar",
    " dekat pasar",
    " di simpang empat",
    " depan kantor lurah",
    " dekat jembatan",
)

DESCRIPTIONS = {
    "jalan-rusak": (
        "Jalan di {lokasi} berlubang besar dan dalam {sejak}. {dampak}",
        "Aspal di {lokasi} mengelupas sepanjang kurang lebih {meter} meter. {dampak}",
        "Ada lubang di tengah jalan {lokasi}, tertutup air kalau hujan sehingga tidak kelihatan. {dampak}",
    ),
    "drainase": (
        "Parit di {lokasi} tersumbat sampah dan lumpur {sejak}. Air meluap ke jalan setiap hujan.",
        "Gorong-gorong di {lokasi} tertutup tanah sehingga air tidak mengalir dan berbau busuk.",
        "Dinding saluran air di {lokasi} runtuh. Mohon diperbaiki sebelum musim hujan.",
    ),
    "banjir": (
        "Setiap hujan deras, {lokasi} tergenang air setinggi {tinggi} cm dan baru surut berjam-jam kemudian.",
        "Banjir di {lokasi} sejak tadi malam, air sudah masuk ke rumah warga.",
        "Genangan air di {lokasi} tidak surut {sejak}, jalan sulit dilalui kendaraan.",
    ),
    "sampah": (
        "Sampah menumpuk di {lokasi} dan tidak diangkut {sejak}. Baunya sangat menyengat.",
        "TPS di {lokasi} sudah penuh, sampah meluber ke badan jalan.",
        "Ada tempat pembuangan sampah liar di {lokasi}. Orang dari luar ikut membuang sampah di sini.",
    ),
    "kebersihan-lingkungan": (
        "Lingkungan di {lokasi} kotor dan banyak genangan, sudah jadi sarang nyamuk.",
        "Lahan kosong di {lokasi} penuh semak dan sampah. Mohon bantuan kecamatan untuk gotong royong.",
    ),
    "lampu-jalan": (
        "Lampu jalan di {lokasi} mati {sejak}, jalan gelap gulita di malam hari.",
        "Beberapa lampu PJU di {lokasi} berkedip dan sering padam.",
        "Tiang lampu jalan di {lokasi} miring dan kabelnya menjuntai, berbahaya bagi pejalan kaki.",
    ),
    "parkir-liar": (
        "Banyak kendaraan parkir di badan jalan {lokasi} sehingga macet setiap sore.",
        "Juru parkir tanpa karcis resmi di {lokasi} meminta bayaran melebihi tarif.",
    ),
    "ketertiban-umum": (
        "Pedagang berjualan di trotoar {lokasi} sehingga pejalan kaki harus turun ke jalan.",
        "Ada kebisingan dari {lokasi} hingga larut malam dan mengganggu warga.",
        "Bangunan liar berdiri di atas saluran air di {lokasi}.",
    ),
    "pohon-tumbang": (
        "Pohon besar tumbang di {lokasi} dan menutupi separuh jalan.",
        "Dahan pohon di {lokasi} sudah rapuh dan rawan patah menimpa pengendara.",
    ),
    "layanan-kesehatan": (
        "Antrean di puskesmas dekat {lokasi} sangat panjang, pasien menunggu lebih dari {jam} jam.",
        "Petugas pendaftaran puskesmas dekat {lokasi} kurang ramah kepada pasien BPJS.",
    ),
    "layanan-kependudukan": (
        "Sudah {minggu} minggu KTP-el saya belum juga selesai dicetak.",
        "Pengurusan kartu keluarga dipersulit, diminta berkas tambahan yang tidak ada di persyaratan.",
    ),
    "layanan-perizinan": (
        "Izin usaha yang saya ajukan belum ada kabar {sejak}, padahal sudah melewati batas waktu.",
        "Ada oknum yang meminta uang tambahan agar izin cepat selesai.",
    ),
}
GENERIC_DESCRIPTION = ("{kategori} di {lokasi} {sejak}. Mohon ditindaklanjuti.",)
IMPACTS = (
    "Sudah beberapa pengendara motor terjatuh.",
    "Berbahaya bagi anak sekolah yang lewat.",
    "Kendaraan harus melambat dan sering macet.",
    "Mohon segera diperbaiki sebelum ada korban.",
)
SINCE = (
    "sejak {hari} hari yang lalu",
    "sudah lebih dari seminggu",
    "sejak dua minggu terakhir",
    "sudah berbulan-bulan",
)
CLOSINGS = (
    "",
    "",
    " Mohon segera ditindaklanjuti.",
    " Terima kasih.",
    " Sudah pernah disampaikan ke kepala lingkungan tetapi belum ada tindakan.",
)
REMEDIES = {
    "jalan-rusak": "Lubang jalan sudah ditambal dan dipadatkan.",
    "drainase": "Saluran sudah dibersihkan dari sampah dan lumpur.",
    "banjir": "Air sudah dipompa dan saluran pembuangan dibuka.",
    "sampah": "Sampah sudah diangkut dan lokasi dibersihkan.",
    "kebersihan-lingkungan": "Gotong royong bersama warga sudah dilaksanakan.",
    "lampu-jalan": "Lampu sudah diganti dan menyala kembali.",
    "parkir-liar": "Petugas sudah menertibkan parkir di lokasi.",
    "ketertiban-umum": "Petugas sudah menertibkan lokasi dan memberi teguran.",
    "pohon-tumbang": "Pohon sudah dipotong dan disingkirkan dari jalan.",
}
GENERIC_REMEDY = "Petugas sudah menindaklanjuti dan masalahnya sudah diselesaikan."
RATING_COMMENTS = {
    5: ("Cepat ditangani, terima kasih.", "Mantap, pelayanannya baik.", ""),
    4: ("Sudah diperbaiki walau agak lama.", ""),
    3: ("Lumayan, tapi hasilnya kurang rapi.", ""),
    2: ("Penanganannya lambat.", "Baru dikerjakan setelah dilaporkan berkali-kali."),
    1: ("Belum benar-benar selesai.", "Tidak ada perubahan di lokasi."),
}


@dataclass
class GenerationResult:
    reports: int = 0
    citizens_created: int = 0
    citizens_reused: int = 0
    clocks: int = 0
    supports: int = 0
    seconds: float = 0.0


def generate_reports(city, count, *, seed=None, years=3, now=None, batch_size=BATCH_SIZE, progress=None):
    """Add `count` reports to `city`; returns a GenerationResult. `progress(done, count)` is called per batch."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if years < 1:
        raise ValueError("years must be at least 1")
    started = time.monotonic()
    rng = random.Random(seed)
    now = now or timezone.now()
    result = GenerationResult()
    with transaction.atomic():
        # Its own random stream: whether the citizens exist already must not change the reports.
        citizens_rng = random.Random(rng.random())
        pool, created = citizen_pool(city, _pool_size(count), now - timedelta(days=365 * years), citizens_rng)
    result.citizens_created, result.citizens_reused = created, len(pool) - created
    days = _days(city, years, now)
    plan = _CityPlan(city, rng, now, pool, days[0])
    moments = _creation_moments(city, days, count, now, rng)
    with batch_writer("generate_reports-writer") as write:
        for offset in range(0, count, batch_size):
            batch = write(plan.batch, moments[offset : offset + batch_size])
            result.reports += len(batch.reports)
            result.clocks += len(batch.clocks)
            result.supports += len(batch.supports)
            if progress:
                progress(result.reports, count)
    result.seconds = time.monotonic() - started
    return result


def _pool_size(count):
    return max(10, min(count // REPORTS_PER_CITIZEN, MAX_CITIZENS))


# --- Citizens --------------------------------------------------------------------------------


def citizen_nik(city, index, kecamatan_count):
    """The NIK of the `index`-th generated citizen: a valid NIK of the city, the same on every run.

    Born 1955–1998 (day + 40 for women), serials counted down from 9999 so that they stay
    clear of hand-made test and demo NIKs, which count up from 0001.
    """
    born = date(1955, 1, 1) + timedelta(days=index % 16_000)
    serial = 9999 - index // 16_000
    day = born.day + (40 if _is_female(index) else 0)
    kecamatan = 1 + index % max(kecamatan_count, 1)
    return f"{city.nik_prefix}{kecamatan:02d}{day:02d}{born:%m%y}{serial:04d}"


def _is_female(index):
    return index % 2 == 1


def citizen_pool(city, size, joined_from, rng):
    """Ids of the generated citizens 0..size-1, creating those not there yet; returns (ids, created)."""
    kecamatan_count = city.kecamatan.count()
    niks = [citizen_nik(city, index, kecamatan_count) for index in range(size)]
    existing = {}
    for start in range(0, size, BATCH_SIZE):
        chunk = niks[start : start + BATCH_SIZE]
        existing.update(User.objects.filter(login_id__in=chunk).values_list("login_id", "id"))
    missing = [_citizen(index, nik, joined_from, rng) for index, nik in enumerate(niks) if nik not in existing]
    User.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    for user in missing:
        existing[user.login_id] = user.pk
    return [existing[nik] for nik in niks], len(missing)


def _citizen(index, nik, joined_from, rng):
    first = rng.choice(FEMALE_NAMES if _is_female(index) else MALE_NAMES)
    joined = joined_from - timedelta(days=rng.uniform(0, 365))
    return User(
        login_id=nik,
        kind=User.Kind.CITIZEN,
        full_name=f"{first} {rng.choice(FAMILY_NAMES)}",
        phone=f"+62813{index:08d}",
        phone_verified_at=joined,
        date_joined=joined,
        # Nobody can log in as a generated citizen.
        password=make_password(None),
    )


# --- When reports come in --------------------------------------------------------------------


def _days(city, years, now):
    """The city's calendar days of the last `years` years, oldest first, today included."""
    today = now.astimezone(city.zone).date()
    return [today - timedelta(days=n) for n in range(365 * years - 1, -1, -1)]


def _creation_moments(city, days, count, now, rng):
    """`count` creation moments (epoch seconds, sorted) over `days`, in the city's rhythm."""
    zone = city.zone
    holidays = set(city.holidays.values_list("date", flat=True))
    weights = []
    for position, day in enumerate(days):
        growth = 0.4 + 0.6 * position / len(days)
        weekday = 6 if day in holidays else day.weekday()
        weights.append(growth * WEEKDAY_FACTORS[weekday])
    day_totals = list(accumulate(weights))
    hour_totals = list(accumulate(HOUR_WEIGHTS))
    midnights = [datetime(day.year, day.month, day.day, tzinfo=zone).timestamp() for day in days]
    limit = now.timestamp()
    moments = []
    while len(moments) < count:
        day = bisect(day_totals, rng.random() * day_totals[-1])
        hour = bisect(hour_totals, rng.random() * hour_totals[-1])
        moment = midnights[day] + hour * 3600 + rng.random() * 3600
        if moment <= limit:
            moments.append(moment)
    moments.sort()
    return moments


class _OfficeHours:
    """When an office is next open, looked up in a table of each day's working window.

    The same answer as `WorkingCalendar.next_working_moment`, cheap enough for millions of steps;
    moments outside the table ask the calendar.
    """

    def __init__(self, calendar, first_day, last_day):
        self.calendar = calendar
        self.midnights, self.windows = [], []
        day = first_day
        while day <= last_day:
            self.midnights.append(datetime(day.year, day.month, day.day, tzinfo=calendar.zone).timestamp())
            window = calendar.window(day)
            self.windows.append((window[0].timestamp(), window[1].timestamp()) if window else None)
            day += timedelta(days=1)
        # The first opening after each day, filled in from the last day backwards.
        self.next_opening = [None] * len(self.windows)
        upcoming = None
        for index in range(len(self.windows) - 1, -1, -1):
            self.next_opening[index] = upcoming
            if self.windows[index]:
                upcoming = self.windows[index][0]

    def next_moment(self, moment):
        stamp = moment.timestamp()
        index = bisect(self.midnights, stamp) - 1
        if index < 0 or self.next_opening[index] is None:
            return self.calendar.next_working_moment(moment)
        window = self.windows[index]
        if window and stamp < window[0]:
            return _moment(window[0])
        if window and stamp < window[1]:
            return moment
        return _moment(self.next_opening[index])


# --- One city's reports ----------------------------------------------------------------------


class _CityPlan:
    """Everything about the city a report needs, looked up once; `batch()` builds the rows."""

    def __init__(self, city, rng, now, pool, first_day):
        self.city, self.rng, self.now, self.pool = city, rng, now, pool
        self.calendar = city.calendar()
        today = now.astimezone(city.zone).date()
        self.office_hours = _OfficeHours(self.calendar, first_day, today + timedelta(days=60))
        self.categories = list(city.report_categories.filter(active=True).select_related("opd"))
        self.category_by_id = {c.pk: c for c in self.categories}
        if not self.categories:
            raise ValueError(f"{city.name} belum punya kategori laporan: muat profil kotanya dulu (load_city).")
        dry = [CATEGORY_WEIGHTS.get(c.code, DEFAULT_CATEGORY_WEIGHT) for c in self.categories]
        rainy = [w * RAINY_BOOST.get(c.code, 1.0) for w, c in zip(dry, self.categories, strict=True)]
        self.category_totals = {False: list(accumulate(dry)), True: list(accumulate(rainy))}
        self.routes = {(c.pk, rule.kecamatan_id): rule.opd_id for c in self.categories for rule in c.routing.all()}
        self.kelurahan = list(Kelurahan.objects.filter(kecamatan__city=city).order_by("kecamatan_id", "name"))
        self.kelurahan_totals = list(accumulate(rng.lognormvariate(0, 0.5) for _ in self.kelurahan))
        self.anchors = self._anchors()
        coordinator = city.opd_with_function("kominfo")
        self.coordinator_opd_id = coordinator.pk if coordinator else None
        self.handlers = {}
        for user_id, opd_id in User.objects.filter(
            opd__city=city, role__in=[Role.OFFICER, Role.HEAD], is_active=True
        ).values_list("id", "opd_id"):
            self.handlers.setdefault(opd_id, []).append(user_id)
        self.opd_names = {c.opd_id: c.opd.name for c in self.categories}
        self.report_type = ContentType.objects.get_for_model(Report)
        self.partner_app = _partner_app(city)
        self.recent = {}  # category id → recent public report ids, for duplicates to point at

    # Places ------------------------------------------------------------------------------

    def _anchors(self):
        """A stable spot inside the city for each kelurahan, near a spot of its kecamatan."""
        (lat_min, lon_min), (lat_max, lon_max) = self.city.bbox
        spread = KELURAHAN_SPREAD * max(lat_max - lat_min, lon_max - lon_min)
        kecamatan_spots, anchors = {}, {}
        for kelurahan in self.kelurahan:
            if kelurahan.kecamatan_id not in kecamatan_spots:
                kecamatan_spots[kelurahan.kecamatan_id] = self._inside(
                    lambda: (self.rng.uniform(lat_min, lat_max), self.rng.uniform(lon_min, lon_max)), None
                )
            lat, lon = kecamatan_spots[kelurahan.kecamatan_id]
            anchors[kelurahan.pk] = self._inside(
                lambda lat=lat, lon=lon: (self.rng.gauss(lat, spread), self.rng.gauss(lon, spread)), (lat, lon)
            )
        return anchors

    def _inside(self, draw, fallback, tries=50):
        for _ in range(tries):
            lat, lon = draw()
            if self.city.contains(lat, lon):
                return round(lat, 6), round(lon, 6)
        if fallback is None:
            return self.city.centre_lat, self.city.centre_lon
        return fallback

    def _point(self, kelurahan_id):
        lat, lon = self.anchors[kelurahan_id]
        degrees = POINT_JITTER_M / METRES_PER_DEGREE
        return self._inside(
            lambda: (self.rng.gauss(lat, degrees), self.rng.gauss(lon, degrees / math.cos(math.radians(lat)))),
            (lat, lon),
            tries=10,
        )

    # Rows ----------------------------------------------------------------------------------

    def batch(self, moments):
        batch = _Batch()
        for moment, pk in zip(moments, reserve_ids(Report, len(moments)), strict=True):
            report = self._report(pk, _moment(moment))
            batch.reports.append(report)
            clocks = self._clocks(report)
            if clocks:
                report["due_at"] = min(clock["due_at"] for clock in clocks)
            batch.clocks += clocks
            batch.supports += self._supports(report)
            if report["status"] in PUBLIC_STATUSES:
                recent = self.recent.setdefault(report["category_id"], [])
                recent.append(pk)
                del recent[:-64]
        return batch

    def _report(self, pk, created):
        rng = self.rng
        rainy = created.astimezone(self.city.zone).month in RAINY_MONTHS
        totals = self.category_totals[rainy]
        category = self.categories[bisect(totals, rng.random() * totals[-1])]
        kelurahan = self.kelurahan[bisect(self.kelurahan_totals, rng.random() * self.kelurahan_totals[-1])]
        street = f"{rng.choice(STREETS)}{rng.choice(LANDMARKS)}"
        row = {
            "id": pk,
            "city_id": self.city.id,
            "category_id": category.id,
            "kelurahan_id": kelurahan.id,
            "kecamatan_id": kelurahan.kecamatan_id,
            "opd_id": self.routes.get((category.id, kelurahan.kecamatan_id), category.opd_id),
            "description": self._description(category, f"{street}, Kelurahan {kelurahan.name}"),
            "attributes": _attributes(category, rng),
            "created_at": created,
            "owner_id": None,
            "anonymous": False,
            "client_id": None,
            "open311_token": None,
            "support_count": 0,
        }
        if rng.random() < ADDRESS_ONLY_SHARE:
            row.update(lat=None, lon=None, address=f"{street} No. {rng.randint(1, 250)}, Kelurahan {kelurahan.name}")
        else:
            lat, lon = self._point(kelurahan.id)
            row.update(lat=lat, lon=lon, address=street if rng.random() < 0.5 else "")
        if rng.random() < PARTNER_APP_SHARE:
            # Posted through Open311 by a partner app, with a contact instead of an account.
            name = f"{rng.choice(MALE_NAMES + FEMALE_NAMES)} {rng.choice(FAMILY_NAMES)}"
            row.update(
                client_id=self.partner_app.pk,
                open311_token=secrets.token_hex(16),
                contact_name=name,
                contact_phone=f"+62852{rng.randrange(10**8):08d}",
            )
        else:
            row["owner_id"] = self.pool[int(len(self.pool) * rng.random() ** 1.6)]
            row["anonymous"] = rng.random() < ANONYMOUS_SHARE
        row.update(self._lifecycle(category, row))
        return row

    def _description(self, category, place):
        rng = self.rng
        template = rng.choice(DESCRIPTIONS.get(category.code, GENERIC_DESCRIPTION))
        text = template.format(
            lokasi=place,
            kategori=category.name,
            sejak=rng.choice(SINCE).format(hari=rng.randint(2, 6)),
            dampak=rng.choice(IMPACTS),
            meter=rng.choice((5, 10, 20, 50, 100)),
            tinggi=rng.choice((20, 30, 40, 50, 70)),
            jam=rng.randint(2, 5),
            minggu=rng.randint(3, 12),
        )
        return text + rng.choice(CLOSINGS)

    def _delay(self, median_hours, sigma, scale=1):
        return timedelta(hours=median_hours * scale * math.exp(self.rng.gauss(0, sigma)))

    def _office(self, moment):
        """Officers act in working hours."""
        return self.office_hours.next_moment(moment)

    def _lifecycle(self, category, row):
        """Play the pipeline forward from creation until now: the status and the time of each step."""
        rng, now = self.rng, self.now
        created = row["created_at"]
        steps = {"status": Status.RECEIVED, "updated_at": created}

        def reached(moment):
            return moment <= now

        fate = rng.random()
        if fate < NEVER_VERIFIED_SHARE:
            return steps
        looked_at = self._office(created + self._delay(*VERIFY_HOURS))
        if not reached(looked_at):
            return steps
        recent = self.recent.get(category.id)
        side_exits = (
            (REJECTED_SHARE, Status.REJECTED, {"updated_at": looked_at}),
            (NOT_AUTHORITY_SHARE, Status.NOT_AUTHORITY, {"updated_at": looked_at}),
            (DUPLICATE_SHARE, Status.DUPLICATE, {"updated_at": looked_at}),
        )
        threshold = NEVER_VERIFIED_SHARE
        for share, status, changes in side_exits:
            threshold += share
            if fate < threshold and (status != Status.DUPLICATE or recent):
                if status == Status.DUPLICATE:
                    changes["duplicate_of_id"] = rng.choice(recent)
                return {**steps, "status": status, **changes}
        steps.update(status=Status.VERIFIED, verified_at=looked_at, updated_at=looked_at)
        dispositioned = self._office(looked_at + self._delay(*DISPOSITION_HOURS))
        if not reached(dispositioned):
            return steps
        steps.update(status=Status.DISPOSITIONED, dispositioned_at=dispositioned, updated_at=dispositioned)
        started = self._office(dispositioned + self._delay(*START_HOURS))
        if not reached(started):
            return steps
        handlers = self.handlers.get(row["opd_id"])
        steps.update(
            status=Status.IN_PROGRESS,
            updated_at=started,
            assigned_to_id=rng.choice(handlers) if handlers else None,
            follow_up_plan=(
                f"Tim {self.opd_names.get(category.opd_id, 'OPD')} akan meninjau lokasi dan menangani laporan ini "
                f"dalam {category.resolution_days} hari kerja."
            ),
        )
        if fate > 1 - STALLED_SHARE:
            return steps
        resolved = self._office(started + self._delay(*RESOLVE_HOURS_PER_DAY, scale=category.resolution_days))
        if not reached(resolved):
            return steps
        resolution = f"{REMEDIES.get(category.code, GENERIC_REMEDY)} Terima kasih atas laporan Anda."
        steps.update(status=Status.RESOLVED, resolved_at=resolved, updated_at=resolved, resolution=resolution)
        reporter = row["owner_id"] is not None
        if reporter and rng.random() < REOPEN_SHARE:
            reopened = resolved + timedelta(days=rng.uniform(0.5, 6.5))
            if not reached(reopened):
                return steps
            # reopened_at is no column: the reopened report's resolution clock starts then.
            steps.update(status=Status.REOPENED, updated_at=reopened, reopened_at=reopened)
            resolved = self._office(reopened + self._delay(*SECOND_RESOLVE_HOURS))
            if not reached(resolved):
                return steps
            steps.update(status=Status.RESOLVED, resolved_at=resolved, updated_at=resolved)
        if reporter and rng.random() < RATED_SHARE:
            closed = resolved + timedelta(hours=rng.uniform(2, 24 * 6.5))
            stars = _weighted(RATINGS, rng)
            closing = {"rating": stars, "rating_comment": rng.choice(RATING_COMMENTS[stars])}
        else:
            # close_resolved_reports, run by the worker, once the reopening window has passed.
            closed = resolved + REOPEN_WINDOW + timedelta(seconds=rng.uniform(0, 60))
            closing = {}
        if reached(closed):
            steps.update(status=Status.CLOSED, closed_at=closed, updated_at=closed, **closing)
        return steps

    # Deadline clocks and supporters ------------------------------------------------------------------

    def _clocks(self, report):
        """The live clocks `reports.actions` would have running for this report now."""
        status = report["status"]
        opd_id, holder_id = report["opd_id"], report.get("assigned_to_id")
        if status == Status.RECEIVED:
            return [self._clock(report, CLOCK_VERIFY, "verifikasi", report["created_at"], VERIFY_DAYS, None)]
        resolution_days = self.category_by_id[report["category_id"]].resolution_days
        if status == Status.DISPOSITIONED:
            start = report["dispositioned_at"]
            return [
                self._clock(report, CLOCK_PLAN, "rencana tindak lanjut", start, PLAN_DAYS, opd_id),
                self._clock(report, CLOCK_RESOLVE, "penyelesaian", start, resolution_days, opd_id),
            ]
        if status == Status.IN_PROGRESS:
            start = report["dispositioned_at"]
            return [self._clock(report, CLOCK_RESOLVE, "penyelesaian", start, resolution_days, opd_id, holder_id)]
        if status == Status.REOPENED:
            start = report["reopened_at"]
            return [self._clock(report, CLOCK_RESOLVE, "penyelesaian ulang", start, resolution_days, opd_id, holder_id)]
        return []

    def _clock(self, report, kind, step, start, working_days, opd_id, holder_id=None):
        calendar = self.calendar
        if opd_id is None:
            opd_id = self.coordinator_opd_id
        due = calendar.add_working_days(start, working_days)
        allowed = calendar.working_seconds_between(start, due)
        near = calendar.add_working_seconds(start, round(allowed * NEAR_FRACTION))
        number = number_of(report["created_at"], report["id"], calendar.zone)
        breached = due if due <= self.now else None
        return {
            "content_type_id": self.report_type.pk,
            "object_id": str(report["id"]),
            "kind": kind,
            "title": f"Laporan {number}: {step}",
            "url": reverse("reports:officer_detail", args=[number]),
            "opd_id": opd_id,
            "holder_id": holder_id,
            "state": Deadline.State.RUNNING,
            "started_at": start,
            "allowed_seconds": allowed,
            "due_at": due,
            "near_at": near,
            # As the scanner would have flagged them, so it does not escalate generated history.
            "near_flagged_at": near if near <= self.now else None,
            "breached_at": breached,
            "escalated_at": breached,
        }

    def _supports(self, report):
        """Citizens who said "me too" while the report was open and public."""
        rng = self.rng
        if report.get("verified_at") is None:
            return []
        if rng.random() >= SUPPORTED_SHARE:
            return []
        wanted = min(1 + int(rng.expovariate(0.6)), len(self.pool) - 1)
        supporters = [user for user in rng.sample(self.pool, wanted + 1) if user != report["owner_id"]][:wanted]
        report["support_count"] = len(supporters)
        start = report["verified_at"].timestamp()
        end = (report.get("resolved_at") or self.now).timestamp()
        return [
            {"report_id": report["id"], "user_id": user, "created_at": _moment(rng.uniform(start, end))}
            for user in supporters
        ]


def _moment(stamp):
    return datetime.fromtimestamp(stamp, UTC)


def _attributes(category, rng):
    """Answers to the category's Open311 attributes that have a list of values."""
    answers = {}
    for attribute in category.attributes:
        values = attribute.get("values") or []
        if values and (attribute.get("required") or rng.random() < 0.5):
            answers[attribute["code"]] = rng.choice(values)["key"]
    return answers


def _weighted(pairs, rng):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _partner_app(city):
    """The Open311 partner app generated reports come from; inactive, so its key opens nothing."""
    app = Open311Client.objects.filter(city=city, name=PARTNER_APP_NAME).first()
    if app is None:
        app = Open311Client.objects.create(
            city=city,
            name=PARTNER_APP_NAME,
            contact_email="mitra@example.org",
            api_key=secrets.token_hex(32),
            active=False,
        )
    return app


@dataclass
class _Batch:
    reports: list = field(default_factory=list)
    clocks: list = field(default_factory=list)
    supports: list = field(default_factory=list)

    def write(self):
        TableWriter(Report, with_pk=True).write(self.reports)
        TableWriter(Deadline).write(self.clocks)
        TableWriter(Support).write(self.supports)
