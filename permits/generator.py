"""Realistic permit application volumes for benchmarks and demos (`manage.py generate_applications N`).

What the data looks like, so benchmark figures and demo screens mean something:

- the city's online permit types, weighted the way a DPMPTSP sees them (business permits — SIUP,
  IUMK — most, then crowd permits, building approvals, billboards, practice permits, …), applied
  for as a person or for the applicant's company as each type allows;
- submitted over the last Y years (or D days), growing as the service gets known over spans of a year
  or more, mostly on working days and in office hours; a few drafts started and never submitted;
- the workflow played forward from each submission through the type's own steps with realistic
  delays on the city's working calendar (officers claim and finish steps in working hours, each
  step's time scaled to its deadline, some late): old applications are mostly issued, some were
  rejected (with a reason) or withdrawn; some were returned to the previous step or waited on the
  applicant for documents (the step clock paused meanwhile); approved permits with a retribusi
  were paid by bank transfer (a few references refused first) and confirmed; recent ones are at
  every step, claimed or still in the OPD's queue, waiting on the applicant, past their step's
  deadline, or approved and waiting for payment;
- registration numbers REG-<year>-<serial> in submission order, taken from the city's
  `RegistrationCounter` of each year (reserved at the start, so numbers stay unique and
  consecutive with any the site already gave); one step record per stay at a step, with its
  holder, outcome, note and findings; the live deadline clock of each application at a step,
  flagged near and breached as the scanner would have (so the scanner does not escalate generated
  history), and the application's `due_at`;
- issued permits carry a real certificate, signed with the city's key (verification says valid,
  expired, or revoked for the few revoked permits); part of the applicants answered the SKM survey;
- applicants from the same pool of generated citizens as `generate_reports` (valid NIKs of the
  city, unusable passwords), about a third of them with a company (NIB, NPWP); steps held by the
  city's officers of each step's OPD and role — where an OPD has none, the demo officer
  `load_demo` would create (same NIP; no usable password until `load_demo` gives it one).

Generated history is bulk data: rows go straight into the tables in batches (COPY on PostgreSQL,
multi-row INSERT elsewhere), without audit events, notifications, or uploaded documents.
"""

import math
import random
import time
from bisect import bisect, bisect_left
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_nip
from accounts.models import Role, User
from certificates.actions import new_verification_code, signer_title
from certificates.models import Certificate
from certificates.signing import sign
from core.bulk import TableWriter, batch_writer, reserve_ids
from deadlines.clock import NEAR_FRACTION
from deadlines.models import Deadline
from permits import links
from permits.actions import certificate_fields, certificate_number, holder_detail, validity_end, workflow_of
from permits.models import (
    ApplicantKind,
    Application,
    Company,
    Payment,
    PermitType,
    RegistrationCounter,
    Status,
    StepRecord,
    SurveyResponse,
    format_registration_number,
)
from permits.payments import get_backend
from reports.generator import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    STREETS,
    citizen_pool,
)

BATCH_SIZE = 5000
# Citizens in the applicant pool: about one per three applications, some applying often.
APPLICATIONS_PER_CITIZEN = 3
MAX_CITIZENS = 50_000
# Every n-th citizen of the pool (3 in 10) runs a business and applies for it where the type allows.
COMPANY_OWNERS = (3, 10)
COMPANY_SHARE = 0.5  # of a company owner's applications for a type open to both

# How often each permit type is applied for; codes a profile adds later weigh DEFAULT_TYPE_WEIGHT.
TYPE_WEIGHTS = {
    "siup": 30,
    "iumk": 16,
    "keramaian": 12,
    "pbg": 10,
    "reklame": 8,
    "sktr": 5,
    "sip-dokter": 4,
    "sip-bidan": 3,
    "sipa": 3,
    "tdg": 3,
}
DEFAULT_TYPE_WEIGHT = 3
# Monday first; holidays count like a Sunday. Applications are sent online, but mostly when offices work.
WEEKDAY_FACTORS = (1.2, 1.15, 1.1, 1.05, 0.95, 0.45, 0.3)
HOUR_WEIGHTS = (
    *(0.1, 0.05, 0.05, 0.05, 0.1, 0.3),  # 00–05
    *(0.8, 1.8, 2.8, 3.0, 2.8, 2.4),  # 06–11
    *(1.8, 2.4, 2.6, 2.2, 1.6, 1.2),  # 12–17
    *(1.0, 1.2, 1.2, 0.9, 0.5, 0.2),  # 18–23
)

# Fates, each drawn where it can happen.
DRAFT_SHARE = 0.03  # started, never submitted
DOCUMENTS_FIRST_STEP_SHARE = 0.16  # the front office asks the applicant for a missing or unreadable document
DOCUMENTS_LATER_STEP_SHARE = 0.03  # a later officer step does
NEVER_ANSWERED_SHARE = 0.1  # of the applicants asked for documents
GAVE_UP_SHARE = 0.95  # of those: they withdraw after a while (the others never come back)
RETURN_SHARE = 0.05  # a step after the first sends the application back, once
REJECT_FIRST_STEP_SHARE = 0.03
REJECT_OFFICER_STEP_SHARE = 0.04  # a later officer step (technical review, survey)
REJECT_HEAD_STEP_SHARE = 0.01
WITHDRAW_PER_STEP_SHARE = 0.005
STALLED_SHARE = 0.0005  # a step nobody finishes
UNPAID_SHARE = 0.002  # approved, the retribusi never paid
PAYMENT_REFUSED_SHARE = 0.05  # the first transfer reference is not in the account statement
REVOKED_SHARE = 0.004
SURVEY_SHARE = 0.45

# Officers' delays in working time, as a share of the step's allowance: log-normal (median, spread).
CLAIM_SHARE = (0.08, 1.0)
WORK_SHARE = (0.4, 0.7)
ASK_SHARE = (0.15, 0.8)
# The applicant's delays in hours of ordinary time: log-normal (median, spread).
DRAFT_HOURS = (0.7, 1.6)
ANSWER_HOURS = (40, 1.0)
GIVE_UP_HOURS = (24 * 20, 0.6)
PAYMENT_HOURS = (30, 1.0)
CONFIRM_WORKING_HOURS = (3, 1.0)
SECOND_PAYMENT_HOURS = (20, 0.8)
SURVEY_HOURS = (30, 1.2)
REVOKED_AFTER_DAYS = (30, 400)

