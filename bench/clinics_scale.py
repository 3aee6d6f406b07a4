"""e-Dokter at scale: with 2,000,000 historical appointments a poli's free-capacity page and the live
queue board take at most 2× their time with 20,000.

Builds two PostgreSQL databases of its own (migrate, load_city binjai, generate_appointments with a fixed
seed as of a fixed moment — Tuesday 24 November 2026, 10.00 in Binjai, with the morning sessions
running: 20,000 appointments are the city's last three months, 2,000,000 its last 23 years at the same
fill of the same weekly schedules; today's and the next 14 days' sessions and bookings are the same in
both, only the history behind them differs) and reuses them while they still hold what they were built
with (say --rebuild to start over). Then, in each database, with the clock set to that moment, times
every query warm: the median of --runs calls after two untimed ones, through the functions the pages,
the API and the Command Center call (clinics.actions.bookable_sessions, queue_board(s),
clinics.exports.live_queues and stats) and through the pages and the API themselves with Django's test
client. The two databases are measured in alternating rounds (each first in every other one) and each
query keeps its best median, so a burst of other work on the machine does not decide the verdict.

    .venv/bin/python bench/clinics_scale.py [--rebuild] [--explain] [--runs 15] [--rounds 3] [--only TEKS]

KC_BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
Prints a table and exits 1 if any query takes more than twice its time at 20,000 appointments.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _support import (
    BASE_DIR,
    check_server,
    create_database,
    database_exists,
    database_url,
    execute,
    manage,
    median_ms,
    print_table,
    thousands,
)

sys.path.insert(0, str(BASE_DIR))

CITY = "binjai"
SEED = 2026
SIZES = {20_000: "kc_bench_clinics_20k", 2_000_000: "kc_bench_clinics_2m"}
TARGET_RATIO = 2.0
# The moment both databases show: a working Tuesday morning, the morning sessions running. The measuring
# processes set their clock to it, so the databases stay valid however long they are kept.
AS_OF = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
# As the other scale benchmarks and docs/performance.md: SSD storage.
RANDOM_PAGE_COST = 1.1
# The poli measured: the RSUD's busiest (two doctors in the morning), its children's poli, a puskesmas's.
CLINICS = (("rsud-djoelham", "umum"), ("rsud-djoelham", "anak"), ("puskesmas-binjai-kota", "umum"))


# --- Building the databases ----------------------------------------------------------------------


def site_env(name):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kotacerdas.settings",
        "DATABASE_URL": database_url(name),
        "KC_CITY": CITY,
        "KC_LOG_LEVEL": "WARNING",
    }


def ensure_database(size, name, rebuild):
    """The database with `size` generated appointments as of AS_OF: reused when it still fits, else built."""
    env = site_env(name)
    if not rebuild and database_exists(name):
        manage(env, "migrate", "--noinput")  # a newer schema (a new index) applies to the kept data
        day = f"'{AS_OF.date()}'"
        history, newest, live = execute(
            name,
            f"SELECT count(*) FILTER (WHERE date < {day}), max(date) FILTER (WHERE date < {day}), "
            f"count(*) FILTER (WHERE date >= {day}) FROM clinics_appointment",
        )[0]
        if history == size and newest == AS_OF.date() - timedelta(days=1) and live > 0:
            execute(name, "ANALYZE")
            print(f"{name}: dipakai ulang ({thousands(size)} pendaftaran sampai {newest:%d-%m-%Y}).", flush=True)
            execute(name, f"ALTER DATABASE {name} SET random_page_cost = {RANDOM_PAGE_COST}")
            return
        print(f"{name}: isinya tidak cocok ({thousands(history)} pendaftaran historis); dibangun ulang.", flush=True)
    started = time.monotonic()
    print(f"{name}: membangun {thousands(size)} pendaftaran…", flush=True)
    create_database(name, replace=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_city", CITY)
    arguments = ["--count", str(size), "--seed", str(SEED), "--now", AS_OF.isoformat(), "--force"]
    lines = manage(env, "generate_appointments", *arguments).strip().splitlines()
    print(f"{name}: generate_appointments: {lines[-2].strip()}\n{name}: {lines[-1]}", flush=True)
    # Bulk-loaded tables: vacuum sets the visibility map (index-only scans), analyze the statistics,
    # as autovacuum would have done on a database that grew over the years.
    execute(name, "VACUUM (ANALYZE)")
    execute(name, f"ALTER DATABASE {name} SET random_page_cost = {RANDOM_PAGE_COST}")
    print(f"{name}: siap dalam {time.monotonic() - started:.0f} detik.", flush=True)


# --- Measuring inside one database (a child process per database) -----------------------------------


def measure(runs, explain, only=""):
    """{label: {"ms": median, "rows": rows returned or None, "sql_ms": …}} in the database of DATABASE_URL."""
    import django

    # Static files are not collected for this measuring process; the pages need none.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.utils import timezone

    # Measure what production runs: no query log, and the test client's host allowed.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The city as the data shows it (the pages read the clock through django.utils.timezone.now).
    timezone.now = lambda: AS_OF
    results = {}
    for label, run in cases():
        if only.lower() not in label.lower():
            continue
        rows = run()
        results[label] = {"ms": median_ms(run, runs=runs), "rows": rows, "sql_ms": database_ms(label, run, explain)}
    return results


def cases():
    """(label, function returning the number of rows or None) for each query measured."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from cities.models import current_city
    from clinics import actions, exports
    from clinics.models import Clinic, Facility, Session, SessionStatus

    city = current_city()
    today = AS_OF.date()

    def capacity(**where):
        return lambda: len(actions.bookable_sessions(now=AS_OF, **where))

    def boards(clinic):
        def run():
            sessions = list(
                Session.objects.filter(clinic=clinic, date=today, status=SessionStatus.OPEN)
                .select_related("clinic", "practitioner")
                .order_by("start", "id")
            )
            if hasattr(actions, "queue_boards"):  # the board page's one query for all of the poli's sessions
                found = actions.queue_boards(sessions)
            else:
                found = [actions.queue_board(session) for session in sessions]
            return sum(board.waiting for board in found)

        return run

    def page(client, url, expected=200):
        def run():
            response = client.get(url)
            if response.status_code != expected:
                raise SystemExit(f"{url} menjawab {response.status_code}, bukan {expected}.")

        return run

    for facility_code, clinic_code in CLINICS:
        clinic = Clinic.objects.get(facility__city=city, facility__code=facility_code, code=clinic_code)
        yield f"Kapasitas 14 hari {clinic_code} {facility_code} (bookable_sessions)", capacity(clinic=clinic)
    rsud = Facility.objects.get(city=city, code="rsud-djoelham")
    yield "Kapasitas 14 hari seluruh RSUD (bookable_sessions)", capacity(facility=rsud)
    for facility_code, clinic_code in CLINICS[:2]:
        clinic = Clinic.objects.get(facility__city=city, facility__code=facility_code, code=clinic_code)
        yield f"Papan antrean {clinic_code} {facility_code} (queue_board)", boards(clinic)
    yield "Antrean langsung kota hari ini (exports.live_queues)", lambda: len(exports.live_queues(city, today))
    yield "Statistik hari ini (exports.stats)", lambda: len(exports.stats(city, AS_OF)["by_clinic"])
    public = Client()
    for facility_code, clinic_code in CLINICS:
        for name in ("clinics:clinic", "clinics:board", "clinics:board_fragment"):
            try:
                url = reverse(name, args=[facility_code, clinic_code])
            except NoReverseMatch:
                continue  # the page is not there (yet)
            yield f"HTTP GET {name} {clinic_code} {facility_code}", page(public, url)
    for facility_code, clinic_code in CLINICS[:2]:
        clinic = Clinic.objects.get(facility__city=city, facility__code=facility_code, code=clinic_code)
        yield (
            f"HTTP GET API sesi?poli= {clinic_code} {facility_code}",
            page(public, f"/api/v1/dokter/sesi?poli={clinic.pk}"),
        )
        url = f"/api/v1/dokter/antrean/{facility_code}/{clinic_code}"
        yield f"HTTP GET API antrean {clinic_code} {facility_code}", page(public, url)


