import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD_DEFAULT, load_demo_users
from cities.models import current_city, forget_current_city
from clinics.demo import load_demo_clinics
from permits.demo import load_demo_permits
from reports.demo import load_demo_reports


class Command(BaseCommand):
    help = (
        "Buat atau perbarui pengguna demo kota saat ini (warga, petugas dan kepala tiap OPD, Inspektorat, "
        "operator Command Center, perencana Bappeda, TAPD, petugas RSUD, admin kota) dan laporan contoh "
        "e-Masyarakat, permohonan izin contoh e-Perizinan bila kota punya data contohnya, serta sesi praktik "
        "dan pendaftaran contoh e-Dokter. Kata sandi semua "
        f"pengguna demo diambil dari KC_DEMO_PASSWORD (bawaan: {DEMO_PASSWORD_DEFAULT}). "
        "Hanya berjalan bila DEBUG aktif, kecuali dengan --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="jalankan juga bila DEBUG mati (bukan untuk produksi)")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG mati: pengguna demo dengan kata sandi yang diketahui umum tidak dibuat di server produksi. "
                "Pakai --force bila ini memang server uji."
            )
        forget_current_city()
        city = current_city()
        if city is None:
            raise CommandError(
                f"Profil kota '{settings.CITY}' belum dimuat. Jalankan dulu: manage.py load_city {settings.CITY}"
            )
        password = os.environ.get("KC_DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT
        logins, missing = load_demo_users(city, password)
        self.stdout.write(self.style.SUCCESS(f"Pengguna demo {city.name} siap ({len(logins)} akun)."))
        self.stdout.write(self._table(logins))
        source = "KC_DEMO_PASSWORD" if os.environ.get("KC_DEMO_PASSWORD") else "bawaan; ubah dengan KC_DEMO_PASSWORD"
        self.stdout.write(f"Kata sandi semua akun demo: {password}  ({source})")
        for role in missing:
            self.stdout.write(self.style.WARNING(f"Tidak ada OPD untuk peran {role} di profil kota; dilewati."))
        filed, existing = load_demo_reports(city)
        self.stdout.write(f"Laporan demo e-Masyarakat: {filed} dibuat, {existing} sudah ada.")
        filed, existing = load_demo_permits(city)
        self.stdout.write(f"Permohonan demo e-Perizinan: {filed} dibuat, {existing} sudah ada.")
        sessions, booked = load_demo_clinics(city)
        self.stdout.write(
            f"e-Dokter: {sessions} sesi praktik dibuat untuk 4 minggu ke depan, {booked} pendaftaran demo."
        )

    @staticmethod
    def _table(logins):
        rows = [("Peran", "Nama", "OPD", "Login (NIK/NIP)")] + [(x.role, x.name, x.opd, x.login_id) for x in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(lines)
