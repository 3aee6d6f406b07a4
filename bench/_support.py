"""What the benchmarks share: a throw-away site served by gunicorn, PostgreSQL databases of their own, timing.

Not a benchmark itself (bench/run.py skips files starting with "_").
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# The PostgreSQL server the benchmarks create their databases on; the path names the database
# they connect to for CREATE/DROP DATABASE.
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# PostgreSQL's default random_page_cost (4) models spinning disks; on SSD storage, like this machine's
# and any current server's, 1.1 is the usual setting (docs/performance.md); the scale benchmarks' databases
# use it.
SSD_RANDOM_PAGE_COST = 1.1


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(workdir, city, *, database_url=None):
    """The environment of a site run the way production runs it (DEBUG off), in a temporary directory."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kotacerdas.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "KC_VAR_DIR": str(workdir),
        "KC_CITY": city,
        "KC_SMS_BACKEND": "file",
        "KC_LOG_LEVEL": "WARNING",
        "KC_DEMO_PASSWORD": "Bench-Kota-Cerdas-2026",
        "KC_CERTIFICATE_KEY": _certificate_key(),
    }


def _certificate_key():
    """A fresh Ed25519 signing key (PEM) for a throw-away site."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode("ascii")
    )


def start_server(env, port, *, workers=2, ready_path="/", pythonpath=None):
    """gunicorn with `workers` sync workers on 127.0.0.1:port, once `ready_path` answers 200."""
    command = [sys.executable, "-m", "gunicorn", "kotacerdas.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers)]
    if pythonpath:
        command += ["--pythonpath", str(pythonpath)]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn berhenti:\n{server.stderr.read().decode()}") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn tidak siap dalam 30 detik.")


def stop_server(server):
    server.terminate()
    server.wait(timeout=10)


def manage(env, *arguments):
    """Run `manage.py <arguments>` in the site's environment; its output, or SystemExit with it on failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} gagal:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- PostgreSQL databases of the benchmarks' own -----------------------------------------------


def server_url():
    return os.environ.get("KC_BENCH_DATABASE_URL", DEFAULT_SERVER_URL)


def database_url(name):
    """The URL of database `name` on the benchmark server."""
    return urllib.parse.urlsplit(server_url())._replace(path=f"/{name}").geturl()


def _admin(statement):
    """Run one statement on the server's maintenance database; its rows, if it returns any."""
    import psycopg

    with psycopg.connect(_conninfo(server_url()), autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else None


def _conninfo(url):
    # psycopg reads postgresql:// but not the postgres:// spelling that dj-database-url accepts.
    return url.replace("postgres://", "postgresql://", 1)


def database_exists(name):
    from psycopg import sql

    query = sql.SQL("SELECT 1 FROM pg_database WHERE datname = {}").format(sql.Literal(name))
    return bool(_admin(query.as_string()))


def create_database(name, *, replace=False):
    from psycopg import sql

    if replace:
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)).as_string())
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)).as_string())


def drop_database(name):
    from psycopg import sql

    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)).as_string())


