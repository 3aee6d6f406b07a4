"""e-Perizinan at scale: with 200,000 applications the officers' work queues, public tracking by
registration number and the applicant's "my applications" list take at most 2× their time with 2,000.

Builds two PostgreSQL databases of its own (migrate, load_city binjai, generate_applications with a fixed
seed: 2,000 applications over the last week, 200,000 over three years, so that both end at the same daily
volume and their queues hold as much work; only the history behind them differs) and reuses them while
they still hold what they were built with, from the last week (say --rebuild to start over). Then, in
each database, times every query warm: the median of --runs calls after two untimed ones, through the
same functions the pages and the API call (permits.queries.work_queue, core.pagination.ascending_page and
step_clocks for the queues, permits.actions.track for tracking, core.pagination.keyset_page over the
applicant's applications) and through the views themselves with Django's test client. The two databases are
measured in alternating rounds and each query keeps its best median, so a burst of other work on the
machine does not decide the verdict.

    .venv/bin/python bench/permits_scale.py [--rebuild] [--explain] [--runs 15] [--rounds 3] [--only TEKS]

KC_BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
Prints a table and exits 1 if any query takes more than twice its time at 2,000 applications.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
SIZES = {2_000: "kc_bench_permits_2k", 200_000: "kc_bench_permits_200k"}
# The same city at two ages: 2,000 applications are its last week at today's volume (the volume the
# 200,000, over three years of growth, end with), so the queues hold as much work in both databases and
# only the history behind them differs. Spans in days.
SPANS = {2_000: 7, 200_000: 3 * 365}
TARGET_RATIO = 2.0
# Generated data ages: past this, the live steps, their deadlines and "late" flags no longer look live.
FRESH_FOR = timedelta(days=7)
# As bench/reports_scale.py and docs/performance.md: SSD storage.
RANDOM_PAGE_COST = 1.1
UNKNOWN_NUMBER = "REG-2020-999999"


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
    """The database with `size` generated applications: reused when it still fits, else built from scratch."""
    build(size, name, SPANS[size], rebuild)
    execute(name, f"ALTER DATABASE {name} SET random_page_cost = {RANDOM_PAGE_COST}")


def build(size, name, span, rebuild):
    env = site_env(name)
    if not rebuild and database_exists(name):
        manage(env, "migrate", "--noinput")  # a newer schema (a new index) applies to the kept data
        count, oldest, newest = execute(
            name, "SELECT count(*), min(submitted_at), max(created_at) FROM permits_application"
        )[0]
        fits = oldest is not None and newest - oldest < timedelta(days=span + 1)
        if count == size and fits and datetime.now(UTC) - newest < FRESH_FOR:
            execute(name, "ANALYZE")
            print(f"{name}: dipakai ulang ({thousands(size)} permohonan, dibuat {newest:%Y-%m-%d}).", flush=True)
            return
        state = f"{thousands(count)} permohonan" + (f", terbaru {newest:%Y-%m-%d}" if newest else "")
        print(f"{name}: isinya tidak cocok ({state}); dibangun ulang.", flush=True)
    started = time.monotonic()
    print(f"{name}: membangun {thousands(size)} permohonan…", flush=True)
    create_database(name, replace=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_city", CITY)
    generated = manage(env, "generate_applications", str(size), "--days", str(span), "--seed", str(SEED), "--force")
    lines = generated.strip().splitlines()
    print(f"{name}: generate_applications: {lines[-2].strip()}\n{name}: {lines[-1]}", flush=True)
    # Bulk-loaded tables: vacuum sets the visibility map (index-only scans), analyze the statistics,
    # as autovacuum would have done on a database that grew over three years.
    execute(name, "VACUUM (ANALYZE)")
    print(f"{name}: siap dalam {time.monotonic() - started:.0f} detik.", flush=True)


# --- Measuring inside one database (a child process per database) -----------------------------------


def measure(runs, explain, only=""):
    """{label: {"ms": median, "rows": rows returned or None, "sql_ms": …}} in the database of DATABASE_URL."""
    import django

    # Static files are not collected for this measuring process; the pages need none.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings

    # Measure what production runs: no query log, and the test client's host allowed.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
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

    from accounts.models import Role
    from cities.models import current_city
    from core.pagination import ascending_page, keyset_page
    from permits.actions import applications_visible_to, track
    from permits.models import Application
    from permits.queries import step_clocks, work_queue
    from permits.views.applicant import PAGE_SIZE as MINE_PAGE
    from permits.views.officer import PAGE_SIZE as QUEUE_PAGE

    city = current_city()
    permits_opd = city.opd_with_function("perizinan")
    works_opd = city.opd_with_function("pekerjaan_umum")
    front_office = officer(permits_opd, Role.OFFICER)
    technical = officer(works_opd, Role.OFFICER)
    head = officer(permits_opd, Role.HEAD)
    inspector = officer(city.opd_with_function("inspektorat"), Role.INSPEKTORAT)
    applicant = busiest_applicant(city)
    numbers = Application.objects.filter(city=city).exclude(registration_number=None)
    newest = numbers.order_by("-submitted_at", "-id").values_list("registration_number", flat=True).first()
    oldest = numbers.order_by("submitted_at", "id").values_list("registration_number", flat=True).first()

    def queue(user, **filters):
        def run():
            page = ascending_page(work_queue(user, **filters), None, size=QUEUE_PAGE, field="due_at")
            step_clocks(page.items)
            return len(page.items)

        return run

    def second_queue_page(user):
        cursor = ascending_page(work_queue(user), None, size=QUEUE_PAGE, field="due_at").next_cursor

        def run():
            page = ascending_page(work_queue(user), cursor, size=QUEUE_PAGE, field="due_at")
            step_clocks(page.items)
            return len(page.items)

        return run

    def tracked(number):
        return lambda: int(track(number, city) is not None)

    def mine_web():
        mine = applications_visible_to(applicant).filter(applicant=applicant, city=city)
        related = ("permit_type", "permit_type__issuing_opd", "company", "holder", "opd", "certificate")
        return len(keyset_page(mine.select_related(*related), None, size=MINE_PAGE).items)

    def mine_api():
        mine = Application.objects.filter(applicant_id=applicant.pk).select_related("permit_type", "company")
        return len(keyset_page(mine, None, size=20, field="updated_at").items)

    def page(client, url, expected=200):
        def run():
            response = client.get(url)
            if response.status_code != expected:
                raise SystemExit(f"{url} menjawab {response.status_code}, bukan {expected}.")

        return run

    clients = {}
    for user in (front_office, technical, applicant):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    public = Client()

    yield "Antrean loket DPMPTSP (petugas), hal. 1", queue(front_office)
    yield "Antrean loket DPMPTSP, hal. 2", second_queue_page(front_office)
    yield "Antrean loket DPMPTSP [yang saya tangani]", queue(front_office, mine=True)
    yield "Antrean loket DPMPTSP [belum ditangani]", queue(front_office, unassigned=True)
    yield "Antrean teknis Dinas PUPR (petugas), hal. 1", queue(technical)
    yield "Antrean Kepala DPMPTSP (persetujuan), hal. 1", queue(head)
    yield "Antrean Inspektorat (semua langkah), hal. 1", queue(inspector)
    yield "Lacak publik: nomor terbaru", tracked(newest)
    yield "Lacak publik: nomor tertua", tracked(oldest)
    yield "Lacak publik: nomor tak dikenal", tracked(UNKNOWN_NUMBER)
    yield "Permohonan saya (pemohon tersibuk), hal. 1", mine_web
    yield "Permohonan saya API (terakhir diubah), hal. 1", mine_api
    yield "HTTP GET /petugas/izin/ (loket DPMPTSP)", page(clients[front_office.pk], "/petugas/izin/")
    yield "HTTP GET /petugas/izin/ (Dinas PUPR)", page(clients[technical.pk], "/petugas/izin/")
    yield (
        "HTTP GET /api/v1/permits/officer/queue (loket)",
        page(clients[front_office.pk], "/api/v1/permits/officer/queue"),
    )
    yield "HTTP GET /izin/lacak/?nomor= (terbaru)", page(public, f"/izin/lacak/?nomor={newest}")
    yield "HTTP GET /api/v1/permits/tracking/<nomor>", page(public, f"/api/v1/permits/tracking/{newest}")
    yield "HTTP GET /izin/saya/ (pemohon tersibuk)", page(clients[applicant.pk], "/izin/saya/")
    yield "HTTP GET /api/v1/permits/applications", page(clients[applicant.pk], "/api/v1/permits/applications")


def officer(opd, role):
    """An active officer of `opd` with `role` (the generator's demo officer), created once if there is none."""
    from accounts.demo import demo_nip
    from accounts.models import Role, User

    found = User.objects.filter(opd=opd, role=role, is_active=True, kind=User.Kind.OFFICER).order_by("id").first()
    if found is None:
        found = User.objects.create_officer(demo_nip(opd, role), None, opd=opd, role=role)
        found.full_name = f"{Role(role).label} {opd.short_name}"
        found.save(update_fields=["full_name"])
    return found


def busiest_applicant(city):
    """The citizen with the most applications (the generated pool's first citizen, in both databases)."""
    from django.db.models import Count

    from accounts.models import User

    return (
        User.objects.filter(kind=User.Kind.CITIZEN, permit_applications__city=city)
        .annotate(n=Count("permit_applications"))
        .order_by("-n", "id")
        .first()
    )


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
        if not sql.startswith("SELECT") or not any(t in sql for t in ("permits_application", "deadlines_deadline")):
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
    parser.add_argument("--rounds", type=int, default=3, help="putaran bergantian 2k/200k; median terbaik dipakai")
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
        for size, name in SIZES.items():
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
        f"\nWaktu kueri hangat, median {args.runs} panggilan, terbaik dari {args.rounds} putaran "
        f"(PostgreSQL, {thousands(small)} vs {thousands(large)} permohonan). Kolom SQL: waktu PostgreSQL sendiri "
        "(EXPLAIN ANALYZE, sekali), sebagai keterangan."
    )
    header = ["Kueri", "Baris", "2k ms", "200k ms", "Rasio", "Target", "Hasil", "SQL 2k ms", "SQL 200k ms"]
    print_table(header, rows)
    if failed:
        print(f"GAGAL: {', '.join(failed)} lebih dari {TARGET_RATIO:g}× waktunya pada {thousands(small)} permohonan.")
        return 1
    print(
        f"OK: setiap kueri pada {thousands(large)} permohonan paling lama {TARGET_RATIO:g}× "
        f"waktunya pada {thousands(small)} permohonan."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
