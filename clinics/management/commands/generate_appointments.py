from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from clinics.generator import BATCH_SIZE, generate_appointments
from clinics.models import Status
from core.generator_command import (
    add_generator_arguments,
    check_generator_options,
    city_to_fill,
    dots,
    progress_printer,
    run_generator,
    status_summary,
)


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
        parser.add_argument(
            "--now",
            default=None,
            help="buat data seperti keadaan pada saat ini (ISO 8601 dengan zona waktu, mis. 2026-11-24T10:00+07:00)",
        )
        add_generator_arguments(parser, "pendaftaran", BATCH_SIZE)

    def handle(self, *args, count, days, seed, now, batch_size, force, **options):
        check_generator_options("pendaftaran", force=force, count=count, days=days, batch_size=batch_size)
        if now is not None:
            try:
                now = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError("--now harus berupa waktu ISO 8601, mis. 2026-11-24T10:00+07:00.") from None
            if now.tzinfo is None:
                raise CommandError("--now harus menyebut zona waktunya, mis. 2026-11-24T10:00+07:00.")
        city = city_to_fill()
        span = f"{days} hari terakhir" if days else "sebanyak hari yang dibutuhkan"
        self.stdout.write(dots(f"Membuat {count:,} pendaftaran rawat jalan untuk {city.name} ({span})…"))
        progress = progress_printer(self.stdout, batch_size, count)
        result = run_generator(
            generate_appointments, city, count, seed=seed, days=days, now=now, batch_size=batch_size, progress=progress
        )
        self.stdout.write(f"  Status: {status_summary(result.statuses, Status)}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {result.seconds:.1f} detik: {result.appointments} pendaftaran dalam {result.sessions} "
                f"sesi selama {result.days} hari sejak {result.first_day:%d-%m-%Y}; hari ini dan 14 hari ke depan: "
                f"{result.live_appointments} pendaftaran dalam {result.live_sessions} sesi; warga contoh: "
                f"{result.citizens_created} baru, {result.citizens_reused} dipakai ulang; anggota keluarga baru: "
                f"{result.family_members_created}. Tanpa peristiwa audit dan notifikasi."
            )
        )