SKM_WEIGHTS = (3, 9, 55, 33)  # answers 1–4 of a typical element
SKM_COMMENTS = (
    "",
    "",
    "",
    "Pelayanan cepat dan jelas, terima kasih.",
    "Prosesnya mudah, bisa dipantau dari rumah.",
    "Mohon persyaratan dijelaskan lebih rinci di awal.",
    "Petugas ramah dan membantu.",
    "Sempat diminta melengkapi berkas, tapi secara umum baik.",
)
WITHDRAW_REASONS = (
    "",
    "Usaha batal dibuka.",
    "Salah memilih jenis izin.",
    "Akan mengajukan ulang dengan data yang benar.",
    "Kegiatan dibatalkan.",
)
GAVE_UP_REASONS = ("", "Tidak sempat melengkapi berkas.", "Berkas yang diminta belum bisa diurus.")
REJECT_REASONS = {
    "first": (
        "Dokumen yang dilampirkan bukan milik pemohon.",
        "Jenis usaha tidak sesuai dengan izin yang dimohon.",
        "Permohonan ganda: pemohon sudah memiliki izin yang sama dan masih berlaku.",
    ),
    "officer": (
        "Hasil pemeriksaan lapangan tidak sesuai dengan data permohonan.",
        "Lokasi tidak sesuai dengan rencana tata ruang.",
        "Persyaratan teknis tidak terpenuhi.",
    ),
    "head": ("Tidak memenuhi ketentuan peraturan daerah yang berlaku.",),
}
REQUEST_REASONS = (
    "{name} tidak terbaca; mohon unggah ulang hasil pindaian yang jelas.",
    "{name} belum sesuai ketentuan; mohon lengkapi.",
    "{name} sudah tidak berlaku; unggah yang masih berlaku.",
)
RETURN_REASONS = (
    "Data pada formulir berbeda dengan dokumen; mohon diperiksa ulang.",
    "Verifikasi berkas belum lengkap: ada persyaratan yang belum dicocokkan.",
    "Mohon dicek kembali kesesuaian alamat dengan dokumen tanah.",
)
FORWARD_NOTES = ("", "", "", "Berkas lengkap dan sesuai.", "Sesuai persyaratan.", "Lanjut ke tahap berikutnya.")
FINDINGS = (
    "Hasil pemeriksaan sesuai dengan data permohonan.",
    "Lokasi sesuai; tidak ditemukan pelanggaran.",
    "Dokumen teknis memenuhi ketentuan; disarankan untuk disetujui.",
    "Kondisi di lapangan sesuai; catatan kecil sudah disampaikan kepada pemohon.",
)
PAYMENT_REFUSED = "Referensi transfer tidak ditemukan pada rekening koran."
REVOKE_REASONS = (
    "Pemegang izin melanggar ketentuan penyelenggaraan usaha.",
    "Izin diperoleh dengan data yang tidak benar.",
    "Atas permintaan pemegang izin karena usaha ditutup.",
)

BUSINESS_PREFIXES = ("Toko", "Warung", "UD", "Kedai", "Usaha")
BUSINESS_WORDS = (
    "Berkah",
    "Maju Jaya",
    "Sumber Rezeki",
    "Sinar Harapan",
    "Sejahtera",
    "Barokah",
    "Mandiri",
    "Abadi",
    "Cahaya",
    "Sentosa",
    "Bersama",
    "Makmur",
)
COMPANY_FORMS = ("CV", "CV", "PT", "UD")
KBLI = ("47111", "47112", "47191", "47211", "47411", "47592", "47721", "56101", "56102", "10710", "96021", "46100")
GOODS = (
    "Beras, gula, minyak goreng",
    "Pakaian dan tekstil",
    "Alat tulis dan fotokopi",
    "Makanan dan minuman",
    "Bahan bangunan",
    "Telepon seluler dan pulsa",
    "Obat-obatan bebas dan alat kesehatan",
    "Sparepart sepeda motor",
)
TRADES = ("Warung makan", "Kerajinan tangan", "Penjahit", "Kue basah", "Bengkel sepeda motor", "Laundry", "Kios pulsa")
CLINICS = ("Klinik Pratama Sehat", "Praktik Mandiri", "Apotek Sehat Farma", "Klinik Bunda", "Puskesmas Binjai Kota")
SCHEDULES = (
    "Senin–Jumat 16.00–21.00",
    "Senin–Sabtu 08.00–14.00",
    "Setiap hari 17.00–21.00",
    "Selasa–Sabtu 09.00–15.00",
)
EVENTS = ("Pesta pernikahan keluarga {family}", "Syukuran keluarga {family}", "Pengajian akbar", "Turnamen bola voli")
EVENTS += ("Bazar UMKM", "Konser amal", "Jalan sehat warga")
LAND_USES = ("Rumah tinggal", "Ruko dua lantai", "Gudang penyimpanan", "Kios dan tempat usaha", "Tempat ibadah")
BILLBOARD_TEXTS = ("Promo akhir tahun", "Grand opening", "Menerima pesanan", "Diskon 20%", "Cabang baru")
STORED_GOODS = ("Bahan pokok", "Pupuk dan pestisida", "Bahan bangunan", "Barang elektronik", "Hasil perkebunan")


@dataclass
class GenerationResult:
    applications: int = 0
    drafts: int = 0
    step_records: int = 0
    clocks: int = 0
    certificates: int = 0
    payments: int = 0
    surveys: int = 0
    citizens_created: int = 0
    citizens_reused: int = 0
    companies_created: int = 0
    officers_created: int = 0
    statuses: dict = field(default_factory=dict)
    seconds: float = 0.0


