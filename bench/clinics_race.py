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
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from _support import (
    BASE_DIR,
    check_server,
    create_database,
    database_url,
    drop_database,
    manage,
    print_table,
    site_environment,
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
    manage(env, "migrate", "--noinput")
    manage(env, "load_city", CITY)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from cities.models import current_city
    from clinics import actions
    from clinics.models import Session
    from reports.generator import citizen_nik

    city = current_city()
    today = timezone.localdate(timezone.now(), city.zone)
    actions.materialize_sessions(city, today, 3)
    kecamatan_count = city.kecamatan.count()
    citizens = User.objects.bulk_create(
        User(
            login_id=citizen_nik(city, index, kecamatan_count),
            kind=User.Kind.CITIZEN,
            full_name=f"Pasien Uji {index + 1}",
            phone=f"+62813{index:08d}",
            phone_verified_at=timezone.now(),
            password=make_password(None),
        )
        for index in range(racers + WARMUP * len(CLINICS))
    )
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
    from django.core.exceptions import ValidationError
    from django.db import connections

    from clinics import actions
    from clinics.models import PaymentType

    barrier = threading.Barrier(len(citizens) + 1)
    outcomes = [None] * len(citizens)

    def book(index, citizen):
        try:
            barrier.wait(timeout=60)
            started = time.perf_counter()
            attempts, error = 0, None
            for offset in range(len(sessions)):
                session = sessions[(index + offset) % len(sessions)]
                attempts += 1
                try:
                    appointment = actions.do_book(citizen, session, payment_type=PaymentType.GENERAL)
                    outcomes[index] = (appointment, time.perf_counter() - started, attempts, None)
                    return
                except ValidationError as exc:
                    message = " ".join(exc.messages)
                    if FULL not in message:
                        error = f"ditolak bukan karena penuh: {message}"
                        break
                except Exception as exc:  # reported below: any failure fails the benchmark
                    error = f"{type(exc).__name__}: {exc}"
                    break
            outcomes[index] = (None, time.perf_counter() - started, attempts, error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i, citizen)) for i, citizen in enumerate(citizens)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    seconds = time.perf_counter() - started
    return seconds, [outcome or (None, seconds, 0, "tidak selesai dalam 300 detik") for outcome in outcomes]


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
    check_server()
    create_database(DATABASE, replace=True)
    try:
        with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
            return run(args, Path(tmp))
    finally:
        drop_database(DATABASE)


def run(args, workdir):
    env = site_environment(workdir, CITY, database_url=database_url(DATABASE))
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
                f"{statistics.median(latencies):.0f}" if latencies else "–",
                f"{latencies[min(int(len(latencies) * 0.95), len(latencies) - 1)]:.0f}" if latencies else "–",
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
