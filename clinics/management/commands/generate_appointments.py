from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cities.models import current_city, forget_current_city
from clinics.generator import BATCH_SIZE, generate_appointments
from clinics.models import Status


class Command(BaseCommand):
    help = (
        "Buat N pendaftaran rawat jalan historis yang realistis untuk kota saat ini, untuk benchmark dan demo: "
        "sesi praktik masa lalu dari jadwal mingguan kota selama D hari terakhir (bawaan: sebanyak yang "
        "dibutuhkan kuotanya), terisi sekitar 86% kuota online dan 60% kuota loket, antrean dijalankan "
        "(selesai, tidak hadir, dibatalkan, dipindah jadwal), penghitung sesi sesuai; ditambah pendaftaran untuk "
        "sesi hari ini dan 14 hari ke depan (sama untuk setiap N). Pasien dari warga contoh (NIK kota, tanpa kata "
        "sandi yang bisa dipakai) dan anak yang mereka daftarkan; pasien loket sebagian tanpa akun. Data massal: "
        "ditulis langsung per batch, TANPA peristiwa audit dan notifikasi. Menjalankan lagi menambah N pendaftaran "
        "yang lebih lama. Hanya berjalan bila DEBUG aktif, kecuali dengan --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="jumlah pendaftaran historis yang dibuat")
        parser.add_argument(
            "--days", type=int, default=None, help="rentang riwayat dalam hari (bawaan: sebanyak yang dibutuhkan)"
        )
        parser.add_argument("--seed", type=int, default=None, help="benih acak: benih sama, data sama")
        parser.add_argument(
            "--now",
            default=None,
            help="buat data seperti keadaan pada saat ini (ISO 8601 dengan zona waktu, mis. 2026-11-24T10:00+07:00)",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"pendaftaran per batch ({BATCH_SIZE})")
        parser.add_argument("--force", action="store_true", help="jalankan juga bila DEBUG mati (bukan untuk produksi)")

    def handle(self, *args, count, days, seed, now, batch_size, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG mati: data pendaftaran contoh tidak dibuat di server produksi. "
                "Pakai --force bila ini memang server uji atau benchmark."
            )
        if count < 1:
            raise CommandError("Jumlah pendaftaran harus paling sedikit 1.")
        if days is not None and days < 1:
            raise CommandError("--days harus paling sedikit 1.")
        if batch_size < 1:
            raise CommandError("--batch-size harus paling sedikit 1.")
        if now is not None:
            try:
                now = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError("--now harus berupa waktu ISO 8601, mis. 2026-11-24T10:00+07:00.") from None
            if now.tzinfo is None:
                raise CommandError("--now harus menyebut zona waktunya, mis. 2026-11-24T10:00+07:00.")
        forget_current_city()
        city = current_city()
        if city is None:
            raise CommandError(
                f"Profil kota '{settings.CITY}' belum dimuat. Jalankan dulu: manage.py load_city {settings.CITY}"
            )
        span = f"{days} hari terakhir" if days else "sebanyak hari yang dibutuhkan"
        self.stdout.write(_dots(f"Membuat {count:,} pendaftaran rawat jalan untuk {city.name} ({span})…"))
        step = max(count // 10, batch_size)

        def progress(done, total):
            if done == total or done % step < batch_size:
                self.stdout.write(_dots(f"  {done:,} / {total:,}"))

        try:
            result = generate_appointments(
                city, count, seed=seed, days=days, now=now, batch_size=batch_size, progress=progress
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        statuses = ", ".join(
            f"{Status(status).label.lower()} {number}"
            for status, number in sorted(result.statuses.items(), key=lambda item: -item[1])
        )
        self.stdout.write(f"  Status: {statuses}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {result.seconds:.1f} detik: {result.appointments} pendaftaran dalam {result.sessions} "
                f"sesi selama {result.days} hari sejak {result.first_day:%d-%m-%Y}; hari ini dan 14 hari ke depan: "
                f"{result.live_appointments} pendaftaran dalam {result.live_sessions} sesi; warga contoh: "
                f"{result.citizens_created} baru, {result.citizens_reused} dipakai ulang; anggota keluarga baru: "
                f"{result.family_members_created}. Tanpa peristiwa audit dan notifikasi."
            )
        )


def _dots(text):
    """1,000 → 1.000, as Indonesian writes it."""
    return text.replace(",", ".")
