"""Registration numbers under a burst: 50 applicants submitting at the same moment through
permits.actions.do_submit on PostgreSQL get 50 distinct, consecutive registration numbers.

The setup: a fresh PostgreSQL database of its own (migrate, load_city binjai), one verified citizen per
submission (created in bulk) with a complete SIUP draft and its documents uploaded and attached through
the actions, as the pages and the API do. Then one thread per draft, each with its own PostgreSQL
connection, waits at a barrier and calls do_submit() the moment all are released: real parallel
transactions, all queuing on the lock of the year's RegistrationCounter row. A few submissions run
first, one by one, to warm up; the burst's numbers must follow theirs.

    .venv/bin/python bench/permits_race.py [--concurrent 50]

KC_BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
Prints submissions per second and exits 1 if any submission failed or the numbers are not distinct and
consecutive (per year, ending at the year's counter), or do not match the submitted applications.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
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
DATABASE = "kc_bench_permits_race"
WARMUP = 3
SIUP_FORM = {
    "nama_usaha": "Toko Sembako Uji",
    "kbli": "47111",
    "barang_dagangan": "Beras, gula, minyak goreng",
    "modal_usaha": 25000000,
    "alamat_usaha": "Jl. Sudirman No. 12, Kel. Tangsi, Binjai Kota",
}


def prepare(env, count):
    """`count` citizens, each with a complete SIUP draft; returns [(citizen, draft)]."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_city", CITY)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from cities.models import current_city
    from permits import actions
    from permits.models import PermitType
    from reports.generator import citizen_nik

    city = current_city()
    kecamatan_count = city.kecamatan.count()
    citizens = User.objects.bulk_create(
        User(
            login_id=citizen_nik(city, index, kecamatan_count),
            kind=User.Kind.CITIZEN,
            full_name=f"Pemohon Uji {index + 1}",
            phone=f"+62813{index:08d}",
            phone_verified_at=timezone.now(),
            password=make_password(None),
        )
        for index in range(count)
    )
    siup = PermitType.objects.get(city=city, code="siup")
    pairs = []
    for citizen in citizens:
        application = actions.do_save_draft(citizen, siup, form_data=SIUP_FORM)
        for requirement in siup.documents_for("person"):
            if not requirement.get("required", True):
                continue
            upload = _document(requirement, citizen)
            document = actions.do_upload_document(citizen, upload, name=requirement["name"])
            actions.do_attach_document(citizen, application, requirement["code"], document)
        pairs.append((citizen, application))
    return pairs


def _document(requirement, citizen):
    """A small file in the requirement's first accepted format (a PDF, or a JPEG/PNG photo)."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    kind = requirement["formats"][0]
    if kind == "pdf":
        body = f"%PDF-1.4\n% {requirement['code']} {citizen.login_id}\n".encode() + b"\n%%EOF\n"
        return SimpleUploadedFile(f"{requirement['code']}.pdf", body, content_type="application/pdf")
    buffer = BytesIO()
    Image.new("RGB", (60, 90), (citizen.pk % 256, 120, 90)).save(buffer, "PNG" if kind == "png" else "JPEG")
    content_type = "image/png" if kind == "png" else "image/jpeg"
    return SimpleUploadedFile(f"{requirement['code']}.{kind}", buffer.getvalue(), content_type=content_type)


def burst(pairs):
    """Submit every draft at once, one thread and connection each; (seconds, [(number or None, latency, error)])."""
    from django.db import connections

    from permits import actions

    barrier = threading.Barrier(len(pairs) + 1)
    outcomes = [None] * len(pairs)

    def submit(index, citizen, application):
        try:
            barrier.wait(timeout=60)
            started = time.perf_counter()
            try:
                number = actions.do_submit(citizen, application).registration_number
                outcomes[index] = (number, time.perf_counter() - started, None)
            except Exception as exc:  # reported below: any failure fails the benchmark
                outcomes[index] = (None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i, *pair)) for i, pair in enumerate(pairs)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    seconds = time.perf_counter() - started
    return seconds, [outcome or (None, seconds, "tidak selesai dalam 300 detik") for outcome in outcomes]


def check(outcomes, warmup_numbers):
    """The problems with the burst's numbers, as sentences (empty: all is well)."""
    from cities.models import current_city
    from permits.models import Application, RegistrationCounter, Status

    city = current_city()
    problems = []
    failures = [error for _, _, error in outcomes if error]
    if failures:
        problems.append(f"{len(failures)} pengajuan gagal, mis. {failures[0]}")
    numbers = [number for number, _, _ in outcomes if number]
    if len(set(numbers)) != len(numbers):
        problems.append(f"nomor ganda: {len(numbers) - len(set(numbers))}")
    everything = warmup_numbers + numbers
    by_year = {}
    for number in everything:
        _, year, serial = number.split("-")
        by_year.setdefault(int(year), []).append(int(serial))
    for year, serials in by_year.items():
        last = RegistrationCounter.objects.get(city=city, year=year).last
        if sorted(serials) != list(range(last - len(serials) + 1, last + 1)):
            problems.append(f"nomor tahun {year} tidak berurutan tanpa celah sampai penghitung ({last})")
    stored = set(
        Application.objects.filter(registration_number__in=numbers, status=Status.SUBMITTED).values_list(
            "registration_number", flat=True
        )
    )
    if stored != set(numbers):
        problems.append(f"{len(set(numbers) - stored)} nomor tidak ada pada permohonan berstatus diajukan")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=50, help="pengajuan bersamaan")
    args = parser.parse_args()
    if args.concurrent < 2:
        parser.error("--concurrent paling sedikit 2")
    check_server()
    create_database(DATABASE, replace=True)
    try:
        with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
            return run(args, Path(tmp))
    finally:
        drop_database(DATABASE)


def run(args, workdir):
    env = site_environment(workdir, CITY, database_url=database_url(DATABASE))
    pairs = prepare(env, WARMUP + args.concurrent)
    from permits import actions

    warmup_numbers = [actions.do_submit(citizen, draft).registration_number for citizen, draft in pairs[:WARMUP]]
    seconds, outcomes = burst(pairs[WARMUP:])
    problems = check(outcomes, warmup_numbers)
    latencies = sorted(latency * 1000 for number, latency, _ in outcomes if number)
    numbers = sorted(number for number, _, _ in outcomes if number)
    accepted = len(numbers)
    rate = accepted / seconds if seconds else 0.0
    print(
        f"Pengajuan bersamaan lewat permits.actions.do_submit: {args.concurrent} thread, masing-masing dengan "
        f"koneksi PostgreSQL sendiri, dilepas bersamaan (setelah {WARMUP} pengajuan pemanasan)."
    )
    print_table(
        ["Pengajuan", "Berhasil", "Detik", "Per detik", "p50 ms", "p95 ms", "Nomor pertama", "Nomor terakhir"],
        [
            [
                args.concurrent,
                accepted,
                f"{seconds:.2f}",
                f"{rate:.1f}",
                f"{statistics.median(latencies):.0f}" if latencies else "–",
                f"{latencies[min(int(len(latencies) * 0.95), len(latencies) - 1)]:.0f}" if latencies else "–",
                numbers[0] if numbers else "–",
                numbers[-1] if numbers else "–",
            ]
        ],
    )
    if problems:
        print("GAGAL: " + "; ".join(problems) + ".")
        return 1
    print(
        f"OK: {accepted} pengajuan bersamaan mendapat {accepted} nomor registrasi berbeda dan berurutan "
        f"({numbers[0]} … {numbers[-1]}), sesuai penghitung tahunnya."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
