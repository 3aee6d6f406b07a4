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
SIZES = {2_000: "kc_bench_permits_2k", 200_000: "kc_bench_permits_200k"}
SIZE_LABELS = ("2k", "200k")
# The same city at two ages: 2,000 applications are its last week at today's volume (the volume the
# 200,000, over three years of growth, end with), so the queues hold as much work in both databases and
# only the history behind them differs. Spans in days.
SPANS = {2_000: 7, 200_000: 3 * 365}
TARGET_RATIO = 2.0
# Generated data ages: past this, the live steps, their deadlines and "late" flags no longer look live.
FRESH_FOR = timedelta(days=7)
UNKNOWN_NUMBER = "REG-2020-999999"


# --- Building the databases ----------------------------------------------------------------------


def ensure_database(size, name, rebuild):
    """The database with `size` generated applications: reused when it still fits, else built from scratch."""
    env = scale_site_env(name, CITY)
    if kept_database(name, env, rebuild):
        count, oldest, newest = execute(
            name, "SELECT count(*), min(submitted_at), max(created_at) FROM permits_application"
        )[0]
        fits = oldest is not None and newest - oldest < timedelta(days=SPANS[size] + 1)
        if count == size and fits and datetime.now(UTC) - newest < FRESH_FOR:
            reuse_database(name, f"{thousands(size)} permohonan, dibuat {newest:%Y-%m-%d}")
            use_ssd_costs(name)
            return
        state = f"{thousands(count)} permohonan" + (f", terbaru {newest:%Y-%m-%d}" if newest else "")
        print(f"{name}: isinya tidak cocok ({state}); dibangun ulang.", flush=True)
    arguments = [str(size), "--days", str(SPANS[size]), "--seed", str(SEED), "--force"]
    build_database(
        name, env, CITY, f"{thousands(size)} permohonan", "generate_applications", *arguments, summary_lines=2
    )
    use_ssd_costs(name)


# --- Measuring inside one database (a child process per database) -----------------------------------


def measure(runs, explain, only=""):
    """{label: {"ms": median, "rows": rows returned or None, "sql_ms": …}} in the database of DATABASE_URL."""
    setup_measuring_process()
    tables = ("permits_application", "deadlines_deadline")
    return time_queries(cases(), runs=runs, explain=explain, only=only, tables=tables)


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
    yield "HTTP GET /petugas/izin/ (loket DPMPTSP)", page_answers(clients[front_office.pk], "/petugas/izin/")
    yield "HTTP GET /petugas/izin/ (Dinas PUPR)", page_answers(clients[technical.pk], "/petugas/izin/")
    yield (
        "HTTP GET /api/v1/permits/officer/queue (loket)",
        page_answers(clients[front_office.pk], "/api/v1/permits/officer/queue"),
    )
    yield "HTTP GET /izin/lacak/?nomor= (terbaru)", page_answers(public, f"/izin/lacak/?nomor={newest}")
    yield "HTTP GET /api/v1/permits/tracking/<nomor>", page_answers(public, f"/api/v1/permits/tracking/{newest}")
    yield "HTTP GET /izin/saya/ (pemohon tersibuk)", page_answers(clients[applicant.pk], "/izin/saya/")
    yield "HTTP GET /api/v1/permits/applications", page_answers(clients[applicant.pk], "/api/v1/permits/applications")


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
        best, target_ratio=TARGET_RATIO, size_labels=SIZE_LABELS, noun="permohonan", runs=args.runs, rounds=args.rounds
    )


if __name__ == "__main__":
    sys.exit(main())
