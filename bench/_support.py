"""What the benchmarks share: a throw-away site served by gunicorn, PostgreSQL databases of their own, timing.

Not a benchmark itself (bench/run.py skips files starting with "_").
"""

import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# The PostgreSQL server the benchmarks create their databases on; the path names the database
# they connect to for CREATE/DROP DATABASE.
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


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