def generate_applications(
    city, count, *, seed=None, years=3, days=None, now=None, batch_size=BATCH_SIZE, progress=None
):
    """Add `count` permit applications to `city`, submitted over the last `years` years (or `days` days, if
    given); returns a GenerationResult. `progress(done, count)` is called per batch."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if years < 1:
        raise ValueError("years must be at least 1")
    if days is not None and days < 1:
        raise ValueError("days must be at least 1")
    span = days or 365 * years
    started = time.monotonic()
    rng = random.Random(seed)
    # Whole seconds throughout: the working-time arithmetic below is then exact.
    now = (now or timezone.now()).replace(microsecond=0)
    result = GenerationResult()
    types = list(
        PermitType.objects.filter(city=city, active=True, online=True).select_related("issuing_opd", "technical_opd")
    )
    if not types:
        raise ValueError(f"{city.name} belum punya jenis izin daring: muat profil kotanya dulu (load_city).")
    joined_from = now - timedelta(days=span)
    with transaction.atomic():
        # Their own random streams: whether the citizens and companies exist already must not change the story.
        citizens_rng, companies_rng = random.Random(rng.random()), random.Random(rng.random())
        pool, created = citizen_pool(city, _pool_size(count), joined_from, citizens_rng)
        companies, result.companies_created = _companies(city, pool, joined_from, companies_rng)
        staff, result.officers_created = _staff(city, types)
    result.citizens_created, result.citizens_reused = created, len(pool) - created
    calendar_days = _days(city, span, now)
    moments = _submission_moments(city, calendar_days, count, now, rng)
    drafts = [rng.random() < DRAFT_SHARE for _ in moments]
    numbers = _reserve_numbers(city, moments, drafts)
    plan = _CityPlan(city, rng, now, types, pool, companies, staff, calendar_days[0])
    with batch_writer("generate_applications-writer") as write:
        for offset in range(0, count, batch_size):
            end = offset + batch_size
            batch = write(plan.batch, moments[offset:end], drafts[offset:end], numbers[offset:end])
            result.applications += len(batch.applications)
            result.drafts += sum(row["status"] == Status.DRAFT for row in batch.applications)
            result.step_records += len(batch.step_records)
            result.clocks += len(batch.clocks)
            result.certificates += len(batch.certificates)
            result.payments += len(batch.payments)
            result.surveys += len(batch.surveys)
            for row in batch.applications:
                result.statuses[row["status"]] = result.statuses.get(row["status"], 0) + 1
            if progress:
                progress(result.applications, count)
    result.seconds = time.monotonic() - started
    return result


def _pool_size(count):
    return max(10, min(count // APPLICATIONS_PER_CITIZEN, MAX_CITIZENS))


# --- Applicants, their companies, the officers ------------------------------------------------


def _companies(city, pool, joined_from, rng):
    """{owner id: (company id, name, NIB, address)} for the company owners of the pool; creates those missing."""
    every, out_of = COMPANY_OWNERS
    owners = [user for index, user in enumerate(pool) if index % out_of < every]
    existing = {}
    for start in range(0, len(owners), BATCH_SIZE):
        rows = Company.objects.filter(owner_id__in=owners[start : start + BATCH_SIZE]).order_by("id")
        for row in rows.values_list("owner_id", "id", "name", "nib", "address"):
            existing.setdefault(row[0], row[1:])
    missing = []
    for owner in owners:
        name = f"{rng.choice(COMPANY_FORMS)} {rng.choice(BUSINESS_WORDS)} {rng.choice(FAMILY_NAMES)}"
        address = f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, {city.name}"
        nib = f"{rng.randrange(10**12, 10**13)}"
        npwp = f"{rng.randrange(10**14, 10**15)}"
        if owner not in existing:
            created = joined_from + timedelta(days=rng.uniform(0, 200))
            missing.append(Company(owner_id=owner, name=name, nib=nib, npwp=npwp, address=address, created_at=created))
    Company.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    for company in missing:
        existing[company.owner_id] = (company.pk, company.name, company.nib, company.address)
    return existing, len(missing)


def _staff(city, types):
    """{(OPD id, role): [officer, ...]} for every step of the types and their front offices.

    An OPD without an active officer of a role gets the demo officer `load_demo` would create (the same
    NIP and name), without a usable password.
    """
    needed = set()
    for permit_type in types:
        needed.add((permit_type.issuing_opd, Role.OFFICER))
        for step in workflow_of(permit_type):
            opd = permit_type.issuing_opd if step["opd"] == "issuing" else permit_type.technical_opd
            needed.add((opd, step["role"]))
    staff, created = {}, 0
    for opd, role in sorted(needed, key=lambda pair: (pair[0].pk, pair[1])):
        officers = list(
            User.objects.filter(opd=opd, role=role, kind=User.Kind.OFFICER, is_active=True)
            .select_related("opd")
            .order_by("id")
        )
        if not officers:
            name = f"{'Kepala' if role == Role.HEAD else 'Petugas'} {opd.short_name}"
            officer = User.objects.filter(login_id=demo_nip(opd, role)).first()
            if officer is None:
                officer = User.objects.create_officer(demo_nip(opd, role), None, opd=opd, role=role, full_name=name)
                created += 1
            officers = [officer]
        staff[(opd.pk, role)] = officers
    return staff, created


# --- When applications come in ---------------------------------------------------------------


def _days(city, span, now):
    """The city's last `span` calendar days, oldest first, today included."""
    today = now.astimezone(city.zone).date()
    return [today - timedelta(days=n) for n in range(span - 1, -1, -1)]


def _submission_moments(city, days, count, now, rng):
    """`count` moments (whole epoch seconds, sorted) over `days`, in the rhythm applicants keep."""
    zone = city.zone
    holidays = set(city.holidays.values_list("date", flat=True))
    weights = []
    for position, day in enumerate(days):
        # Over a year or more the service gets known; a shorter span is as busy as the service is now.
        growth = 0.3 + 0.7 * position / len(days) if len(days) >= 365 else 1.0
        weekday = 6 if day in holidays else day.weekday()
        weights.append(growth * WEEKDAY_FACTORS[weekday])
    day_totals = list(accumulate(weights))
    hour_totals = list(accumulate(HOUR_WEIGHTS))
    midnights = [int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp()) for day in days]
    limit = int(now.timestamp())
    moments = []
    while len(moments) < count:
        day = bisect(day_totals, rng.random() * day_totals[-1])
        hour = bisect(hour_totals, rng.random() * hour_totals[-1])
        moment = midnights[day] + hour * 3600 + int(rng.random() * 3600)
        if moment <= limit:
            moments.append(moment)
    moments.sort()
    return moments


