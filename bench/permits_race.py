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
import sys
from functools import partial

from _support import (
    BASE_DIR,
    create_citizens,
    latency_cells,
    print_table,
    release_together,
    setup_site_here,
    throwaway_database_site,
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
    setup_site_here(env, CITY)
    from cities.models import current_city
    from permits import actions
    from permits.models import PermitType

    city = current_city()
    citizens = create_citizens(count, "Pemohon Uji")
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
    from permits import actions

    def submit(citizen, application):
        return actions.do_submit(citizen, application).registration_number

    return release_together([partial(submit, citizen, application) for citizen, application in pairs])


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
    with throwaway_database_site(DATABASE, CITY) as env:
        return run(args, env)


def run(args, env):
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
                *latency_cells(latencies),
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
