"""Report submission under load: POST /api/v1/reports sustains at least half the throughput of a bare
Django endpoint doing one INSERT on the same setup, and no accepted report is ever missing.

The setup: a fresh PostgreSQL database of its own with the city profile and citizens holding API
tokens (created in bulk), served by gunicorn with 2 sync workers and DEBUG off. The bare endpoint
(POST /bench/bare-insert, one INSERT into the reports table) exists only in this benchmark's
throw-away site (bench/bare_site, its own settings and URLconf); the product never ships it.

A submission is one INSERT (status 'submitted'); the worker's intake then writes each report's audit
event, starts its verification clock and queues its confirmation. The load rounds measure the web
alone, as the bare endpoint is measured; then one `manage.py run_worker` is started and the benchmark
times how long its intake takes to receive every report the load left behind (its rate is printed),
and checks that every tracking number answered with 201 names a report that was received, with its
audit event. It keeps the worker running until every confirmation SMS has gone out, and prints how
many went out while the intake was still draining the backlog, and the median and 95th percentile of
the wait from the moment the worker could see a report (its submission, or the worker's start if
later) to its confirmation's delivery.

Concurrent clients (threads, one connection per request as gunicorn's sync workers close them)
post for a fixed time to each endpoint in turn, twice, warming both up first. A report is JSON
without photos: category, description, kelurahan, point and the category's required attribute,
sent with a citizen's token.

    .venv/bin/python bench/reports_submit.py [--clients 20] [--seconds 15] [--citizens 200]

KC_BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
Exits 1 if the ratio is under 0.5, if any request failed, if an accepted report is missing, if the
intake does not take in every accepted report within INTAKE_TIMEOUT seconds, or if a confirmation is
still undelivered DELIVERY_TIMEOUT seconds after the intake finished.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from _support import (
    BASE_DIR,
    check_server,
    create_database,
    database_url,
    drop_database,
    free_port,
    manage,
    print_table,
    site_environment,
    start_server,
    stop_server,
)

sys.path.insert(0, str(BASE_DIR))

CITY = "binjai"
DATABASE = "kc_bench_reports_submit"
TARGET_RATIO = 0.5
WORKERS = 2
ROUNDS = 2
WARMUP_REQUESTS = 40
INTAKE_TIMEOUT = 600
DELIVERY_TIMEOUT = 300
DESCRIPTION = "Lubang besar di jalan depan sekolah, sudah dua minggu belum ditambal. Berbahaya bagi pengendara."


@dataclass
class Tally:
    """What one endpoint's clients saw: latencies of accepted requests, failures, accepted numbers."""

    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    accepted: list = field(default_factory=list)

    @property
    def per_second(self):
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share):
        ordered = sorted(self.latencies)
        return ordered[min(int(len(ordered) * share), len(ordered) - 1)] * 1000 if ordered else 0.0


