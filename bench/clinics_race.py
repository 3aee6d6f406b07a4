"""Booking under contention: 60 patients pressing "Daftar" at the same moment through
clinics.actions.do_book on PostgreSQL, racing for the last places of three sessions, never overbook a
session and never give a queue number twice.

The setup: a fresh PostgreSQL database of its own (migrate, load_city binjai, the coming sessions made
from the weekly schedules), one citizen per racer (created in bulk, valid NIKs of the city), and three of
tomorrow's sessions of different poli at RSUD Dr. R.M. Djoelham, each with --places general places left
after a few bookings made one by one (the warm-up). Then one thread per racer, each with its own
PostgreSQL connection, waits at a barrier and, the moment all are released, books its session; refused
because it is full, it tries the next of the three, until it has a place or all are full. Real parallel
transactions, all queuing on the locks of three session rows.

    .venv/bin/python bench/clinics_race.py [--concurrent 60] [--places 10]

KC_BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
Prints bookings per second and exits 1 on any violation: a session holding more than its quota, counters
that differ from the bookings they count, queue numbers not distinct and consecutive, a racer booked
twice, a booking refused for anything but a full session, or fewer bookings than places.
"""

import argparse
import sys
from collections import Counter
from datetime import timedelta
from functools import partial

from _support import (
    BASE_DIR,
    create_citizens,
    latency_cells,
    print_table,
    release_together,
    setup_site_here,
    throwaway_database_site,
)

sys.path.insert(0, str(BASE_DIR))

CITY = "binjai"
DATABASE = "kc_bench_clinics_race"
FACILITY = "rsud-djoelham"
CLINICS = ("anak", "penyakit-dalam", "mata")
WARMUP = 5  # bookings per session before the race
FULL = "sudah penuh"


def prepare(env, racers, places):
    """`racers` citizens and the sessions they race for; returns (citizens, warm-up citizens, sessions)."""
    setup_site_here(env, CITY)
    from django.utils import timezone

    from cities.models import current_city
    from clinics import actions
    from clinics.models import Session

    city = current_city()
    today = timezone.localdate(timezone.now(), city.zone)
    actions.materialize_sessions(city, today, 3)
    citizens = create_citizens(racers + WARMUP * len(CLINICS), "Pasien Uji")
    sessions = []
    for code in CLINICS:
        session = (
            Session.objects.filter(
                clinic__facility__city=city,
                clinic__facility__code=FACILITY,
                clinic__code=code,
                date=today + timedelta(days=1),
            )
            .order_by("start")
            .first()
        )
        if session is None:  # no practice tomorrow (a holiday): the day after
            session = (
                Session.objects.filter(clinic__facility__code=FACILITY, clinic__code=code, date__gt=today)
                .order_by("date", "start")
                .first()
            )
        # WARMUP bookings before the race, then `places` general places left.
        Session.objects.filter(pk=session.pk).update(quota_general=WARMUP + places)
        sessions.append(Session.objects.select_related("clinic__facility__city").get(pk=session.pk))
    return citizens[:racers], citizens[racers:], sessions


def race(citizens, sessions):
    """Every racer books at once, one thread and connection each; (seconds, [(appointment or None, latency,
    attempts, error)])."""
    seconds, outcomes = release_together(
        [partial(book, index, citizen, sessions) for index, citizen in enumerate(citizens)]
    )
    racers = []
    for result, latency, error in outcomes:
        appointment, attempts, refused = result or (None, 0, None)
        racers.append((appointment, latency, attempts, refused or error))
    return seconds, racers


def book(index, citizen, sessions):
    """Racer `index` books the first of the sessions (starting at its own) that is not full;
    (appointment or None, attempts, error or None)."""
    from django.core.exceptions import ValidationError

    from clinics import actions
    from clinics.models import PaymentType

    attempts = 0
    for offset in range(len(sessions)):
        session = sessions[(index + offset) % len(sessions)]
        attempts += 1
        try:
            return actions.do_book(citizen, session, payment_type=PaymentType.GENERAL), attempts, None
        except ValidationError as exc:
            message = " ".join(exc.messages)
            if FULL not in message:
                return None, attempts, f"ditolak bukan karena penuh: {message}"
        except Exception as exc:  # reported below: any failure fails the benchmark
            return None, attempts, f"{type(exc).__name__}: {exc}"
    return None, attempts, None


