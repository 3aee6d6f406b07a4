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

import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

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
SIZES = {20_000: "kc_bench_clinics_20k", 2_000_000: "kc_bench_clinics_2m"}
SIZE_LABELS = ("20k", "2m")
TARGET_RATIO = 2.0
# The moment both databases show: a working Tuesday morning, the morning sessions running. The measuring
# processes set their clock to it, so the databases stay valid however long they are kept.
AS_OF = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
# The poli measured: the RSUD's busiest (two doctors in the morning), its children's poli, a puskesmas's.
CLINICS = (("rsud-djoelham", "umum"), ("rsud-djoelham", "anak"), ("puskesmas-binjai-kota", "umum"))


# --- Building the databases ----------------------------------------------------------------------


def ensure_database(size, name, rebuild):
    """The database with `size` generated appointments as of AS_OF: reused when it still fits, else built."""
    env = scale_site_env(name, CITY)
    if kept_database(name, env, rebuild):
        day = f"'{AS_OF.date()}'"
        history, newest, live = execute(
            name,
            f"SELECT count(*) FILTER (WHERE date < {day}), max(date) FILTER (WHERE date < {day}), "
            f"count(*) FILTER (WHERE date >= {day}) FROM clinics_appointment",
        )[0]
        if history == size and newest == AS_OF.date() - timedelta(days=1) and live > 0:
            reuse_database(name, f"{thousands(size)} pendaftaran sampai {newest:%d-%m-%Y}")
            use_ssd_costs(name)
            return
        print(f"{name}: isinya tidak cocok ({thousands(history)} pendaftaran historis); dibangun ulang.", flush=True)
    arguments = ["--count", str(size), "--seed", str(SEED), "--now", AS_OF.isoformat(), "--force"]
    build_database(
        name, env, CITY, f"{thousands(size)} pendaftaran", "generate_appointments", *arguments, summary_lines=2
    )
    use_ssd_costs(name)


# --- Measuring inside one database (a child process per database) -----------------------------------


def measure(runs, explain, only=""):
    """{label: {"ms": median, "rows": rows returned or None, "sql_ms": …}} in the database of DATABASE_URL."""
    setup_measuring_process()
    from django.utils import timezone

    # The city as the data shows it (the pages read the clock through django.utils.timezone.now).
    timezone.now = lambda: AS_OF
    tables = ("clinics_session", "clinics_appointment")
    return time_queries(cases(), runs=runs, explain=explain, only=only, tables=tables)


def cases():
    """(label, function returning the number of rows or None) for each query measured."""
    from django.test import Client
    from django.urls import reverse

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
            # The board page's one query for all of the poli's sessions.
            return sum(board.waiting for board in actions.queue_boards(sessions))

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
            url = reverse(name, args=[facility_code, clinic_code])
            yield f"HTTP GET {name} {clinic_code} {facility_code}", page_answers(public, url)
    url = reverse("clinics:facility_board", args=["rsud-djoelham"])
    yield "HTTP GET clinics:facility_board rsud-djoelham (every poli)", page_answers(public, url)
    for facility_code, clinic_code in CLINICS[:2]:
        clinic = Clinic.objects.get(facility__city=city, facility__code=facility_code, code=clinic_code)
        yield (
            f"HTTP GET API sesi?poli= {clinic_code} {facility_code}",
            page_answers(public, f"/api/v1/dokter/sesi?poli={clinic.pk}"),
        )
        url = f"/api/v1/dokter/antrean/{facility_code}/{clinic_code}"
        yield f"HTTP GET API antrean {clinic_code} {facility_code}", page_answers(public, url)
    yield (
        "HTTP GET API antrean rsud-djoelham (every poli)",
        page_answers(public, "/api/v1/dokter/antrean/rsud-djoelham"),
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
        best,
        target_ratio=TARGET_RATIO,
        size_labels=SIZE_LABELS,
        noun="pendaftaran",
        runs=args.runs,
        rounds=args.rounds,
        as_of=AS_OF,
    )


if __name__ == "__main__":
    sys.exit(main())