def database_ms(label, run, show):
    """Time PostgreSQL itself spends on the queries `run` sends (EXPLAIN ANALYZE); printed if `show`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    if show:
        print(f"\n=== {label}")
    total = 0.0
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or not any(t in sql for t in ("clinics_session", "clinics_appointment")):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            total += plan["Execution Time"]
            if show:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print(sql[:300] + (" …" if len(sql) > 300 else ""))
                print("\n".join(row[0] for row in cursor.fetchall()))
    return total


# --- The report -------------------------------------------------------------------------------------


def run_child(name, runs, explain, only):
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        command = [sys.executable, __file__, "--measure", output.name, "--runs", str(runs), "--only", only]
        if explain:
            command.append("--explain")
        done = subprocess.run(command, cwd=BASE_DIR, env=site_env(name))
        if done.returncode != 0:
            raise SystemExit(f"Pengukuran di {name} gagal.")
        return json.loads(Path(output.name).read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="bangun ulang kedua database")
    parser.add_argument("--explain", action="store_true", help="tampilkan EXPLAIN (ANALYZE) tiap kueri")
    parser.add_argument("--runs", type=int, default=15, help="panggilan terukur per kueri (median)")
    parser.add_argument("--rounds", type=int, default=3, help="putaran bergantian 20k/2m; median terbaik dipakai")
    parser.add_argument("--only", metavar="TEKS", default="", help="ukur hanya kueri yang labelnya memuat TEKS")
    parser.add_argument("--measure", metavar="OUTPUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        Path(args.measure).write_text(json.dumps(measure(args.runs, args.explain, args.only)))
        return 0

    check_server()
    for size, name in SIZES.items():
        ensure_database(size, name, args.rebuild)
    best = {size: {} for size in SIZES}
    for round_number in range(args.rounds):
        # Each database goes first in every other round: neither always meets a cold machine.
        order = list(SIZES.items()) if round_number % 2 == 0 else list(SIZES.items())[::-1]
        for size, name in order:
            explain = args.explain and round_number == 0
            for label, result in run_child(name, args.runs, explain, args.only).items():
                kept = best[size].get(label)
                if kept is None or result["ms"] < kept["ms"]:
                    best[size][label] = result
    return report(best, args)


def report(best, args):
    small, large = SIZES
    rows, failed = [], []
    for label, at_small in best[small].items():
        at_large = best[large][label]
        ratio = at_large["ms"] / at_small["ms"]
        verdict = "LULUS" if ratio <= TARGET_RATIO else "GAGAL"
        if verdict == "GAGAL":
            failed.append(label)
        counted = "–" if at_small["rows"] is None else f"{at_small['rows']}/{at_large['rows']}"
        times = [f"{at_small['ms']:.2f}", f"{at_large['ms']:.2f}", f"{ratio:.2f}×"]
        sql = [f"{at_small['sql_ms']:.2f}", f"{at_large['sql_ms']:.2f}"]
        rows.append([label, counted, *times, f"≤{TARGET_RATIO:g}×", verdict, *sql])
    print(
        f"\nWaktu kueri hangat pada {AS_OF:%d-%m-%Y %H.%M} (waktu kota), median {args.runs} panggilan, terbaik dari "
        f"{args.rounds} putaran (PostgreSQL, {thousands(small)} vs {thousands(large)} pendaftaran). Kolom SQL: waktu "
        "PostgreSQL sendiri (EXPLAIN ANALYZE, sekali), sebagai keterangan."
    )
    header = ["Kueri", "Baris", "20k ms", "2m ms", "Rasio", "Target", "Hasil", "SQL 20k ms", "SQL 2m ms"]
    print_table(header, rows)
    if failed:
        print(f"GAGAL: {', '.join(failed)} lebih dari {TARGET_RATIO:g}× waktunya pada {thousands(small)} pendaftaran.")
        return 1
    print(
        f"OK: setiap kueri pada {thousands(large)} pendaftaran paling lama {TARGET_RATIO:g}× "
        f"waktunya pada {thousands(small)} pendaftaran."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