def _reserve_numbers(city, moments, drafts):
    """The registration number of each submitted application (None for drafts), in submission order.

    Each year's serials are taken from the city's RegistrationCounter under its row lock, as a submission
    takes one, so they follow any number the site already gave and none is given twice.
    """
    zone = city.zone
    years = [
        None if draft else datetime.fromtimestamp(moment, zone).year
        for moment, draft in zip(moments, drafts, strict=True)
    ]
    needed = {}
    for year in years:
        if year is not None:
            needed[year] = needed.get(year, 0) + 1
    serials = {}
    with transaction.atomic():
        for year, wanted in sorted(needed.items()):
            RegistrationCounter.objects.get_or_create(city=city, year=year)
            counter = RegistrationCounter.objects.select_for_update().get(city=city, year=year)
            serials[year] = counter.last
            counter.last += wanted
            counter.save(update_fields=["last"])
    numbers = []
    for year in years:
        if year is None:
            numbers.append(None)
            continue
        serials[year] += 1
        numbers.append(format_registration_number(year, serials[year]))
    return numbers


# --- Working time -------------------------------------------------------------------------------


class WorkingAxis:
    """The city's working calendar as a table of its days, for millions of steps.

    Moments are whole epoch seconds. `worked(t)` is the working seconds from the table's start to t, so
    the working time between two moments is a subtraction and "n working seconds later" a binary search.
    Every answer equals `WorkingCalendar`'s (add_working_seconds, add_working_days, next_working_moment,
    working_seconds_between); moments outside the table ask the calendar.
    """

    def __init__(self, calendar, first_day, last_day):
        self.calendar = calendar
        self.midnights, self.opens, self.closes, self.before = [], [], [], []
        total, day = 0, first_day
        while day <= last_day:
            self.midnights.append(int(datetime(day.year, day.month, day.day, tzinfo=calendar.zone).timestamp()))
            window = calendar.window(day)
            self.before.append(total)
            if window:
                opens, closes = int(window[0].timestamp()), int(window[1].timestamp())
                total += closes - opens
            else:
                opens = closes = None
            self.opens.append(opens)
            self.closes.append(closes)
            day += timedelta(days=1)
        self.end = self.midnights[-1] + 86400
        self.working_days = [index for index, opens in enumerate(self.opens) if opens is not None]
        self.position = {index: position for position, index in enumerate(self.working_days)}
        self.starts = [self.before[index] for index in self.working_days]
        # The first opening after each day.
        self.next_opening = [None] * len(self.opens)
        upcoming = None
        for index in range(len(self.opens) - 1, -1, -1):
            self.next_opening[index] = upcoming
            if self.opens[index] is not None:
                upcoming = self.opens[index]

    def _day(self, moment):
        if moment < self.midnights[0] or moment >= self.end:
            return None
        return bisect(self.midnights, moment) - 1

    def next_working(self, moment):
        """The moment itself within working hours, else the next opening."""
        index = self._day(moment)
        if index is not None:
            opens = self.opens[index]
            if opens is not None and moment < self.closes[index]:
                return max(moment, opens)
            if self.next_opening[index] is not None:
                return self.next_opening[index]
        return _stamp(self.calendar.next_working_moment(_moment(moment)))

    def worked(self, moment):
        """Working seconds from the table's start to `moment` (None outside the table)."""
        index = self._day(moment)
        if index is None:
            return None
        opens = self.opens[index]
        if opens is None:
            return self.before[index]
        return self.before[index] + min(max(moment - opens, 0), self.closes[index] - opens)

    def add_seconds(self, moment, seconds):
        """The moment `seconds` of working time after `moment` (WorkingCalendar.add_working_seconds)."""
        seconds = round(seconds)
        if seconds <= 0:
            return self.next_working(moment)
        base = self.worked(moment)
        if base is not None:
            target = base + seconds
            position = bisect_left(self.starts, target) - 1
            if position >= 0:
                index = self.working_days[position]
                opens = self.opens[index]
                if target - self.starts[position] <= self.closes[index] - opens:
                    return opens + target - self.starts[position]
        return _stamp(self.calendar.add_working_seconds(_moment(moment), seconds))

    def add_days(self, moment, days):
        """Same time of day, `days` working days later (WorkingCalendar.add_working_days)."""
        start = self.next_working(moment)
        index = self._day(start)
        position = self.position.get(index) if index is not None else None
        if position is None or position + days >= len(self.working_days):
            return _stamp(self.calendar.add_working_days(_moment(moment), days))
        target = self.working_days[position + days]
        moment = self.midnights[target] + (start - self.midnights[index])
        return min(max(moment, self.opens[target]), self.closes[target])

    def between(self, start, end):
        """Working seconds from start to end, 0 if end is not after start (working_seconds_between)."""
        if end <= start:
            return 0
        first, last = self.worked(start), self.worked(end)
        if first is None or last is None:
            return self.calendar.working_seconds_between(_moment(start), _moment(end))
        return last - first


def _moment(stamp):
    return datetime.fromtimestamp(stamp, UTC)


def _stamp(moment):
    return int(moment.timestamp())


# --- One city's applications ------------------------------------------------------------------------


@dataclass
class _Batch:
    applications: list = field(default_factory=list)
    step_records: list = field(default_factory=list)
    clocks: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    surveys: list = field(default_factory=list)

    def write(self):
        TableWriter(Certificate, with_pk=True).write(self.certificates)
        TableWriter(Application, with_pk=True).write(self.applications)
        TableWriter(StepRecord).write(self.step_records)
        TableWriter(Deadline).write(self.clocks)
        TableWriter(Payment).write(self.payments)
        TableWriter(SurveyResponse).write(self.surveys)


class _Type:
    """A permit type with what its applications need, worked out once."""

    def __init__(self, permit_type):
        self.model = permit_type
        self.workflow = workflow_of(permit_type)
        self.documents = {
            kind: [doc["code"] for doc in permit_type.documents_for(kind)]
            for kind in (ApplicantKind.PERSON, ApplicantKind.COMPANY)
        }
        self.document_names = {doc["code"]: doc["name"] for doc in permit_type.required_documents}
        self.fee_kind = permit_type.fee.get("kind")


