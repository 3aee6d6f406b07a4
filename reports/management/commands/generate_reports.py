from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cities.models import current_city, forget_current_city
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
        parser.add_argument("--seed", type=int, default=None, help="benih acak: benih sama, data sama")
        parser.add_argument("--years", type=int, default=3, help="rentang waktu laporan ke belakang (bawaan: 3 tahun)")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"laporan per batch ({BATCH_SIZE})")
        parser.add_argument("--force", action="store_true", help="jalankan juga bila DEBUG mati (bukan untuk produksi)")

    def handle(self, *args, count, seed, years, batch_size, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG mati: data laporan contoh tidak dibuat di server produksi. "
                "Pakai --force bila ini memang server uji atau benchmark."
            )
        if count < 1:
            raise CommandError("Jumlah laporan harus paling sedikit 1.")
        if years < 1:
            raise CommandError("--years harus paling sedikit 1.")
        if batch_size < 1:
            raise CommandError("--batch-size harus paling sedikit 1.")
        forget_current_city()
        city = current_city()
        if city is None:
            raise CommandError(
                f"Profil kota '{settings.CITY}' belum dimuat. Jalankan dulu: manage.py load_city {settings.CITY}"
            )
        self.stdout.write(f"Membuat {count:,} laporan untuk {city.name} ({years} tahun terakhir)…".replace(",", "."))
        step = max(count // 10, batch_size)

        def progress(done, total):
            if done == total or done % step < batch_size:
                self.stdout.write(f"  {done:,} / {total:,}".replace(",", "."))

        try:
            result = generate_reports(city, count, seed=seed, years=years, batch_size=batch_size, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {result.seconds:.1f} detik: {result.reports} laporan, "
                f"{result.clocks} tenggat berjalan, {result.supports} dukungan; warga contoh: "
                f"{result.citizens_created} baru, {result.citizens_reused} dipakai ulang. "
                "Tanpa peristiwa audit dan notifikasi."
            )
        )
