from django.core.management.base import BaseCommand

from core.generator_command import (
    add_generator_arguments,
    check_generator_options,
    city_to_fill,
    dots,
    progress_printer,
    run_generator,
)
from reports.generator import BATCH_SIZE, generate_reports


class Command(BaseCommand):
    help = (
        "Buat N laporan warga yang realistis untuk kota saat ini, untuk benchmark dan demo: kategori berbobot "
        "(jalan rusak, sampah, drainase paling sering), tersebar di kelurahan, titik di dalam kota, waktu "
        "tersebar Y tahun dengan ritme harian dan mingguan, status sesuai umur laporan, pelapor dari warga "
        "contoh (NIK kota, tanpa kata sandi yang bisa dipakai), dukungan warga, dan tenggat berjalan untuk "
        "laporan yang masih terbuka. Riwayat yang dibuat adalah data massal untuk benchmark dan demo: ditulis "
        "langsung per batch, TANPA peristiwa audit, notifikasi, atau foto. Menjalankan lagi menambah N laporan. "
        "Hanya berjalan bila DEBUG aktif, kecuali dengan --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="jumlah laporan yang dibuat")
        parser.add_argument("--years", type=int, default=3, help="rentang waktu laporan ke belakang (bawaan: 3 tahun)")
        add_generator_arguments(parser, "laporan", BATCH_SIZE)

    def handle(self, *args, count, seed, years, batch_size, force, **options):
        check_generator_options("laporan", force=force, count=count, years=years, batch_size=batch_size)
        city = city_to_fill()
        self.stdout.write(dots(f"Membuat {count:,} laporan untuk {city.name} ({years} tahun terakhir)…"))
        progress = progress_printer(self.stdout, batch_size, count)
        result = run_generator(
            generate_reports, city, count, seed=seed, years=years, batch_size=batch_size, progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {result.seconds:.1f} detik: {result.reports} laporan, "
                f"{result.clocks} tenggat berjalan, {result.supports} dukungan; warga contoh: "
                f"{result.citizens_created} baru, {result.citizens_reused} dipakai ulang. "
                "Tanpa peristiwa audit dan notifikasi."
            )
        )