class _CityPlan:
    """Everything about the city an application needs, looked up once; `batch()` builds the rows."""

    def __init__(self, city, rng, now, types, pool, companies, staff, first_day):
        self.city, self.rng, self.pool, self.companies, self.staff = city, rng, pool, companies, staff
        self.owners = [user for user in pool if user in companies]
        self.now = _stamp(now)
        self.zone = city.zone
        today = now.astimezone(city.zone).date()
        # From well before the first submission (drafts start earlier) to well after today (live deadlines).
        self.axis = WorkingAxis(city.calendar(), first_day - timedelta(days=60), today + timedelta(days=400))
        self.types = [_Type(permit_type) for permit_type in types]
        self.type_totals = list(accumulate(TYPE_WEIGHTS.get(t.model.code, DEFAULT_TYPE_WEIGHT) for t in self.types))
        self.kelurahan = sorted(city.kelurahan_by_id().values(), key=lambda k: k.pk)
        self.centre = (city.centre_lat, city.centre_lon)
        self.application_type = ContentType.objects.get_for_model(Application)
        self.backend = get_backend().code
        self.users = {}
        for start in range(0, len(pool), BATCH_SIZE):
            chunk = User.objects.filter(pk__in=pool[start : start + BATCH_SIZE])
            self.users.update({pk: (name, nik) for pk, name, nik in chunk.values_list("id", "full_name", "login_id")})
        self.titles = {officer.pk: signer_title(officer) for officers in staff.values() for officer in officers}
        finance = city.opd_with_function("keuangan")
        confirmers = User.objects.filter(opd=finance, role=Role.OFFICER, kind=User.Kind.OFFICER, is_active=True)
        self.finance = list(confirmers.order_by("id").values_list("id", flat=True)) if finance else []

    def batch(self, moments, drafts, numbers):
        batch = _Batch()
        ids = reserve_ids(Application, len(moments))
        for moment, draft, number, pk in zip(moments, drafts, numbers, ids, strict=True):
            self._application(batch, pk, moment, draft, number)
        certificate_ids = reserve_ids(Certificate, len(batch.certificates)) if batch.certificates else []
        for certificate, pk in zip(batch.certificates, certificate_ids, strict=True):
            certificate["id"] = pk
            certificate.pop("application")["certificate_id"] = pk
        return batch

    def _application(self, batch, pk, moment, draft, number):
        rng = self.rng
        kind = self.types[bisect(self.type_totals, rng.random() * self.type_totals[-1])]
        company_only = kind.model.applicant_kind == ApplicantKind.COMPANY
        # A company-only permit is applied for by a citizen who runs a company.
        people = self.owners if company_only and self.owners else self.pool
        applicant = people[int(len(people) * rng.random() ** 1.5)]
        company = self.companies.get(applicant)
        if kind.model.applicant_kind == ApplicantKind.PERSON or (not company_only and rng.random() >= COMPANY_SHARE):
            company = None
        form_data = self._form(kind.model, moment)
        row = {
            "id": pk,
            "city_id": self.city.pk,
            "permit_type_id": kind.model.pk,
            "applicant_id": applicant,
            "company_id": company[0] if company else None,
            "status": Status.DRAFT,
            "step_role": "",
            "step_code": "",
            "opd_id": None,
        }
        batch.applications.append(row)
        if draft:
            # Started and left: some answers only, no number, no steps.
            row.update(
                form_data={code: value for code, value in form_data.items() if rng.random() < 0.6},
                created_at=_moment(moment),
                updated_at=_moment(min(moment + int(rng.uniform(0, 3600)), self.now)),
            )
            return
        created = moment - int(3600 * _lognormal(rng, *DRAFT_HOURS))
        row.update(
            registration_number=number,
            form_data=form_data,
            fee_amount=kind.model.compute_fee(form_data),
            workflow=kind.workflow,
            created_at=_moment(created),
            submitted_at=_moment(moment),
        )
        applicant_kind = ApplicantKind.COMPANY if company else ApplicantKind.PERSON
        _Story(self, batch, row, kind, applicant_kind, company, moment).play()

    def _form(self, permit_type, moment):
        rng = self.rng
        kelurahan = rng.choice(self.kelurahan)
        answers = {}
        for spec in permit_type.form_fields:
            if not spec.get("required") and rng.random() < 0.5:
                continue
            answers[spec["code"]] = _answer(spec, rng, kelurahan, self.centre, moment, self.zone)
        if "golongan_gudang" in answers and "luas_gudang" in answers:
            choices = next(f["choices"] for f in permit_type.form_fields if f["code"] == "golongan_gudang")
            size = answers["luas_gudang"]
            answers["golongan_gudang"] = choices[0 if size <= 2500 else 1 if size <= 5000 else 2]
        return answers

    def officer(self, opd_id, role):
        officers = self.staff[(opd_id, role)]
        # Some officers take more of the work than others.
        return officers[int(len(officers) * self.rng.random() ** 1.3)]