def check(outcomes, sessions, places):
    """The violations, as sentences (empty: all is well)."""
    from clinics.models import ACTIVE_STATUSES, Appointment, Session

    problems = []
    errors = [error for _, _, _, error in outcomes if error]
    if errors:
        problems.append(f"{len(errors)} pendaftaran gagal dengan galat, mis. {errors[0]}")
    booked = [appointment for appointment, _, _, _ in outcomes if appointment]
    if len(booked) != places * len(sessions):
        problems.append(f"{len(booked)} pendaftaran berhasil untuk {places * len(sessions)} tempat")
    twice = [patient for patient, n in Counter(a.patient_id for a in booked).items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} pasien mendapat lebih dari satu tempat")
    for session in Session.objects.filter(pk__in=[s.pk for s in sessions]).select_related("clinic"):
        rows = list(Appointment.objects.filter(session=session))
        held = [a for a in rows if a.status in ACTIVE_STATUSES]
        if session.booked_general > session.quota_general or len(held) > session.quota_general:
            problems.append(f"{session.clinic.name}: {len(held)} pendaftaran untuk kuota {session.quota_general}")
        if session.booked_general != len(held):
            problems.append(f"{session.clinic.name}: penghitung {session.booked_general}, pendaftaran {len(held)}")
        numbers = sorted(a.queue_number for a in rows)
        if numbers != list(range(1, session.last_queue_number + 1)):
            problems.append(f"{session.clinic.name}: nomor antrean tidak berbeda dan berurutan: {numbers}")
        stored = {a.pk for a in rows}
        mine = [a for a in booked if a.session_id == session.pk]
        if not {a.pk for a in mine} <= stored or len({a.queue_number for a in mine}) != len(mine):
            problems.append(f"{session.clinic.name}: nomor yang diterima pemenang tidak cocok dengan yang tersimpan")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=60, help="pasien yang mendaftar bersamaan")
    parser.add_argument("--places", type=int, default=10, help="tempat tersisa per sesi (tiga sesi)")
    args = parser.parse_args()
    if args.places < 1 or args.concurrent < 2:
        parser.error("--places paling sedikit 1 dan --concurrent paling sedikit 2")
    if args.concurrent < args.places * len(CLINICS):
        parser.error(f"--concurrent paling sedikit {args.places * len(CLINICS)}: lebih banyak pasien daripada tempat")
    with throwaway_database_site(DATABASE, CITY) as env:
        return run(args, env)


def run(args, env):
    citizens, warmup, sessions = prepare(env, args.concurrent, args.places)
    from clinics import actions
    from clinics.models import PaymentType

    for index, citizen in enumerate(warmup):
        actions.do_book(citizen, sessions[index % len(sessions)], payment_type=PaymentType.GENERAL)
    seconds, outcomes = race(citizens, sessions)
    problems = check(outcomes, sessions, args.places)
    booked = [(appointment, latency) for appointment, latency, _, _ in outcomes if appointment]
    latencies = sorted(latency * 1000 for _, latency in booked)
    attempts = sum(tried for _, _, tried, _ in outcomes)
    print(
        f"Pendaftaran bersamaan lewat clinics.actions.do_book: {args.concurrent} thread, masing-masing dengan koneksi "
        f"PostgreSQL sendiri, dilepas bersamaan untuk {args.places} tempat terakhir di tiap sesi dari "
        f"{len(sessions)} sesi (setelah {len(sessions) * WARMUP} pendaftaran pemanasan); yang ditolak karena penuh "
        "mencoba sesi berikutnya."
    )
    rows = []
    for session in sessions:
        mine = sorted(a.queue_number for a, _ in booked if a.session_id == session.pk)
        numbers = f"{mine[0]}–{mine[-1]}" if mine else "–"
        rows.append([f"{session.clinic.name} {session.date:%d-%m}", len(mine), numbers])
    print_table(["Sesi", "Berhasil", "Nomor antrean"], rows)
    print()
    print_table(
        ["Pasien", "Percobaan", "Berhasil", "Detik", "Pendaftaran/detik", "Percobaan/detik", "p50 ms", "p95 ms"],
        [
            [
                args.concurrent,
                attempts,
                len(booked),
                f"{seconds:.2f}",
                f"{len(booked) / seconds:.1f}" if seconds else "–",
                f"{attempts / seconds:.1f}" if seconds else "–",
                *latency_cells(latencies),
            ]
        ],
    )
    if problems:
        print("GAGAL: " + "; ".join(problems) + ".")
        return 1
    print(
        f"OK: {len(booked)} pendaftaran untuk {len(booked)} tempat, tanpa kelebihan kuota; nomor antrean tiap sesi "
        "berbeda dan berurutan, sesuai penghitungnya; pasien lain ditolak karena penuh."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
