"""Realistic e-Dokter volumes for benchmarks and demos (`manage.py generate_appointments --count N`).

What the data looks like, so benchmark figures and demo screens mean something:

- past sessions made from the city's weekly schedules, day by day, over the last D days (by default
  as many days as the city's quotas need to hold N appointments at a realistic fill); none on the
  city's holidays, none on the 2% of days a doctor is away; 0.5% cancelled by the facility (their
  patients' bookings cancelled with the reason);
- N historical appointments in them, more on Mondays than on Fridays: online bookings made a few days
  ahead (at most the 14-day booking window), three in four on JKN (BPJS card number, and a referral
  where the poli needs one) as far as the JKN quota goes, 15% for a registered family member (a child);
  walk-ins registered at the counter on the day (most without an account, some from outside the
  city); the queue played through: patients arrive before their estimated time, the doctor calls them
  in queue order, serves them for about the minutes per patient, some are recalled; 7% of the online
  bookings are no-shows (a quarter called and skipped first), 9% cancelled and 4% rescheduled before
  the cut-off (the new booking in a later session of the same poli, `rescheduled_to` pointing at it);
  reminders the day before at the reminder hour;
- every session's counters as the actions keep them: places taken per payment type and at the counter
  within the quotas, the last queue number given, the number called last; queue numbers distinct and
  consecutive per session, in the order the places were taken;
- today's and the next 14 days' sessions (made from the schedules as the daily job does) with the
  bookings a city sees `now`: nearly full today, fewer the further ahead, none beyond the booking
  window; today's sessions live at `now` (patients checked in and waiting, one called or served,
  those done, walk-ins so far). Drawn from a stream of their own, so they are the same whatever N;
- patients from the same pool of generated citizens as `generate_reports` (valid NIKs of the city,
  unusable passwords) and a child registered for one in four of them, never the same person twice in
  one poli on one day, so the one-active-booking-per-person-per-poli-per-day rule holds; booking codes
  derived from the appointment ids (distinct by construction, checked against existing codes).

Running it again adds N older appointments: the new history ends the day before the oldest past session
of the city, and the live window is left alone where it already has bookings. Generated history is bulk
data: rows go straight into the tables in batches (COPY on PostgreSQL, multi-row INSERT elsewhere),
without audit events or notifications.
"""

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from clinics.actions import materialize_sessions
from clinics.models import (
    ACTIVE_STATUSES,
    CODE_ALPHABET,
    CODE_LENGTH,
    Appointment,
    Facility,
    FamilyMember,
    PaymentType,
    Relation,
    Session,
    SessionStatus,
    Status,
    WeeklySchedule,
    new_booking_code,
)
from core.bulk import TableWriter, batch_writer, reserve_ids
from reports.generator import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, citizen_nik, citizen_pool

BATCH_SIZE = 5000
# Patients: one generated citizen per ten appointments (people come back), 50 to 50,000.
APPOINTMENTS_PER_CITIZEN = 10
MIN_CITIZENS = 1000  # well above the most patients one poli sees in a day
MAX_CITIZENS = 50_000
CHILD_EVERY = 4  # every 4th citizen of the pool has a child registered as a family member
WALK_IN_PEOPLE = 20_000  # people without an account who come to the counter (NIKs of the regency next door)
WALK_IN_REGION = "1205"  # Kabupaten Langkat
WALK_IN_WITH_ACCOUNT_SHARE = 0.3

# A past session, on average: this share of its online quota taken, this share of the counter quota.
ONLINE_FILL = 0.86
WALK_IN_FILL = 0.6
ENDED_SHARE = 0.13  # online bookings cancelled (9%) or rescheduled (4%) by the patient
RESCHEDULED_SHARE = 0.3  # of those
MAX_ENDED_SHARE = 0.22  # a session's online rows never more than this share ended
NO_SHOW_SHARE = 0.07  # of the places kept
SKIPPED_FIRST_SHARE = 0.25  # of the no-shows: checked in, called, not there, never back
WALK_IN_NO_SHOW_SHARE = 0.03
RECALL_SHARE = 0.06
JKN_SHARE = 0.75  # of the demand; the JKN quota caps it
LEAVE_SHARE = 0.02  # a doctor away on a day
SESSION_CANCELLED_SHARE = 0.005
WEEKDAY_FACTORS = (1.12, 1.05, 1.0, 0.97, 0.9, 0.85, 0.8)
RESCHEDULE_WITHIN_DAYS = 7

# Times, in minutes unless said otherwise: log-normal (median, spread).
BOOKING_LEAD_HOURS = (60, 0.9)
EARLY_ARRIVAL = (35, 0.6)
DOCTOR_LATE = (0, 15)  # uniform
SERVICE_FACTOR = (1.0, 0.35)  # × minutes per patient
# The live window: the share of the online quota booked, by days ahead (today = 0); none past the window.
LIVE_FILL_TODAY = 0.92
LIVE_FILL_DECAY_DAYS = 6
LIVE_CANCELLED_SHARE = 0.06

