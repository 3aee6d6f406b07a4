"""Page weight: a citizen page's first load must transfer at most 150 KB (HTML, CSS, JS, fonts).

Builds a throw-away site the way production runs it (DEBUG off, collectstatic with
WhiteNoise's compressed manifest storage, gunicorn) on a temporary SQLite database
with the city profile and the demo users, then opens each citizen page in a fresh
Chromium context (empty cache, logged in where the page needs it) and adds up what
crossed the wire: response headers plus the encoded body, per resource type.

    .venv/bin/python bench/page_weight.py [--city binjai]

Prints a table and exits 1 if any page is over the budget.
"""

import argparse
import io
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from _support import BASE_DIR, free_port, site_environment, start_server, stop_server

sys.path.insert(0, str(BASE_DIR))

DEFAULT_BUDGET_KB = 150
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Playwright resource types → the columns of the table; images and the like are not counted.
KINDS = {"document": "HTML", "stylesheet": "CSS", "script": "JS", "font": "Fonts"}
COLUMNS = ["HTML", "CSS", "JS", "Fonts"]

# (label, path, who is logged in: None, "citizen" or "unverified")
PAGES = [
    ("Beranda", "/", None),
    ("Tentang", "/tentang/", None),
    ("Daftar", "/akun/daftar/", None),
    ("Masuk", "/akun/masuk/", None),
    ("Verifikasi (htmx)", "/akun/verifikasi/", "unverified"),
    ("Kasus saya", "/saya/kasus/", "citizen"),
    ("Profil", "/saya/", "citizen"),
    ("Laporan warga (peta)", "/laporan/", None),
    ("Detail laporan", "/laporan/{report}/", None),
    ("Lapor (peta)", "/laporan/baru/", "citizen"),
    ("Laporan saya", "/saya/laporan/", "citizen"),
    ("Izin (katalog)", "/izin/", None),
    ("Izin saya", "/izin/saya/", "citizen"),
    ("Dokter (cari)", "/dokter/", None),
    ("Poli (tempat kosong)", "/dokter/{poli}/", None),
    ("Pendaftaran saya", "/dokter/saya/", "citizen"),
    ("Pendaftaran (QR)", "/dokter/saya/{booking}/", "citizen"),
    ("Layar antrean", "/dokter/antrean/{poli}/", None),
    ("Layar antrean RS", "/dokter/antrean/{facility}/", None),
]


def prepare_site(env, city):
    """Migrate, load the city and demo data, collect static files; returns the two test logins and what the
    paths name: a report number, the demo citizen's booking code and its poli."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.actions import do_register_citizen
    from accounts.demo import demo_nik
    from cities.models import current_city

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_city", city, stdout=io.StringIO())
    call_command("load_demo", "--force", stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    resident = current_city()
    # A second resident who registered but has not typed the SMS code yet: the verify page is theirs.
    unverified = do_register_citizen(
        nik=f"{resident.nik_prefix}02150190" + "0007",
        full_name="Bayu Pratama",
        phone="081299990007",
        email="",
        password=env["KC_DEMO_PASSWORD"],
    )
    from reports.models import Report

    # A public demo report with a point: its page carries the small Leaflet map.
    report = Report.objects.public().filter(lat__isnull=False).order_by("id").first()
    from clinics.models import Appointment

    # The demo citizen's booking at the hospital (her daughter at poli anak): its page carries the QR code.
    booking = Appointment.objects.filter(patient__login_id=demo_nik(resident)).order_by("id").first()
    clinic = booking.session.clinic
    names = {
        "report": report.number,
        "booking": booking.booking_code,
        "poli": f"{clinic.facility.code}/{clinic.code}",
        "facility": clinic.facility.code,
    }
    return {"citizen": demo_nik(resident), "unverified": unverified.login_id}, names


def log_in(browser, base_url, login_id, password):
    """Cookies of a session after logging in through the login form."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/akun/masuk/")
    page.get_by_label("NIK atau NIP").fill(login_id)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("load")
    state = context.storage_state()
    context.close()
    return state


def weigh(browser, base_url, path, state):
    """Bytes transferred per column for the first load of `path` with an empty cache."""
    context = browser.new_context(base_url=base_url, storage_state=state)
    page = context.new_page()
    totals = defaultdict(int)

    def finished(request):
        kind = KINDS.get(request.resource_type)
        if kind is None:
            return
        sizes = request.sizes()
        totals[kind] += sizes["responseHeadersSize"] + sizes["responseBodySize"]

    page.on("requestfinished", finished)
    response = page.goto(path, wait_until="networkidle")
    answer = (response.status, response.url)
    context.close()
    return totals, answer


def kilobytes(n):
    return f"{n / 1000:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default=os.environ.get("KC_CITY", "binjai"))
    parser.add_argument("--budget-kb", type=float, default=DEFAULT_BUDGET_KB, help="1 KB = 1000 byte")
    args = parser.parse_args()
    budget = int(args.budget_kb * 1000)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} tidak ada: jalankan scripts/ensure-chromium.")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
        env = site_environment(Path(tmp), args.city)
        logins, names = prepare_site(env, args.city)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(env, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                password = env["KC_DEMO_PASSWORD"]
                states = {None: None}
                for who, login_id in logins.items():
                    states[who] = log_in(browser, base_url, login_id, password)
                rows = []
                for label, path, who in PAGES:
                    path = path.format(**names)
                    totals, (status, final_url) = weigh(browser, base_url, path, states[who])
                    if status != 200 or not final_url.endswith(path):
                        raise SystemExit(f"{label}: {path} menjawab {status} di {final_url}, bukan halamannya.")
                    rows.append((label, path, totals))
                print(f"Chromium {browser.version}, {len(rows)} halaman, gunicorn dengan DEBUG mati.")
                browser.close()
        finally:
            stop_server(server)

    over = print_table(rows, budget)
    if over:
        print(f"GAGAL: {', '.join(over)} melebihi {kilobytes(budget)} KB.")
        return 1
    print(f"OK: semua halaman warga paling besar {kilobytes(budget)} KB.")
    return 0


def print_table(rows, budget):
    header = ["Halaman", "Path", *[f"{c} KB" for c in COLUMNS], "Total KB"]
    lines, over = [], []
    for label, path, totals in rows:
        total = sum(totals.values())
        if total > budget:
            over.append(label)
        lines.append([label, path, *[kilobytes(totals[c]) for c in COLUMNS], kilobytes(total)])
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    print(f"Berat halaman pada muatan pertama (anggaran {kilobytes(budget)} KB, 1 KB = 1000 byte)")
    for row in [header, ["-" * w for w in widths], *lines]:
        cells = [cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells))
    return over


if __name__ == "__main__":
    sys.exit(main())
