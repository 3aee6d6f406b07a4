"""e-Masyarakat at scale: with 1,000,000 reports the public list, Open311 GET requests and an OPD's
work queue take at most 2× their time with 10,000 reports.

Builds two PostgreSQL databases of its own (migrate, load_city binjai, generate_reports with a fixed
seed) and reuses them while they still hold the right number of reports from the last week (say
--rebuild to start over). Then, in each database, times every query warm: the median of --runs calls
after two untimed ones, through the same functions the pages, the API and Open311 call
(reports.queries, core.pagination.keyset_page, reports.open311_requests.find_requests) and through
the views themselves with Django's test client. The two databases are measured in alternating
rounds and each query keeps its best median, so a burst of other work on the machine does not
decide the verdict.

    .venv/bin/python bench/reports_scale.py [--rebuild] [--explain] [--runs 15] [--rounds 3] [--only TEKS]

KC_BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
Prints a table and exits 1 if any query takes more than twice its time at 10,000 reports.
"""

import sys
from datetime import UTC, datetime, timedelta

from _support import (
    BASE_DIR,
    best_of_rounds,
    build_database,
    check_server,
    execute,
    kept_database,
    page_answers,
    print_verdict,
    reuse_database,
    scale_arguments,
    scale_site_env,
    setup_measuring_process,
    thousands,
    time_queries,
    use_ssd_costs,
    write_measurement,
)

sys.path.insert(0, str(BASE_DIR))

CITY = "binjai"
SEED = 2026
SIZES = {10_000: "kc_bench_reports_10k", 1_000_000: "kc_bench_reports_1m"}
SIZE_LABELS = ("10k", "1M")
TARGET_RATIO = 2.0
# Generated data ages: past this, the "last 90 days" of Open311 and the open reports no longer look live.
FRESH_FOR = timedelta(days=7)
DEEP_PAGES = 50


# --- Building the databases ----------------------------------------------------------------------


def ensure_database(size, name, rebuild):
    """The database with `size` generated reports: reused when it still fits, else built from scratch."""
    env = scale_site_env(name, CITY)
    if kept_database(name, env, rebuild):
        count, newest = execute(name, "SELECT count(*), max(created_at) FROM reports_report")[0]
        if count == size and newest and datetime.now(UTC) - newest < FRESH_FOR:
            reuse_database(name, f"{thousands(size)} laporan, dibuat {newest:%Y-%m-%d}")
            use_ssd_costs(name)
            return
        state = f"{thousands(count)} laporan" + (f", terbaru {newest:%Y-%m-%d}" if newest else "")
        print(f"{name}: isinya tidak cocok ({state}); dibangun ulang.", flush=True)
    build_database(
        name, env, CITY, f"{thousands(size)} laporan", "generate_reports", str(size), "--seed", str(SEED), "--force"
    )
    # SSD costs: with PostgreSQL's default (spinning disks), a status filter walks the created_at index past
    # every newer report of another status instead of using report_status_created_idx.
    use_ssd_costs(name)


# --- Measuring inside one database (a child process per database) -----------------------------------


def measure(runs, explain, only=""):
    """{label: {"ms": median, "rows": rows returned or None, "sql_ms": …}} in the database of DATABASE_URL."""
    setup_measuring_process()
    return time_queries(cases(), runs=runs, explain=explain, only=only, tables=("reports_report",))


def cases():
    """(label, function returning the number of rows or None) for each query measured."""
    from django.test import Client

    from cities.models import current_city
    from core.pagination import keyset_page
    from reports.open311_requests import find_requests
    from reports.queries import opd_queue, public_reports
    from reports.views.officer import PAGE_SIZE as QUEUE_PAGE
    from reports.views.public import PAGE_SIZE as LIST_PAGE

    city = current_city()
    officer = pupr_officer(city)
    kecamatan = city.kecamatan.order_by("name").first()
    public = Client()
    staff = Client()
    staff.force_login(officer)

    def list_page(filters, cursor=None):
        return lambda: len(keyset_page(public_reports(city, **filters), cursor, size=LIST_PAGE).items)

    def deep_cursor(filters):
        cursor = None
        for _ in range(DEEP_PAGES):
            cursor = keyset_page(public_reports(city, **filters), cursor, size=LIST_PAGE).next_cursor
            if cursor is None:
                raise SystemExit(f"Daftar publik {filters} kurang dari {DEEP_PAGES} halaman.")
        return cursor

    filters = [
        ("", {}),
        (" [kategori jalan-rusak]", {"category": "jalan-rusak"}),
        (f" [kecamatan {kecamatan.name}]", {"kecamatan": kecamatan.pk}),
        (" [status ditutup]", {"status": "closed"}),
    ]
    for suffix, chosen in filters:
        yield f"Daftar publik, hal. 1{suffix}", list_page(chosen)
        yield f"Daftar publik, hal. {DEEP_PAGES + 1}{suffix}", list_page(chosen, deep_cursor(chosen))
    yield "Daftar publik, hal. 1 [status sedang ditindaklanjuti]", list_page({"status": "in_progress"})
    deep = deep_cursor({})
    yield "HTTP GET /laporan/", page_answers(public, "/laporan/")
    yield f"HTTP GET /laporan/?cursor= (hal. {DEEP_PAGES + 1})", page_answers(public, f"/laporan/?cursor={deep}")
    yield "HTTP GET /api/v1/reports", page_answers(public, "/api/v1/reports")
    yield "Open311 GET requests (90 hari, maks. 1000)", lambda: len(find_requests(city, {}))
    yield "HTTP GET /open311/v2/requests.json", page_answers(public, "/open311/v2/requests.json")
    yield "HTTP GET /open311/v2/requests.xml", page_answers(public, "/open311/v2/requests.xml")
    yield (
        "Antrean OPD Dinas PUPR, hal. 1 (tenggat)",
        lambda: len(list(opd_queue(officer, sort="tenggat")[: QUEUE_PAGE + 1])),
    )
    yield (
        "Antrean OPD Dinas PUPR, hal. 1 (terbaru)",
        lambda: len(list(opd_queue(officer, sort="terbaru")[: QUEUE_PAGE + 1])),
    )
    yield "HTTP GET /petugas/laporan/ (PUPR)", page_answers(staff, "/petugas/laporan/")
    yield "HTTP GET /api/v1/officer/reports/queue (PUPR)", page_answers(staff, "/api/v1/officer/reports/queue")


def pupr_officer(city):
    """An officer of the city's public-works OPD (Dinas PUPR in Binjai), created once if the database has none."""
    from accounts.demo import demo_nip
    from accounts.models import Role, User

    opd = city.opd_with_function("pekerjaan_umum")
    officer = User.objects.filter(opd=opd, role=Role.OFFICER, is_active=True).first()
    if officer is None:
        officer = User.objects.create_officer(demo_nip(opd, Role.OFFICER), None, opd=opd, role=Role.OFFICER)
        officer.full_name = f"Petugas {opd.short_name}"
        officer.save(update_fields=["full_name"])
    return officer


# --- The report -------------------------------------------------------------------------------------


def main():
    args = scale_arguments(__doc__, SIZE_LABELS)
    if args.measure:
        write_measurement(args.measure, measure(args.runs, args.explain, args.only))
        return 0

    check_server()
    for size, name in SIZES.items():
        ensure_database(size, name, args.rebuild)
    best = best_of_rounds(__file__, SIZES, CITY, args)
    return print_verdict(
        best, target_ratio=TARGET_RATIO, size_labels=SIZE_LABELS, noun="laporan", runs=args.runs, rounds=args.rounds
    )


if __name__ == "__main__":
    sys.exit(main())