SESSION_CANCEL_REASONS = (
    "Dokter bertugas ke luar kota.",
    "Dokter berhalangan karena sakit.",
    "Dokter menghadiri pelatihan.",
)
CANCEL_REASONS = ("", "", "", "Berhalangan hadir.", "Sudah sembuh.", "Ada keperluan keluarga.")
CHILD_NAMES_FEMALE = ("Nadia", "Aisyah", "Putri", "Zahra", "Salsabila", "Keisha", "Naura", "Alya")
CHILD_NAMES_MALE = ("Rizky", "Fadli", "Arka", "Bima", "Raffa", "Daffa", "Farhan", "Hafiz")
CODE_MULTIPLIER = 2_654_435_761  # odd and not a multiple of 31: a permutation of the code space
CODE_OFFSET = 48_271_000_003
CODE_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH


@dataclass
class GenerationResult:
    appointments: int = 0
    sessions: int = 0
    days: int = 0
    first_day: date | None = None
    live_appointments: int = 0
    live_sessions: int = 0
    family_members_created: int = 0
    citizens_created: int = 0
    citizens_reused: int = 0
    statuses: dict = field(default_factory=dict)
    seconds: float = 0.0


def generate_appointments(city, count, *, seed=None, days=None, now=None, batch_size=BATCH_SIZE, progress=None):
    """Add `count` historical appointments to `city` (and their sessions, over `days` days ending before the
    oldest past session, by default as many as the quotas need), plus the bookings of today's and the next
    14 days' sessions; returns a GenerationResult. `progress(done, count)` is called per batch."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if days is not None and days < 1:
        raise ValueError("days must be at least 1")
    started = time.monotonic()
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(seed)
    result = GenerationResult()
    schedules = _schedules(city)
    if not schedules:
        raise ValueError(f"{city.name} belum punya jadwal praktik: muat profil kotanya dulu (load_city).")
    today = timezone.localdate(now, city.zone)
    end = _history_end(city, today)
    holidays = set(city.holidays.values_list("date", flat=True))
    plan_rng = random.Random(rng.random())
    slots = _plan_slots(schedules, end, count, days, holidays, plan_rng)
    result.first_day, result.days = slots[0].day, (end - slots[0].day).days + 1
    with transaction.atomic():
        people, result.citizens_created, result.citizens_reused, result.family_members_created = _people(
            city,
            count,
            datetime.combine(slots[0].day, datetime.min.time(), tzinfo=city.zone),
            random.Random(rng.random()),
        )
    staff = _desk_staff(city)
    plan = _Plan(city, people, staff, rng)
    with batch_writer("generate_appointments-writer") as write:
        for chunk in _chunks(slots, batch_size):
            batch = write(plan.batch, chunk)
            result.sessions += len(batch.sessions)
            result.appointments += len(batch.appointments)
            for row in batch.appointments:
                result.statuses[row["status"]] = result.statuses.get(row["status"], 0) + 1
            if progress:
                progress(result.appointments, count)
    live_seed = f"{seed}-live" if seed is not None else None
    result.live_sessions, result.live_appointments = _fill_live_window(city, people, staff, now, today, live_seed)
    result.seconds = time.monotonic() - started
    return result


# --- The schedules, the days, the sessions ------------------------------------------------------------


@dataclass
class _Schedule:
    id: int
    clinic_id: int
    practitioner_id: int
    facility_id: int
    referral_required: bool
    weekday: int
    start: object
    end: object
    quota_jkn: int
    quota_general: int
    quota_walk_in: int
    minutes_per_patient: int

    @classmethod
    def of(cls, row, *, id, weekday):
        """The poli, doctor, times and quotas of `row`: a weekly schedule, or a session made from one."""
        return cls(
            id=id,
            clinic_id=row.clinic_id,
            practitioner_id=row.practitioner_id,
            facility_id=row.clinic.facility_id,
            referral_required=row.clinic.referral_required,
            weekday=weekday,
            start=row.start,
            end=row.end,
            quota_jkn=row.quota_jkn,
            quota_general=row.quota_general,
            quota_walk_in=row.quota_walk_in,
            minutes_per_patient=row.minutes_per_patient,
        )

    @property
    def online_quota(self):
        return self.quota_jkn + self.quota_general

    @property
    def expected_rows(self):
        """Appointments a session of this schedule gets on an average day."""
        return self.online_quota * ONLINE_FILL / (1 - ENDED_SHARE) + self.quota_walk_in * WALK_IN_FILL

    @property
    def most_rows(self):
        return int(self.online_quota / (1 - MAX_ENDED_SHARE)) + self.quota_walk_in


@dataclass
class _Slot:
    """A session to make (history) or to fill (the live window), and how many appointments it gets."""

    schedule: _Schedule
    day: date
    rows: int = 0
    cancelled: bool = False
    weight: float = 0.0


def _schedules(city):
    return [
        _Schedule.of(s, id=s.pk, weekday=s.weekday)
        for s in WeeklySchedule.objects.filter(
            active=True,
            practitioner__active=True,
            clinic__active=True,
            clinic__facility__active=True,
            clinic__facility__city=city,
        )
        .select_related("clinic")
        .order_by("clinic_id", "weekday", "start", "practitioner_id")
    ]


def _history_end(city, today):
    """The last day of the new history: yesterday, or the day before the city's oldest past session."""
    oldest = (
        Session.objects.filter(clinic__facility__city=city, date__lt=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return (oldest or today) - timedelta(days=1)


def _plan_slots(schedules, end, count, days, holidays, rng):
    """The history's sessions, oldest first, each with its number of appointments (together `count`)."""
    by_weekday = defaultdict(list)
    for schedule in schedules:
        by_weekday[schedule.weekday].append(schedule)
    slots, expected, most = [], 0.0, 0
    day = end
    while (days is None and expected < count) or (days is not None and (end - day).days < days):
        if day.year < 1990:
            raise ValueError(f"Jadwal praktik kota ini tidak cukup untuk {count} pendaftaran.")
        if day not in holidays:
            away = set()
            for schedule in by_weekday[day.weekday()]:
                if schedule.practitioner_id in away:
                    continue
                if rng.random() < LEAVE_SHARE:
                    away.add(schedule.practitioner_id)
                    continue
                slot = _Slot(schedule, day, cancelled=rng.random() < SESSION_CANCELLED_SHARE)
                slot.weight = schedule.expected_rows * WEEKDAY_FACTORS[day.weekday()] * rng.uniform(0.8, 1.15)
                slots.append(slot)
                expected += schedule.expected_rows
                most += schedule.most_rows
        day -= timedelta(days=1)
    if most < count:
        needed = math.ceil(days * count / most) if most else "lebih banyak"
        raise ValueError(
            f"{days} hari jadwal praktik hanya memuat {most} pendaftaran; untuk {count} perlu sekitar {needed} hari."
        )
    slots.reverse()
    _allocate(slots, count, rng)
    return slots


def _allocate(slots, count, rng):
    """Share `count` appointments among the slots by weight, none beyond what a session can hold."""
    total = sum(slot.weight for slot in slots)
    for slot in slots:
        slot.rows = min(slot.schedule.most_rows, int(count * slot.weight / total))
    left = count - sum(slot.rows for slot in slots)
    order = list(range(len(slots)))
    while left > 0:
        rng.shuffle(order)
        for index in order:
            slot = slots[index]
            if slot.rows < slot.schedule.most_rows:
                slot.rows += 1
                left -= 1
                if not left:
                    break


def _chunks(slots, size):
    """Slots in batches of whole days, about `size` appointments each."""
    chunk, rows = [], 0
    for index, slot in enumerate(slots):
        chunk.append(slot)
        rows += slot.rows
        last_of_day = index + 1 == len(slots) or slots[index + 1].day != slot.day
        if last_of_day and rows >= size:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


# --- Patients ---------------------------------------------------------------------------------------------


@dataclass
class _People:
    """Who books: citizens of the pool (self) and their children; who walks in without an account."""

    niks: list
    names: list
    users: list  # the account that books (a child's parent)
    members: list  # the family member's id, or None
    bpjs: list
    walk_in_prefix: str

    def __len__(self):
        return len(self.niks)

    def walk_in(self, index):
        """(NIK, name) of the `index`-th person without an account, from the regency next door."""
        born = date(1950, 1, 1) + timedelta(days=index % 25_000)
        female = index % 2 == 1
        day = born.day + (40 if female else 0)
        nik = f"{self.walk_in_prefix}{1 + index % 20:02d}{day:02d}{born:%m%y}{9999 - index // 25_000:04d}"
        first = (FEMALE_NAMES if female else MALE_NAMES)[index % len(FEMALE_NAMES if female else MALE_NAMES)]
        return nik, f"{first} {FAMILY_NAMES[(index // 7) % len(FAMILY_NAMES)]}"


def _people(city, count, joined_from, rng):
    """The pool of patients; returns (people, citizens created, reused, family members created)."""
    size = max(MIN_CITIZENS, min(count // APPOINTMENTS_PER_CITIZEN, MAX_CITIZENS))
    ids, created = citizen_pool(city, size, joined_from, rng)
    kecamatan_count = city.kecamatan.count()
    niks = [citizen_nik(city, index, kecamatan_count) for index in range(size)]
    names = {}
    for start in range(0, size, BATCH_SIZE):
        names.update(User.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).values_list("pk", "full_name"))
    people = _People(
        niks=list(niks),
        names=[names[pk] for pk in ids],
        users=list(ids),
        members=[None] * size,
        bpjs=[f"0001{index:09d}" for index in range(size)],
        walk_in_prefix=WALK_IN_REGION,
    )
    children = [
        (parent, _child(city, number, niks[parent], names[ids[parent]], kecamatan_count))
        for number, parent in enumerate(range(0, size, CHILD_EVERY))
    ]
    existing = {}
    for start in range(0, len(children), BATCH_SIZE):
        chunk = children[start : start + BATCH_SIZE]
        existing.update(
            ((owner, nik), pk)
            for owner, nik, pk in FamilyMember.objects.filter(
                owner_id__in=[ids[parent] for parent, _ in chunk], nik__in=[child["nik"] for _, child in chunk]
            ).values_list("owner_id", "nik", "pk")
        )
    missing = [
        FamilyMember(owner_id=ids[parent], relation=Relation.CHILD, created_at=joined_from, **child)
        for parent, child in children
        if (ids[parent], child["nik"]) not in existing
    ]
    FamilyMember.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    for member in missing:
        existing[(member.owner_id, member.nik)] = member.pk
    for parent, child in children:
        people.niks.append(child["nik"])
        people.names.append(child["name"])
        people.users.append(ids[parent])
        people.members.append(existing[(ids[parent], child["nik"])])
        people.bpjs.append(f"0002{len(people.bpjs):09d}")
    return people, created, size - created, len(missing)


def _child(city, number, parent_nik, parent_name, kecamatan_count):
    """The `number`-th generated child: a valid NIK of the city (born 2005–2021), a name with the family's."""
    born = date(2005, 1, 1) + timedelta(days=number % 6000)
    female = number % 2 == 1
    day = born.day + (40 if female else 0)
    nik = f"{city.nik_prefix}{parent_nik[4:6]}{day:02d}{born:%m%y}{9999 - number // 6000:04d}"
    first = (CHILD_NAMES_FEMALE if female else CHILD_NAMES_MALE)[number // 2 % 8]
    family = parent_name.split()[-1] if parent_name.split() else FAMILY_NAMES[number % len(FAMILY_NAMES)]
    return {"nik": nik, "name": f"{first} {family}", "birth_date": born}


def _desk_staff(city):
    """{facility id: a hospital_staff officer of its OPD, or None}: who registers walk-ins."""
    staff = {}
    for facility in Facility.objects.filter(city=city):
        officer = (
            User.objects.filter(
                opd_id=facility.opd_id, role=Role.HOSPITAL_STAFF, kind=User.Kind.OFFICER, is_active=True
            )
            .order_by("id")
            .values_list("pk", flat=True)
            .first()
            if facility.opd_id
            else None
        )
        staff[facility.pk] = officer
    return staff


# --- One session's appointments ----------------------------------------------------------------------------


def booking_code(appointment_id):
    """The booking code of a generated appointment: a permutation of its id, so distinct for distinct ids."""
    value = (appointment_id * CODE_MULTIPLIER + CODE_OFFSET) % CODE_SPACE
    letters = []
    for _ in range(CODE_LENGTH):
        value, digit = divmod(value, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "".join(letters)


def _stamp(moment):
    return int(moment.timestamp())


def _moment(stamp):
    return datetime.fromtimestamp(stamp, UTC) if stamp is not None else None


def _lognormal(rng, median, sigma):
    return median * math.exp(rng.gauss(0, sigma))


@dataclass
class _Batch:
    sessions: list = field(default_factory=list)
    appointments: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (rescheduled row, its new booking's row)

    def assign_ids(self):
        for row, pk in zip(self.sessions, reserve_ids(Session, len(self.sessions)), strict=True):
            row["id"] = pk
        for row, pk in zip(self.appointments, reserve_ids(Appointment, len(self.appointments)), strict=True):
            row["id"] = pk
            row["session_id"] = row.pop("_session")["id"]
            row["booking_code"] = booking_code(pk)
        for old, new in self.links:
            old["rescheduled_to_id"] = new["id"]
        _avoid_taken_codes(self.appointments)

    def write(self):
        TableWriter(Session, with_pk=True).write(self.sessions)
        TableWriter(Appointment, with_pk=True).write(self.appointments)


def _avoid_taken_codes(rows):
    """A generated code that a booking made on the site already has (rare: those are random) gets a random one."""
    by_code = {row["booking_code"]: row for row in rows}
    while taken := set(
        Appointment.objects.filter(booking_code__in=list(by_code)).values_list("booking_code", flat=True)
    ):
        retry = {}
        for code in taken:
            row = by_code[code]
            row["booking_code"] = new_booking_code()
            retry[row["booking_code"]] = row
        by_code = retry


class _Plan:
    """Plays each session's bookings and queue forward."""

    def __init__(self, city, people, staff, rng):
        self.city, self.people, self.staff, self.rng = city, people, staff, rng
        # Who the patients are comes from a stream of its own: the pool's size does not change the rest.
        self.pick = random.Random(rng.random())
        self.zone = city.zone
        self.reminder_hour = settings.CLINIC_REMINDER_HOUR
        self.cutoff = settings.CLINIC_CANCEL_CUTOFF_HOURS * 3600
        self.window = settings.CLINIC_BOOKING_DAYS_AHEAD
        self.midnights = {}

    def batch(self, slots):
        """The sessions and appointments of whole days of history (rescheduled bookings land in the same batch),
        with their ids."""
        rng = self.rng
        batch = _Batch()
        used = defaultdict(set)
        later = defaultdict(list)  # clinic id -> its slots in this batch, in order
        for index, slot in enumerate(slots):
            later[slot.schedule.clinic_id].append(index)
        incoming = defaultdict(list)
        for index, slot in enumerate(slots):
            schedule = slot.schedule
            session = self._session_row(slot)
            batch.sessions.append(session)
            taken = used[(schedule.clinic_id, slot.day)]
            if slot.cancelled:
                rows = self._cancelled_session(session, slot, taken)
                for source, _, _ in incoming.pop(index, []):
                    _cancel_instead(source)
            else:
                targets = [
                    i
                    for i in later[schedule.clinic_id]
                    if i > index
                    and not slots[i].cancelled
                    and 0 < (slots[i].day - slot.day).days <= RESCHEDULE_WITHIN_DAYS
                ]
                rows, moved = self._session(session, slot, taken, incoming.pop(index, []), bool(targets), batch)
                for row, person in moved:
                    incoming[rng.choice(targets)].append((row, person, row["payment_type"]))
            batch.appointments.extend(rows)
        batch.assign_ids()
        return batch

    # --- rows

    def _session_row(self, slot):
        schedule = slot.schedule
        starts = datetime.combine(slot.day, schedule.start, tzinfo=self.zone)
        ends = datetime.combine(slot.day, schedule.end, tzinfo=self.zone)
        return {
            "clinic_id": schedule.clinic_id,
            "practitioner_id": schedule.practitioner_id,
            "schedule_id": schedule.id,
            "date": slot.day,
            "start": schedule.start,
            "end": schedule.end,
            "starts_at": starts,
            "ends_at": ends,
            "quota_jkn": schedule.quota_jkn,
            "quota_general": schedule.quota_general,
            "quota_walk_in": schedule.quota_walk_in,
            "minutes_per_patient": schedule.minutes_per_patient,
            "status": SessionStatus.OPEN,
        }

    def _person(self, taken):
        """A person of the pool not yet in this poli on this day."""
        people = self.people
        while True:
            index = self.pick.randrange(len(people))
            if people.niks[index] not in taken:
                taken.add(people.niks[index])
                return index

    def _online_row(self, session, slot, person, payment, rng):
        people, schedule = self.people, slot.schedule
        jkn = payment == PaymentType.JKN
        return {
            "_session": session,
            "clinic_id": schedule.clinic_id,
            "date": slot.day,
            "patient_id": people.users[person],
            "family_member_id": people.members[person],
            "patient_nik": people.niks[person],
            "patient_name": people.names[person],
            "payment_type": payment,
            "bpjs_number": people.bpjs[person] if jkn else "",
            "referral_number": _referral(slot.day, rng) if jkn and schedule.referral_required else "",
            "walk_in": False,
        }

    def _walk_in_row(self, session, slot, taken, rng):
        people, schedule = self.people, slot.schedule
        if rng.random() < WALK_IN_WITH_ACCOUNT_SHARE:
            person = self._person(taken)
            nik, name, account = people.niks[person], people.names[person], people.users[person]
            bpjs = people.bpjs[person]
        else:
            while True:
                index = self.pick.randrange(WALK_IN_PEOPLE)
                nik, name = people.walk_in(index)
                if nik not in taken:
                    taken.add(nik)
                    break
            account, bpjs = None, f"0003{index:09d}"
        jkn = rng.random() < 0.6
        return {
            "_session": session,
            "clinic_id": schedule.clinic_id,
            "date": slot.day,
            "patient_id": account,
            "patient_nik": nik,
            "patient_name": name,
            "payment_type": PaymentType.JKN if jkn else PaymentType.GENERAL,
            "bpjs_number": bpjs if jkn else "",
            "referral_number": _referral(slot.day, rng) if jkn and schedule.referral_required else "",
            "walk_in": True,
            "registered_by_id": self.staff.get(schedule.facility_id),
        }

    def _session(self, session, slot, taken, arrivals, may_reschedule, batch, *, now=None, live_rows=None):
        """The appointments of one session that runs (history or live); returns (rows, rescheduled rows to place)."""
        rng, schedule = self.rng, slot.schedule
        starts, ends = _stamp(session["starts_at"]), _stamp(session["ends_at"])
        if live_rows is None:
            walk_ins = min(
                schedule.quota_walk_in,
                round(slot.rows * schedule.quota_walk_in * WALK_IN_FILL / (schedule.expected_rows or 1)),
            )
            online = slot.rows - walk_ins
            kept = min(schedule.online_quota, online - sum(rng.random() < ENDED_SHARE for _ in range(online)))
            ended = online - kept
        else:
            kept, ended, walk_ins = live_rows
        jkn = min(schedule.quota_jkn, round(kept * rng.uniform(JKN_SHARE - 0.1, JKN_SHARE + 0.1)))
        jkn = max(jkn, kept - schedule.quota_general)
        places = {PaymentType.JKN: jkn, PaymentType.GENERAL: kept - jkn}
        rows, moved = [], []
        # Bookings moved here from an earlier session of the poli take their places first.
        for source, person, payment in arrivals:
            moved_at = self._moved_at(source, starts, rng)
            if places[payment] < 1 or self.people.niks[person] in taken or moved_at is None:
                _cancel_instead(source)
                continue
            taken.add(self.people.niks[person])
            places[payment] -= 1
            row = self._online_row(session, slot, person, payment, rng)
            row["referral_number"] = source["referral_number"]
            row["_taken"] = moved_at
            row["_fate"] = self._kept_fate(rng)
            rows.append(row)
            batch.links.append((source, row))
        for payment, number in places.items():
            for _ in range(number):
                row = self._online_row(session, slot, self._person(taken), payment, rng)
                row["_taken"] = self._booked_at(starts, rng, now)
                row["_fate"] = self._kept_fate(rng)
                rows.append(row)
        for _ in range(ended):
            payment = PaymentType.JKN if rng.random() < JKN_SHARE else PaymentType.GENERAL
            person = self._person(taken)
            row = self._online_row(session, slot, person, payment, rng)
            booked = self._booked_at(starts - 86_400, rng, now, longest=self.window - 2)
            row["_taken"] = booked
            last = starts - self.cutoff if now is None else min(starts - self.cutoff, now)
            row["cancelled_at"] = booked + int(max(last - booked, 60) * rng.random())
            if now is None and may_reschedule and rng.random() < RESCHEDULED_SHARE:
                row["_fate"] = Status.RESCHEDULED
                moved.append((row, person))
            else:
                row["_fate"] = Status.CANCELLED
                row["reason"] = rng.choice(CANCEL_REASONS)
            rows.append(row)
        for _ in range(walk_ins):
            row = self._walk_in_row(session, slot, taken, rng)
            latest = max(ends - 3600, starts)
            row["_taken"] = row["checked_in_at"] = rng.randint(starts - 1800, latest)
            row["_fate"] = Status.NO_SHOW if rng.random() < WALK_IN_NO_SHOW_SHARE else Status.DONE
            row["_skipped"] = True
            rows.append(row)
        if now is not None:
            rows = [row for row in rows if row["_taken"] <= now]
        self._play_queue(session, rows, starts, ends, now)
        return rows, moved

    def _moved_at(self, source, starts, rng):
        """When a booking was moved to a session starting at `starts` (it must then be in the booking window),
        or None if it cannot have been; the old booking's `cancelled_at` follows."""
        moved = _stamp(source["cancelled_at"])
        opens = starts - (self.window - 1) * 86_400
        if moved < opens:
            latest = _stamp(source["_session"]["starts_at"]) - self.cutoff
            if opens >= latest:
                return None
            moved = rng.randint(opens, latest)
            source["cancelled_at"] = source["updated_at"] = _moment(moved)
        return moved

    def _cancelled_session(self, session, slot, taken):
        """A session the facility cancelled: every booking made before was cancelled with the reason."""
        rng = self.rng
        starts = _stamp(session["starts_at"])
        cancelled = starts - rng.randint(3 * 3600, 2 * 86_400)
        reason = rng.choice(SESSION_CANCEL_REASONS)
        session.update(status=SessionStatus.CANCELLED, cancel_reason=reason, last_queue_number=slot.rows)
        rows = []
        for _ in range(slot.rows):
            payment = PaymentType.JKN if rng.random() < JKN_SHARE else PaymentType.GENERAL
            row = self._online_row(session, slot, self._person(taken), payment, rng)
            row["_taken"] = min(self._booked_at(starts, rng, None), cancelled - rng.randint(60, 86_400))
            rows.append(row)
        rows.sort(key=lambda row: row["_taken"])
        for number, row in enumerate(rows, start=1):
            booked = row.pop("_taken")
            row.update(
                queue_number=number,
                estimated_at=_moment(starts + (number - 1) * slot.schedule.minutes_per_patient * 60),
                status=Status.CANCELLED,
                booked_at=_moment(booked),
                cancelled_at=_moment(cancelled),
                updated_at=_moment(cancelled),
                reason=reason,
            )
            reminder = max(self._reminder(slot.day), booked) + rng.randint(60, 300)
            if row["patient_id"] and reminder < min(cancelled, self._midnight(slot.day)):
                row["reminded_at"] = _moment(reminder)
        return rows

    def _kept_fate(self, rng):
        if rng.random() < NO_SHOW_SHARE:
            return Status.NO_SHOW
        return Status.DONE

    def _booked_at(self, starts, rng, now, longest=None):
        """When a place in a session starting at `starts` was booked: a few days ahead (at most `longest`, by
        default inside the booking window)."""
        longest = self.window - 1 if longest is None else longest
        lead = min(_lognormal(rng, *BOOKING_LEAD_HOURS) * 3600, longest * 86_400 - 3600)
        booked = starts - int(max(lead, 600))
        if now is not None and booked > now:
            # The live window: booked already; the closer to now, the likelier.
            earliest = max(starts - (self.window - 1) * 86_400, now - 14 * 86_400)
            booked = now - int((now - earliest) * rng.random() ** 2)
        return booked

    def _midnight(self, day):
        if day not in self.midnights:
            self.midnights[day] = _stamp(datetime(day.year, day.month, day.day, tzinfo=self.zone))
        return self.midnights[day]

    def _reminder(self, day):
        """When the reminder job starts on the day before `day`."""
        return self._midnight(day) - 86_400 + self.reminder_hour * 3600

    def _play_queue(self, session, rows, starts, ends, now):
        """Number the places in the order they were taken, play the queue, and set each row's status at `now`."""
        rng = self.rng
        minutes = session["minutes_per_patient"]
        rows.sort(key=lambda row: row["_taken"])
        for number, row in enumerate(rows, start=1):
            row["queue_number"] = number
            estimated = starts + (number - 1) * minutes * 60
            if row["walk_in"]:
                estimated = max(estimated, row["checked_in_at"])
            row["_estimated"] = estimated
            fate = row["_fate"]
            if not row["walk_in"] and fate in (Status.DONE, Status.NO_SHOW):
                skipped = fate == Status.NO_SHOW and rng.random() < SKIPPED_FIRST_SHARE
                row["_skipped"] = skipped
                if fate == Status.DONE or skipped:
                    early = int(_lognormal(rng, *EARLY_ARRIVAL) * 60)
                    row["checked_in_at"] = max(estimated - early, starts - 5400, row["_taken"] + 60)
        clock = starts + rng.randint(DOCTOR_LATE[0] * 60, DOCTOR_LATE[1] * 60)
        for row in rows:
            fate = row["_fate"]
            if fate in (Status.CANCELLED, Status.RESCHEDULED):
                continue
            if fate == Status.NO_SHOW:
                row["no_show_at"] = ends + rng.randint(60, 600)
                if not row.get("_skipped"):
                    continue
            called = max(clock, row["checked_in_at"] + 60)
            row["called_at"] = called
            row["call_count"] = 1
            if fate == Status.NO_SHOW:
                clock = called + 120
                continue
            if rng.random() < RECALL_SHARE:
                row["call_count"] = 2
                called += 120
            row["served_at"] = called + rng.randint(30, 180)
            row["done_at"] = row["served_at"] + int(minutes * 60 * _lognormal(rng, *SERVICE_FACTOR))
            clock = row["done_at"]
        booked = {PaymentType.JKN: 0, PaymentType.GENERAL: 0}
        walk_ins, serving = 0, None
        for row in rows:
            status = self._status_at(row, now)
            self._finish_row(row, status, now)
            if status in (Status.CANCELLED, Status.RESCHEDULED):
                continue
            if row["walk_in"]:
                walk_ins += 1
            else:
                booked[row["payment_type"]] += 1
            if row["called_at"] is not None and (serving is None or row["called_at"] >= serving[0]):
                serving = (row["called_at"], row["queue_number"])
        session.update(
            booked_jkn=booked[PaymentType.JKN],
            booked_general=booked[PaymentType.GENERAL],
            walk_ins=walk_ins,
            last_queue_number=len(rows),
            now_serving=serving[1] if serving else 0,
        )

    @staticmethod
    def _status_at(row, now):
        """Where the row's story stands at `now` (None: at its end)."""

        def by(key):
            value = row.get(key)
            return value is not None and (now is None or value <= now)

        fate = row["_fate"]
        if fate in (Status.CANCELLED, Status.RESCHEDULED):
            return fate if by("cancelled_at") else Status.BOOKED
        if by("no_show_at"):
            return Status.NO_SHOW
        if by("done_at"):
            return Status.DONE
        if by("served_at"):
            return Status.SERVED
        if by("called_at"):
            return (
                Status.SKIPPED
                if fate == Status.NO_SHOW and (now is None or now >= row["called_at"] + 60)
                else Status.CALLED
            )
        if by("checked_in_at"):
            return Status.CHECKED_IN
        return Status.BOOKED

    def _finish_row(self, row, status, now):
        """Keep the timestamps of the steps taken by `now`, as datetimes; set status, reminder, updated_at."""
        rng = self.rng
        stamps = {}
        for key in ("checked_in_at", "called_at", "served_at", "done_at", "cancelled_at", "no_show_at"):
            value = row.pop(key, None)
            stamps[key] = value if value is not None and (now is None or value <= now) else None
        booked = row.pop("_taken")
        estimated = row.pop("_estimated")
        row.pop("_fate")
        row.pop("_skipped", None)
        if stamps["called_at"] is None:
            row["call_count"] = 0
        else:
            row.setdefault("call_count", 1)
        # The reminder job runs every few minutes from the reminder hour the day before, for what is still booked.
        reminder = max(self._reminder(row["date"]), booked) + rng.randint(60, 300)
        end_of_booking = stamps["cancelled_at"] or stamps["checked_in_at"] or math.inf
        reminded = reminder < min(self._midnight(row["date"]), end_of_booking) and (now is None or reminder <= now)
        if row["patient_id"] and not row["walk_in"] and reminded:
            stamps["reminded_at"] = reminder
        row["status"] = status
        row["booked_at"] = _moment(booked)
        row["estimated_at"] = _moment(estimated)
        row["updated_at"] = _moment(max([booked, *(value for value in stamps.values() if value is not None)]))
        for key, value in stamps.items():
            row[key] = _moment(value)


def _cancel_instead(row):
    """A rescheduled booking whose new place could not be made: it was cancelled instead."""
    row["status"] = Status.CANCELLED
    row.pop("rescheduled_to_id", None)


def _referral(day, rng):
    return f"0301R001{day:%m%y}B{rng.randrange(1_000_000):06d}"


# --- Today and the coming days ---------------------------------------------------------------------------


def _fill_live_window(city, people, staff, now, today, seed):
    """Bookings for the sessions of today and the next 14 days that have none yet, as the city has them at
    `now`; the sessions are made from the schedules first (as the daily job does). Returns (sessions, rows)."""
    window = settings.CLINIC_BOOKING_DAYS_AHEAD
    last = today + timedelta(days=window)
    materialize_sessions(city, today, window + 1)
    sessions = list(
        Session.objects.filter(
            clinic__facility__city=city, date__range=(today, last), status=SessionStatus.OPEN, last_queue_number=0
        )
        .select_related("clinic")
        .order_by("date", "start", "clinic_id", "id")
    )
    taken = defaultdict(set)
    for clinic_id, day, nik in Appointment.objects.filter(
        clinic__facility__city=city, date__range=(today, last), status__in=sorted(ACTIVE_STATUSES)
    ).values_list("clinic_id", "date", "patient_nik"):
        taken[(clinic_id, day)].add(nik)
    rng = random.Random(seed)
    plan = _Plan(city, people, staff, random.Random(rng.random()))
    stamp = _stamp(now)
    batch = _Batch()
    for session in sessions:
        ahead = (session.date - today).days
        schedule = _Schedule.of(session, id=session.schedule_id, weekday=session.date.weekday())
        fill = LIVE_FILL_TODAY * math.exp(-ahead / LIVE_FILL_DECAY_DAYS) if ahead < window else 0.0
        kept = min(schedule.online_quota, round(schedule.online_quota * fill * rng.uniform(0.85, 1.1)))
        ended = sum(rng.random() < LIVE_CANCELLED_SHARE for _ in range(kept))
        walk_ins = min(schedule.quota_walk_in, round(schedule.quota_walk_in * WALK_IN_FILL * rng.uniform(0.8, 1.2)))
        row = {"id": session.pk, "starts_at": session.starts_at, "ends_at": session.ends_at}
        row["minutes_per_patient"] = session.minutes_per_patient
        rows, _ = plan._session(
            row,
            _Slot(schedule, session.date),
            taken[(session.clinic_id, session.date)],
            [],
            False,
            batch,
            now=stamp,
            live_rows=(kept, ended, walk_ins if ahead == 0 else 0),
        )
        for name in ("booked_jkn", "booked_general", "walk_ins", "last_queue_number", "now_serving"):
            setattr(session, name, row[name])
        batch.appointments.extend(rows)
    with transaction.atomic():
        batch.assign_ids()
        batch.write()
        Session.objects.bulk_update(
            sessions, ["booked_jkn", "booked_general", "walk_ins", "last_queue_number", "now_serving"], batch_size=500
        )
    return len(sessions), len(batch.appointments)