class _Story:
    """One submitted application played forward from its submission until now, one step stay at a time."""

    def __init__(self, plan, batch, row, kind, applicant_kind, company, submitted):
        self.plan, self.batch, self.row, self.kind = plan, batch, row, kind
        self.rng, self.axis, self.now = plan.rng, plan.axis, plan.now
        self.applicant_kind, self.company = applicant_kind, company
        self.submitted = submitted
        self.records = []
        self.index = 0
        self.waited = 0  # working seconds spent waiting on the applicant
        self.updated = submitted
        self.resumed = None  # (moment, working seconds left) when the current step's clock was resumed

    def play(self):
        rng, axis, workflow = self.rng, self.axis, self.kind.workflow
        stall_at = rng.randrange(len(workflow)) if rng.random() < STALLED_SHARE else None
        returned = False
        entered, holder = self.submitted, None
        while True:
            index = self.index
            step = workflow[index]
            self.resumed = None
            record = self._record(step, entered, holder)
            allowed, due = self._allowance(step, entered)
            here = (step, entered, record, allowed)
            if holder is None:
                claimed = axis.add_seconds(entered, allowed * _lognormal(rng, *CLAIM_SHARE))
                if claimed > self.now:
                    # In the OPD's queue: a new submission is "submitted" until the front office claims it.
                    fresh = len(self.records) == 1
                    return self._at_step(*here, due, Status.SUBMITTED if fresh else Status.IN_REVIEW)
                holder = self.plan.officer(step["opd_id"], step["role"])
                record["holder_id"] = holder.pk
                self.updated = claimed
            else:
                claimed = entered
            if index == stall_at:
                return self._at_step(*here, due, Status.IN_REVIEW)
            working_from = claimed
            if step["role"] == "officer" and not returned:
                share = DOCUMENTS_FIRST_STEP_SHARE if index == 0 else DOCUMENTS_LATER_STEP_SHARE
                if rng.random() < share:
                    answered = self._documents(here, claimed, due)
                    if answered is None:
                        return
                    working_from, due = answered
            done = axis.add_seconds(working_from, allowed * _lognormal(rng, *WORK_SHARE))
            if rng.random() < WITHDRAW_PER_STEP_SHARE:
                withdrawn = working_from + int(rng.random() * max(done - working_from, 3600))
                if withdrawn <= self.now:
                    return self._withdrawn(record, withdrawn, rng.choice(WITHDRAW_REASONS))
            if done > self.now:
                return self._at_step(*here, due, Status.IN_REVIEW)
            self.updated = done
            group = _reject_group(index, step)
            if rng.random() < REJECT_SHARES[group]:
                reason = rng.choice(REJECT_REASONS[group])
                self._finish(record, done, StepRecord.Outcome.REJECTED, note=reason)
                return self._ended(Status.REJECTED, done, decision_reason=reason, decided=True)
            if index > 0 and not returned and rng.random() < RETURN_SHARE:
                # Back to the previous step, to whoever handled it there.
                returned = True
                self._finish(record, done, StepRecord.Outcome.RETURNED, note=rng.choice(RETURN_REASONS))
                last = next(r["holder_id"] for r in reversed(self.records) if r["index"] == index - 1)
                self.index, entered = index - 1, done
                holder = self._still_handling(workflow[index - 1], last)
                continue
            if index == len(workflow) - 1:
                self._finish(record, done, StepRecord.Outcome.APPROVED)
                self.row["approved_by_id"] = holder.pk
                return self._approved(done, holder)
            findings = rng.choice(FINDINGS) if step.get("findings") else ""
            self._finish(record, done, StepRecord.Outcome.FORWARDED, note=rng.choice(FORWARD_NOTES), findings=findings)
            self.index, entered, holder = index + 1, done, None

    # Steps ---------------------------------------------------------------------------------

    def _record(self, step, entered, holder):
        record = {
            "application_id": self.row["id"],
            "index": self.index,
            "code": step["code"],
            "name": step["name"],
            "role": step["role"],
            "opd_id": step["opd_id"],
            "holder_id": holder.pk if holder else None,
            "started_at": _moment(entered),
            "finished_at": None,
            "outcome": "",
            "note": "",
            "findings": "",
        }
        self.records.append(record)
        self.batch.step_records.append(record)
        return record

    def _finish(self, record, moment, outcome, *, note="", findings=""):
        record.update(finished_at=_moment(moment), outcome=outcome, note=note, findings=findings)

    def _allowance(self, step, entered):
        """(working seconds allowed, due moment) of a step entered at `entered`, as deadlines.clock.start counts."""
        axis = self.axis
        if "deadline_hours" in step:
            allowed = round(step["deadline_hours"] * 3600)
            return allowed, axis.add_seconds(entered, allowed)
        due = axis.add_days(entered, step["deadline_days"])
        return axis.between(entered, due), due

    def _still_handling(self, step, pk):
        """The officer who last held a step, if they still handle it; None leaves it to the OPD's queue."""
        return next((officer for officer in self.plan.staff[(step["opd_id"], step["role"])] if officer.pk == pk), None)

    def _documents(self, here, claimed, due):
        """The officer asks for documents: (moment the work resumes, the step's new due moment), or None
        if the story ends while waiting (or with the applicant giving up)."""
        rng, axis = self.rng, self.axis
        step, entered, record, allowed = here
        asked = axis.add_seconds(claimed, allowed * _lognormal(rng, *ASK_SHARE))
        if asked > self.now:
            self._at_step(*here, due, Status.IN_REVIEW)
            return None
        self.updated = asked
        codes = self.kind.documents[self.applicant_kind]
        requested = rng.sample(codes, min(len(codes), 1 if rng.random() < 0.8 else 2))
        if rng.random() < NEVER_ANSWERED_SHARE:
            if rng.random() < GAVE_UP_SHARE:
                gave_up = asked + int(3600 * _lognormal(rng, *GIVE_UP_HOURS))
                if gave_up <= self.now:
                    self._withdrawn(record, gave_up, rng.choice(GAVE_UP_REASONS), waiting_since=asked)
                    return None
            self._waiting(here, due, asked, requested)
            return None
        answered = asked + int(3600 * _lognormal(rng, *ANSWER_HOURS))
        if answered > self.now:
            self._waiting(here, due, asked, requested)
            return None
        self.waited += axis.between(asked, answered)
        self.updated = answered
        remaining = axis.between(asked, due)
        self.resumed = (answered, remaining)
        return answered, axis.add_seconds(answered, remaining)

    # Where the story stops ------------------------------------------------------------------------

    def _at_step(self, step, entered, record, allowed, due, status):
        """Still at a step now, in the OPD's queue or held: its clock running (resumed, if it waited)."""
        near_from, remaining = self.resumed or (entered, allowed)
        near = self.axis.add_seconds(near_from, _seconds_until_near(allowed, remaining))
        self._step_fields(step, entered, record, status)
        self.row["due_at"] = _moment(due)
        self._clock(step, record, entered, allowed, due, near, paused=None, remaining=None)

    def _waiting(self, here, due, asked, requested):
        """Waiting on the applicant now: the step's clock paused with the working time it had left."""
        step, entered, record, allowed = here
        near = self.axis.add_seconds(entered, _seconds_until_near(allowed, allowed))
        self._step_fields(step, entered, record, Status.WAITING_APPLICANT)
        names = " dan ".join(self.kind.document_names[code] for code in requested)
        reason = REQUEST_REASONS[self.row["id"] % len(REQUEST_REASONS)].format(name=names)
        self.row.update(due_at=None, waiting_since=_moment(asked), requested_documents=requested, request_reason=reason)
        remaining = self.axis.between(asked, due)
        self._clock(step, record, entered, allowed, due, near, paused=asked, remaining=remaining)

    def _step_fields(self, step, entered, record, status):
        self.row.update(
            status=status,
            step_index=self.index,
            step_role=step["role"],
            step_code=step["code"],
            step_started_at=_moment(entered),
            opd_id=step["opd_id"],
            holder_id=record["holder_id"],
            applicant_wait_seconds=self.waited,
            updated_at=_moment(self.updated),
        )

    def _clock(self, step, record, entered, allowed, due, near, *, paused, remaining):
        """The live clock deadlines.clock keeps for the step, flagged as the scanner would have by now."""
        if paused is None:
            counted_until, breached = self.now, due <= self.now
        else:
            # A clock paused after its due moment still counts as breached (DeadlineQuerySet.overdue).
            counted_until, breached = paused, due < paused
        row = self.row
        self.batch.clocks.append(
            {
                "content_type_id": self.plan.application_type.pk,
                "object_id": str(row["id"]),
                "kind": f"permit.step.{step['code']}",
                "title": f"Permohonan {row['registration_number']} ({self.kind.model.short_name}): {step['name']}",
                "url": links.officer_url(SimpleNamespace(registration_number=row["registration_number"])),
                "opd_id": step["opd_id"],
                "holder_id": record["holder_id"],
                "state": Deadline.State.PAUSED if paused is not None else Deadline.State.RUNNING,
                "started_at": _moment(entered),
                "allowed_seconds": allowed,
                "due_at": _moment(due),
                "near_at": _moment(near),
                "paused_at": _moment(paused) if paused is not None else None,
                "remaining_seconds": remaining,
                "near_flagged_at": _moment(near) if near <= counted_until else None,
                "breached_at": _moment(due) if breached else None,
                "escalated_at": _moment(due) if breached else None,
            }
        )

    def _withdrawn(self, record, moment, reason, *, waiting_since=None):
        if waiting_since is not None:
            self.waited += self.axis.between(waiting_since, moment)
        self._finish(record, moment, StepRecord.Outcome.WITHDRAWN, note=reason)
        self._ended(Status.WITHDRAWN, moment, decision_reason=reason, ended_at=_moment(moment))

    def _ended(self, status, moment, *, decision_reason="", decided=False, **changes):
        """Past the steps (decided, withdrawn): with the issuing OPD, no step, no holder, no clock."""
        self.updated = max(moment, self.updated)
        self.row.update(
            status=status,
            step_index=self.index,
            step_role="",
            step_code="",
            step_started_at=None,
            opd_id=self.kind.model.issuing_opd_id,
            holder_id=None,
            due_at=None,
            applicant_wait_seconds=self.waited,
            decision_reason=decision_reason,
            updated_at=_moment(self.updated),
            **changes,
        )
        if decided:
            self.row["decided_at"] = _moment(moment)
            self.row["processing_seconds"] = max(self.axis.between(self.submitted, moment) - self.waited, 0)

    def _approved(self, moment, head):
        rng, axis, row = self.rng, self.axis, self.row
        self._ended(Status.APPROVED, moment, decided=True)
        fee = row["fee_amount"]
        if fee == 0:
            return self._issued(moment, head)
        if rng.random() < UNPAID_SHARE:
            return None
        issuing = self.kind.model.issuing_opd_id
        confirmers = [officer.pk for officer in self.plan.staff[(issuing, Role.OFFICER)]] + self.plan.finance
        recorded = moment + int(3600 * _lognormal(rng, *PAYMENT_HOURS))
        refused = rng.random() < PAYMENT_REFUSED_SHARE
        while recorded <= self.now:
            payment = {
                "application_id": row["id"],
                "amount": fee,
                "backend": self.plan.backend,
                "reference": _reference(rng, recorded, self.plan.zone),
                "status": Payment.Status.PENDING,
                "created_at": _moment(recorded),
            }
            self.batch.payments.append(payment)
            row["updated_at"] = _moment(recorded)
            checked = axis.add_seconds(recorded, 3600 * _lognormal(rng, *CONFIRM_WORKING_HOURS))
            if checked > self.now:
                return None
            row["updated_at"] = _moment(checked)
            if not refused:
                payment.update(
                    status=Payment.Status.PAID, paid_at=_moment(checked), confirmed_by_id=rng.choice(confirmers)
                )
                return self._issued(checked, head)
            payment.update(status=Payment.Status.FAILED, failure_reason=PAYMENT_REFUSED)
            refused = False
            recorded = checked + int(3600 * _lognormal(rng, *SECOND_PAYMENT_HOURS))
        return None

    def _issued(self, moment, head):
        """The signed certificate, as permits.actions._issue makes it; the SKM answers; a rare revocation."""
        rng, row, permit_type = self.rng, self.row, self.kind.model
        issued_at = _moment(moment)
        valid_from = issued_at.astimezone(self.plan.zone).date()
        name, nik = self.plan.users[row["applicant_id"]]
        company = None
        if self.company:
            company = SimpleNamespace(name=self.company[1], nib=self.company[2], address=self.company[3])
        case = SimpleNamespace(
            permit_type=permit_type,
            registration_number=row["registration_number"],
            form_data=row["form_data"],
            company_id=row["company_id"],
            company=company,
            applicant=SimpleNamespace(full_name=name, login_id=nik),
        )
        certificate = Certificate(
            number=certificate_number(case),
            title=permit_type.certificate_title,
            holder_name=company.name if company else name,
            holder_detail=holder_detail(case),
            fields=certificate_fields(case),
            issuer_name=permit_type.issuing_opd.name,
            signer_id=head.pk,
            signer_name=head.full_name,
            signer_title=self.plan.titles[head.pk],
            signed_at=issued_at,
            valid_from=valid_from,
            valid_until=validity_end(valid_from, permit_type.validity_months),
            content_type_id=self.plan.application_type.pk,
            object_id=str(row["id"]),
            verification_code=new_verification_code(),
        )
        certificate.key_id, certificate.signature = sign(certificate.canonical_content())
        values = {f.attname: getattr(certificate, f.attname) for f in Certificate._meta.concrete_fields}
        values["application"] = row  # gets the certificate's id once the batch has reserved the ids
        self.batch.certificates.append(values)
        row.update(status=Status.ISSUED, issued_at=issued_at, updated_at=issued_at)
        if rng.random() < SURVEY_SHARE:
            answered = moment + int(3600 * _lognormal(rng, *SURVEY_HOURS))
            if answered <= self.now:
                self.batch.surveys.append(self._survey(answered))
        if rng.random() < REVOKED_SHARE:
            revoked = moment + int(86400 * rng.uniform(*REVOKED_AFTER_DAYS))
            if revoked <= self.now:
                reason = rng.choice(REVOKE_REASONS)
                values.update(revoked_at=_moment(revoked), revoked_by_id=head.pk, revoked_reason=reason)
                row.update(
                    status=Status.REVOKED,
                    decision_reason=reason,
                    ended_at=_moment(revoked),
                    updated_at=_moment(revoked),
                )
        return None

    def _survey(self, moment):
        rng = self.rng
        answers = {f"u{n}": rng.choices((1, 2, 3, 4), SKM_WEIGHTS)[0] for n in range(1, 10)}
        if self.row["fee_amount"] == 0 and rng.random() < 0.85:
            answers["u4"] = 4  # "Gratis"
        return {
            "application_id": self.row["id"],
            "comment": rng.choice(SKM_COMMENTS),
            "created_at": _moment(moment),
        } | (answers)