def prepare(env, citizens):
    """The city profile and `citizens` verified citizens with API tokens; returns what the clients send."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_city", CITY)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from cities.models import current_city
    from reports.generator import citizen_nik

    city = current_city()
    now = timezone.now()
    kecamatan_count = city.kecamatan.count()
    users = User.objects.bulk_create(
        User(
            login_id=citizen_nik(city, index, kecamatan_count),
            kind=User.Kind.CITIZEN,
            full_name=f"Warga Uji {index + 1}",
            phone=f"+62813{index:08d}",
            phone_verified_at=now,
            password=make_password(None),
        )
        for index in range(citizens)
    )
    tokens = Token.objects.bulk_create(Token(user=user, key=Token.generate_key()) for user in users)
    category = city.report_categories.get(code="jalan-rusak")
    kelurahan = city.kecamatan.get(name="Binjai Kota").kelurahan.get(name="Tangsi")
    point = {"lat": 3.6005, "lon": 98.4858}  # Kelurahan Tangsi
    report = {
        "category": category.code,
        "description": DESCRIPTION,
        "kelurahan": kelurahan.pk,
        **point,
        "attributes": {"tingkat_kerusakan": "sedang"},
    }
    bare = {
        "city_id": city.pk,
        "category_id": category.pk,
        "kelurahan_id": kelurahan.pk,
        "kecamatan_id": kelurahan.kecamatan_id,
        "opd_id": category.opd_for(kelurahan.kecamatan).pk,
        "description": DESCRIPTION,
        "status": "received",  # a row the intake leaves alone
        **point,
    }
    return [token.key for token in tokens], report, bare


def post(port, path, body, headers):
    """(status, parsed JSON body or None, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    try:
        return response.status, json.loads(payload), elapsed
    except ValueError:
        return response.status, None, elapsed


def load(port, path, requests_for, clients, seconds):
    """`clients` threads posting to `path` until `seconds` have passed; a Tally of what came back."""
    tally = Tally()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(number):
        sent = 0
        while time.perf_counter() < stop_at:
            body, headers = requests_for(number, sent)
            sent += 1
            try:
                status, answer, elapsed = post(port, path, body, headers)
            except OSError as exc:
                with lock:
                    tally.failures.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                if status == 201:
                    tally.latencies.append(elapsed)
                    tally.accepted.append(answer)
                else:
                    tally.failures.append(f"HTTP {status}: {str(answer)[:200]}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - started
    return tally


def merge(tallies):
    total = Tally()
    for tally in tallies:
        total.seconds += tally.seconds
        total.latencies += tally.latencies
        total.failures += tally.failures
        total.accepted += tally.accepted
    return total


def missing_reports(numbers):
    """The accepted tracking numbers that do not name a report in the database."""
    from reports.models import Report, parse_number

    wanted = {number: parse_number(number) for number in numbers}
    found = set(Report.objects.filter(pk__in=[pk for _, pk in wanted.values()]).values_list("pk", flat=True))
    return [number for number, (_, pk) in wanted.items() if pk not in found]


def not_received(numbers):
    """The accepted tracking numbers whose report has no 'received' audit event (the intake missed it)."""
    from audit.models import AuditEvent
    from reports.models import parse_number

    wanted = {str(parse_number(number)[1]): number for number in numbers}
    events = AuditEvent.objects.filter(object_type="reports.report", action="report.received")
    received = set(events.filter(object_id__in=list(wanted)).values_list("object_id", flat=True))
    return [number for object_id, number in wanted.items() if object_id not in received]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="klien bersamaan")
    parser.add_argument("--seconds", type=float, default=15, help="lama tiap putaran per endpoint")
    parser.add_argument("--citizens", type=int, default=200, help="warga dengan token API")
    args = parser.parse_args()
    check_server()
    create_database(DATABASE, replace=True)
    try:
        with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
            return run(args, Path(tmp))
    finally:
        drop_database(DATABASE)


def run(args, workdir):
    env = site_environment(workdir, CITY, database_url=database_url(DATABASE))
    # Persistent connections, as docs/deployment.md has production run.
    env["DATABASE_CONN_MAX_AGE"] = "60"
    tokens, report, bare = prepare(env, args.citizens)
    env["DJANGO_SETTINGS_MODULE"] = "bare_site.settings"
    api_body, bare_body = json.dumps(report), json.dumps(bare)

    def api_request(client, sent):
        return api_body, {"Authorization": f"Token {tokens[(client + sent * args.clients) % len(tokens)]}"}

    def bare_request(client, sent):
        return bare_body, {}

    endpoints = {"bare": ("/bench/bare-insert", bare_request), "api": ("/api/v1/reports", api_request)}
    port = free_port()
    server = start_server(
        env, port, workers=WORKERS, ready_path="/api/v1/reports/categories", pythonpath=BASE_DIR / "bench"
    )
    worker = None
    tallies = {name: [] for name in endpoints}
    try:
        for path, requests_for in endpoints.values():
            for number in range(WARMUP_REQUESTS):
                post(port, path, *requests_for(number, 0))
        for _ in range(ROUNDS):
            for name, (path, requests_for) in endpoints.items():
                tallies[name].append(load(port, path, requests_for, args.clients, args.seconds))
        stop_server(server)
        server = None
        worker = start_worker(env, workdir)
        intake = wait_for_intake(worker)
        if intake.done:
            intake.deliveries = wait_for_deliveries(worker, intake)
    finally:
        if server is not None:
            stop_server(server)
        if worker is not None:
            stop_worker(worker)
    return verdict(args, {name: merge(rounds) for name, rounds in tallies.items()}, intake)


def start_worker(env, workdir):
    """One `manage.py run_worker`, as `make run` and docs/deployment.md run it."""
    from django.utils import timezone

    worker_env = {**env, "DJANGO_SETTINGS_MODULE": "kotacerdas.settings", "KC_SMS_FILE_PATH": str(workdir / "sms.log")}
    command = [sys.executable, "manage.py", "run_worker"]
    # Its log (a line per task) goes to a file: a pipe nobody reads fills up and stops the worker's task loop.
    worker_log = workdir / "worker.log"
    with worker_log.open("wb") as log:
        worker = subprocess.Popen(command, cwd=BASE_DIR, env=worker_env, stdout=subprocess.DEVNULL, stderr=log)
    worker.log = worker_log
    worker.started_at = timezone.now()
    return worker


def stop_worker(worker):
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@dataclass
class Deliveries:
    """The confirmation SMS of the reports the intake received, as the worker delivered them."""

    during_intake: int  # sent by the time the intake had received the whole backlog
    total: int  # confirmations the intake queued
    sent: int  # of them sent before DELIVERY_TIMEOUT
    seconds: float  # from the worker's start until the last one went out (or the timeout)
    waits: list  # seconds from the moment the worker could see each report to its confirmation's delivery

    def percentile(self, share):
        ordered = sorted(self.waits)
        return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


@dataclass
class Intake:
    backlog: int  # reports left 'submitted' by the load
    seconds: float  # until the worker's intake had received every one of them
    done: bool
    sent_during: int = 0  # confirmations delivered by then
    deliveries: Deliveries | None = None

    @property
    def per_second(self):
        return self.backlog / self.seconds if self.seconds else 0.0


def confirmations():
    from notifications.models import Notification

    return Notification.objects.filter(template="report_received", channel=Notification.Channel.SMS)


def check_alive(worker):
    if worker.poll() is not None:
        raise SystemExit(f"worker berhenti:\n{worker.log.read_text()[-5000:]}")


def wait_for_intake(worker):
    from notifications.models import Notification
    from reports.models import Report, Status

    waiting = Report.objects.filter(status=Status.SUBMITTED)
    backlog = waiting.count()
    started = time.perf_counter()
    while waiting.exists():
        check_alive(worker)
        if time.perf_counter() - started > INTAKE_TIMEOUT:
            return Intake(backlog, time.perf_counter() - started, done=False)
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    sent = confirmations().filter(status=Notification.Status.SENT).count()
    return Intake(backlog, seconds, done=True, sent_during=sent)


def wait_for_deliveries(worker, intake):
    """Keep the worker running until every confirmation is sent; what the reporters saw."""
    from notifications.models import Notification
    from reports.models import Report

    unsent = confirmations().exclude(status=Notification.Status.SENT)
    deadline = time.perf_counter() + DELIVERY_TIMEOUT
    while unsent.exists() and time.perf_counter() < deadline:
        check_alive(worker)
        time.sleep(0.5)
    sent = list(confirmations().filter(status=Notification.Status.SENT).values_list("object_id", "sent_at"))
    submitted = dict(Report.objects.values_list("pk", "created_at"))
    waits = [(sent_at - max(submitted[int(pk)], worker.started_at)).total_seconds() for pk, sent_at in sent]
    last = max((sent_at for _, sent_at in sent), default=worker.started_at)
    return Deliveries(
        during_intake=intake.sent_during,
        total=confirmations().count(),
        sent=len(sent),
        seconds=(last - worker.started_at).total_seconds(),
        waits=waits,
    )


def verdict(args, results, intake):
    from notifications.models import Notification

    bare, api = results["bare"], results["api"]
    numbers = [answer["number"] for answer in api.accepted]
    missing = missing_reports(numbers)
    unreceived = not_received(numbers)
    ratio = api.per_second / bare.per_second if bare.per_second else 0.0
    rows = [
        [
            label,
            len(t.latencies),
            len(t.failures),
            f"{t.per_second:.1f}",
            f"{t.percentile(0.5):.1f}",
            f"{t.percentile(0.95):.1f}",
        ]
        for label, t in (("POST /bench/bare-insert (1 INSERT)", bare), ("POST /api/v1/reports (JSON, tanpa foto)", api))
    ]
    print(
        f"Pengiriman laporan: gunicorn {WORKERS} worker sync, {args.clients} klien bersamaan, "
        f"{ROUNDS}×{args.seconds:g} detik per endpoint bergantian, PostgreSQL, DEBUG mati."
    )
    print_table(["Endpoint", "Diterima", "Gagal", "Per detik", "p50 ms", "p95 ms"], rows)
    print(f"Rasio API / INSERT polos: {ratio:.2f} (target ≥ {TARGET_RATIO:g})")
    print(
        f"Laporan diterima (201): {len(numbers)}; ada di database: {len(numbers) - len(missing)}; "
        f"hilang: {len(missing)}."
    )
    print(
        f"Intake oleh satu worker setelah beban: {intake.backlog} laporan diterima dalam {intake.seconds:.1f} detik "
        f"({intake.per_second:.0f} laporan/detik); tanpa peristiwa audit 'diterima': {len(unreceived)}."
        if intake.done
        else f"Intake oleh worker: {intake.backlog} laporan menunggu, belum habis setelah {INTAKE_TIMEOUT} detik."
    )
    deliveries = intake.deliveries
    if deliveries is not None:
        print(
            f"Konfirmasi SMS: {deliveries.during_intake} dari {deliveries.total} terkirim selama intake menguras "
            f"backlog; {deliveries.sent} terkirim {deliveries.seconds:.1f} detik setelah worker mulai. Tunggu dari "
            f"laporan terlihat oleh worker (dikirim, atau worker mulai bila lebih akhir) sampai SMS terkirim: "
            f"p50 {deliveries.percentile(0.5):.1f} detik, p95 {deliveries.percentile(0.95):.1f} detik."
        )
    else:
        sent = Notification.objects.filter(status=Notification.Status.SENT).count()
        pending = Notification.objects.filter(status=Notification.Status.PENDING).count()
        print(f"Konfirmasi SMS saat worker dihentikan: {sent} terkirim, {pending} masih di outbox.")
    problems = []
    if ratio < TARGET_RATIO:
        problems.append(f"rasio {ratio:.2f} di bawah {TARGET_RATIO:g}")
    for label, tally in (("INSERT polos", bare), ("API", api)):
        if tally.failures:
            problems.append(f"{len(tally.failures)} permintaan {label} gagal, mis. {tally.failures[0]}")
    if missing:
        problems.append(f"{len(missing)} laporan yang diterima tidak ada di database, mis. {missing[0]}")
    if not intake.done:
        problems.append(f"intake belum selesai setelah {INTAKE_TIMEOUT} detik")
    elif unreceived:
        problems.append(f"{len(unreceived)} laporan tanpa peristiwa 'diterima', mis. {unreceived[0]}")
    if deliveries is not None and deliveries.sent < deliveries.total:
        problems.append(
            f"{deliveries.total - deliveries.sent} konfirmasi belum terkirim "
            f"{DELIVERY_TIMEOUT} detik setelah intake selesai"
        )
    if problems:
        print("GAGAL: " + "; ".join(problems) + ".")
        return 1
    print(
        "OK: API paling sedikit setengah laju INSERT polos, tanpa kegagalan, tidak ada laporan yang hilang, "
        "semua tercatat oleh intake dan semua konfirmasi terkirim."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