def execute(name, statement):
    """Run one statement (outside a transaction, so VACUUM works) in database `name`; its rows, if any."""
    import psycopg

    with psycopg.connect(_conninfo(database_url(name)), autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else None


def check_server():
    """SystemExit with a clear message when the benchmark PostgreSQL server cannot be reached."""
    try:
        _admin("SELECT 1")
    except Exception as exc:  # psycopg raises OperationalError; anything else is as fatal here
        raise SystemExit(
            f"PostgreSQL benchmark tidak bisa dihubungi ({server_url()}): {exc}\n"
            "Atur KC_BENCH_DATABASE_URL ke server PostgreSQL dengan hak CREATE DATABASE."
        ) from None


# --- The scale benchmarks' databases: built once with generated data, reused while they fit ---------


def scale_site_env(name, city):
    """The environment of manage.py and of the measuring processes on database `name`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kotacerdas.settings",
        "DATABASE_URL": database_url(name),
        "KC_CITY": city,
        "KC_LOG_LEVEL": "WARNING",
    }


def kept_database(name, env, rebuild):
    """Whether database `name` is there to be reused (and --rebuild was not said); if so it is migrated
    first, so that a newer schema (a new index) applies to the kept data."""
    if rebuild or not database_exists(name):
        return False
    manage(env, "migrate", "--noinput")
    return True


def reuse_database(name, holding):
    """Keep database `name` as it is, with fresh statistics; says what it holds."""
    execute(name, "ANALYZE")
    print(f"{name}: dipakai ulang ({holding}).", flush=True)


def build_database(name, env, city, size_text, command, *arguments, summary_lines=1):
    """Database `name` from scratch: migrated, `city` loaded and filled by `manage.py command *arguments`
    (whose last `summary_lines` lines are printed), then vacuumed."""
    started = time.monotonic()
    print(f"{name}: membangun {size_text}…", flush=True)
    create_database(name, replace=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_city", city)
    first, *rest = manage(env, command, *arguments).strip().splitlines()[-summary_lines:]
    print("\n".join([f"{name}: {command}: {first.strip()}", *(f"{name}: {line}" for line in rest)]), flush=True)
    # Bulk-loaded tables: vacuum sets the visibility map (index-only scans), analyze the statistics,
    # as autovacuum would have done on a database that grew over the years.
    execute(name, "VACUUM (ANALYZE)")
    print(f"{name}: siap dalam {time.monotonic() - started:.0f} detik.", flush=True)


def use_ssd_costs(name):
    """Plan the queries of database `name` for SSD storage (see SSD_RANDOM_PAGE_COST)."""
    execute(name, f"ALTER DATABASE {name} SET random_page_cost = {SSD_RANDOM_PAGE_COST}")


# --- Timing ---------------------------------------------------------------------------------------


def median_ms(function, *, runs=15, warmup=2):
    """Median wall time of `function()` in milliseconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def thousands(number):
    """1000000 → '1.000.000', as Indonesian writes it."""
    return f"{number:,}".replace(",", ".")


def print_table(header, rows, *, right_from=1):
    """A plain-text table; columns from `right_from` on are right-aligned (numbers)."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    cells.insert(1, ["-" * width for width in widths])
    for row in cells:
        print(
            "  ".join(
                cell.rjust(width) if i >= right_from else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )


def latency_cells(latencies_ms):
    """The median and the 95th percentile of sorted latencies in ms, as table cells ("–" when there are none)."""
    if not latencies_ms:
        return ["–", "–"]
    p95 = latencies_ms[min(int(len(latencies_ms) * 0.95), len(latencies_ms) - 1)]
    return [f"{statistics.median(latencies_ms):.0f}", f"{p95:.0f}"]


# --- The scale benchmarks: the same queries timed on a small and a large database ---------------------


def scale_arguments(description, size_labels):
    """The scale benchmarks' command line; `size_labels` names the small and the large database ("2k", "200k")."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="bangun ulang kedua database")
    parser.add_argument("--explain", action="store_true", help="tampilkan EXPLAIN (ANALYZE) tiap kueri")
    parser.add_argument("--runs", type=int, default=15, help="panggilan terukur per kueri (median)")
    parser.add_argument(
        "--rounds", type=int, default=3, help=f"putaran bergantian {'/'.join(size_labels)}; median terbaik dipakai"
    )
    parser.add_argument("--only", metavar="TEKS", default="", help="ukur hanya kueri yang labelnya memuat TEKS")
    parser.add_argument("--measure", metavar="OUTPUT", help=argparse.SUPPRESS)
    return parser.parse_args()


def setup_measuring_process():
    """Django in this process as production runs it: no query log, and the test client's host allowed."""
    import django

    # Static files are not collected for a measuring process; the pages need none.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def time_queries(cases, *, runs, explain, only, tables):
    """{label: {"ms": median, "rows": rows returned or None, "sql_ms": PostgreSQL's own time}} for each
    (label, function returning the number of rows or None) of `cases` whose label contains `only`;
    the SQL time counts the SELECTs that read any of `tables`."""
    results = {}
    for label, run in cases:
        if only.lower() not in label.lower():
            continue
        rows = run()
        ms = median_ms(run, runs=runs)
        results[label] = {"ms": ms, "rows": rows, "sql_ms": database_ms(label, run, explain, tables)}
    return results


def database_ms(label, run, show, tables):
    """Time PostgreSQL itself spends on the SELECTs of `tables` that `run` sends (EXPLAIN ANALYZE);
    the plans printed if `show`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    if show:
        print(f"\n=== {label}")
    total = 0.0
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or not any(table in sql for table in tables):
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


def page_answers(client, url, expected=200):
    """A function that GETs `url` with the test `client`; SystemExit unless it answers `expected`."""

    def run():
        response = client.get(url)
        if response.status_code != expected:
            raise SystemExit(f"{url} menjawab {response.status_code}, bukan {expected}.")

    return run


def write_measurement(path, results):
    Path(path).write_text(json.dumps(results))


def best_of_rounds(script, databases, city, args):
    """{size: {label: result}}: `script --measure` run in each of `databases` ({size: name}) for
    args.rounds alternating rounds (each database first in every other one, so neither always meets a
    cold machine), each query keeping its best median."""
    best = {size: {} for size in databases}
    for round_number in range(args.rounds):
        order = list(databases.items()) if round_number % 2 == 0 else list(databases.items())[::-1]
        for size, name in order:
            explain = args.explain and round_number == 0
            for label, result in _measure_in(script, name, city, args.runs, explain, args.only).items():
                kept = best[size].get(label)
                if kept is None or result["ms"] < kept["ms"]:
                    best[size][label] = result
    return best


def _measure_in(script, name, city, runs, explain, only):
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        command = [sys.executable, script, "--measure", output.name, "--runs", str(runs), "--only", only]
        if explain:
            command.append("--explain")
        done = subprocess.run(command, cwd=BASE_DIR, env=scale_site_env(name, city))
        if done.returncode != 0:
            raise SystemExit(f"Pengukuran di {name} gagal.")
        return json.loads(Path(output.name).read_text())


def print_verdict(best, *, target_ratio, size_labels, noun, runs, rounds, as_of=None):
    """The table of best medians at both sizes with their ratio against `target_ratio`; the exit status
    (1 if any query took more than `target_ratio` times its time on the small database)."""
    small, large = best
    rows, failed = [], []
    for label, at_small in best[small].items():
        at_large = best[large][label]
        ratio = at_large["ms"] / at_small["ms"]
        verdict = "LULUS" if ratio <= target_ratio else "GAGAL"
        if verdict == "GAGAL":
            failed.append(label)
        counted = "–" if at_small["rows"] is None else f"{at_small['rows']}/{at_large['rows']}"
        times = [f"{at_small['ms']:.2f}", f"{at_large['ms']:.2f}", f"{ratio:.2f}×"]
        sql = [f"{at_small['sql_ms']:.2f}", f"{at_large['sql_ms']:.2f}"]
        rows.append([label, counted, *times, f"≤{target_ratio:g}×", verdict, *sql])
    moment = f" pada {as_of:%d-%m-%Y %H.%M} (waktu kota)" if as_of else ""
    print(
        f"\nWaktu kueri hangat{moment}, median {runs} panggilan, terbaik dari {rounds} putaran (PostgreSQL, "
        f"{thousands(small)} vs {thousands(large)} {noun}). Kolom SQL: waktu PostgreSQL sendiri (EXPLAIN ANALYZE, "
        "sekali), sebagai keterangan."
    )
    small_label, large_label = size_labels
    header = ["Kueri", "Baris", f"{small_label} ms", f"{large_label} ms", "Rasio", "Target", "Hasil"]
    print_table([*header, f"SQL {small_label} ms", f"SQL {large_label} ms"], rows)
    if failed:
        print(f"GAGAL: {', '.join(failed)} lebih dari {target_ratio:g}× waktunya pada {thousands(small)} {noun}.")
        return 1
    print(
        f"OK: setiap kueri pada {thousands(large)} {noun} paling lama {target_ratio:g}× "
        f"waktunya pada {thousands(small)} {noun}."
    )
    return 0


# --- The race benchmarks: many threads released at once on a database of their own ------------------


@contextmanager
def throwaway_database_site(database, city):
    """The environment of a site of `city` on a fresh PostgreSQL database `database` (dropped afterwards),
    its files in a temporary directory."""
    check_server()
    create_database(database, replace=True)
    try:
        with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
            yield site_environment(Path(tmp), city, database_url=database_url(database))
    finally:
        drop_database(database)


def setup_site_here(env, city):
    """The site's database migrated and `city` loaded, and Django set up in this process on it."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_city", city)
    os.environ.update(env)
    import django

    django.setup()


def create_citizens(count, name):
    """`count` citizens of the current city with valid NIKs and verified phones, created in bulk, named
    "`name` 1" onwards; they cannot log in with a password."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from cities.models import current_city
    from reports.generator import citizen_nik

    city = current_city()
    kecamatan_count = city.kecamatan.count()
    return User.objects.bulk_create(
        User(
            login_id=citizen_nik(city, index, kecamatan_count),
            kind=User.Kind.CITIZEN,
            full_name=f"{name} {index + 1}",
            phone=f"+62813{index:08d}",
            phone_verified_at=timezone.now(),
            password=make_password(None),
        )
        for index in range(count)
    )


def release_together(tasks, *, timeout=300):
    """Call every task at once, each in a thread with its own database connection, all waiting at one
    barrier; (seconds until the last one finished, [(result, seconds, error) per task]). A task that
    raises gives its error as "Type: message"; one not finished within `timeout` seconds says so."""
    from django.db import connections

    barrier = threading.Barrier(len(tasks) + 1)
    outcomes = [None] * len(tasks)

    def work(index, task):
        try:
            barrier.wait(timeout=60)
            started = time.perf_counter()
            try:
                outcomes[index] = (task(), time.perf_counter() - started, None)
            except Exception as exc:  # reported by the benchmark: any failure fails it
                outcomes[index] = (None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(index, task)) for index, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=timeout)
    seconds = time.perf_counter() - started
    return seconds, [outcome or (None, seconds, f"tidak selesai dalam {timeout} detik") for outcome in outcomes]