REJECT_SHARES = {"first": REJECT_FIRST_STEP_SHARE, "officer": REJECT_OFFICER_STEP_SHARE, "head": REJECT_HEAD_STEP_SHARE}


def _reject_group(index, step):
    if index == 0:
        return "first"
    return "head" if step["role"] == "head" else "officer"


def _seconds_until_near(allowed, remaining):
    """As deadlines.clock: working seconds from a clock with `remaining` left to its near point."""
    left_at_near = allowed - round(allowed * NEAR_FRACTION)
    return max(remaining - left_at_near, 0)


def _lognormal(rng, median, sigma):
    return median * math.exp(rng.gauss(0, sigma))


def _reference(rng, moment, zone):
    return f"TRF{datetime.fromtimestamp(moment, zone):%Y%m%d}{rng.randrange(10**6):06d}"


# --- Form answers -----------------------------------------------------------------------------------

_ADDRESS_FIELDS = {"alamat_usaha", "alamat_bangunan", "alamat_praktik", "alamat_gudang", "alamat_lahan", "alamat_tps"}
_ADDRESS_FIELDS |= {"lokasi_reklame", "lokasi_kegiatan"}


def _answer(spec, rng, kelurahan, centre, moment, zone):
    """A plausible answer to one form field, by its code where it is a known one, else by its type."""
    code, kind = spec["code"], spec["type"]
    family = rng.choice(FAMILY_NAMES)
    if kind == "choice":
        return rng.choice(spec["choices"])
    if kind == "date":
        day = datetime.fromtimestamp(moment, zone).date() + timedelta(days=rng.randint(7, 90))
        return day.isoformat()
    if kind == "number":
        return _number(spec, rng)
    text = {
        "nama_usaha": lambda: f"{rng.choice(BUSINESS_PREFIXES)} {rng.choice(BUSINESS_WORDS)}",
        "kbli": lambda: rng.choice(KBLI),
        "barang_dagangan": lambda: rng.choice(GOODS),
        "jenis_usaha": lambda: rng.choice(TRADES),
        "nomor_sertifikat": lambda: f"SHM {rng.randint(1, 9999):05d}/{kelurahan.name}",
        "naskah_reklame": lambda: f"{rng.choice(BILLBOARD_TEXTS)} {rng.choice(BUSINESS_WORDS)}",
        "nomor_str": lambda: f"{rng.randrange(10**15, 10**16)}",
        "tempat_praktik": lambda: rng.choice(CLINICS),
        "jadwal_praktik": lambda: rng.choice(SCHEDULES),
        "jenis_barang": lambda: rng.choice(STORED_GOODS),
        "nama_kegiatan": lambda: rng.choice(EVENTS).format(family=family),
        "rencana_pemanfaatan": lambda: rng.choice(LAND_USES),
        "koordinat": lambda: f"{centre[0] + rng.uniform(-0.02, 0.02):.5f}, {centre[1] + rng.uniform(-0.02, 0.02):.5f}",
    }.get(code)
    if text is not None:
        value = text()
    elif code in _ADDRESS_FIELDS or code.startswith("alamat") or code.startswith("lokasi"):
        value = f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, Kel. {kelurahan.name}"
    else:
        first = rng.choice(MALE_NAMES + FEMALE_NAMES)
        value = f"{spec['label']} {first} {family}"
    return value[: spec.get("max_length", 300)]


# Typical values of the known number fields: log-normal (median, spread) and how they are rounded.
_NUMBERS = {
    "modal_usaha": (25_000_000, 1.0, 500_000),
    "luas_lantai": (90, 0.6, 1),
    "jumlah_lantai": (1.3, 0.4, 1),
    "luas_reklame": (4, 0.9, 0.5),
    "jumlah_muka": (1.2, 0.4, 1),
    "lama_bulan": (4, 0.8, 1),
    "luas_gudang": (400, 1.0, 1),
    "kapasitas_gudang": (200, 1.0, 1),
    "perkiraan_peserta": (200, 1.0, 10),
    "luas_lahan": (300, 0.9, 1),
}


def _number(spec, rng):
    median, sigma, step = _NUMBERS.get(spec["code"], (10, 1.0, 1))
    value = round(_lognormal(rng, median, sigma) / step) * step
    low, high = spec.get("min"), spec.get("max")
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return int(value) if float(value).is_integer() else value
