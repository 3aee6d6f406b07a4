from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cities.models import current_city, forget_current_city
from permits.generator import BATCH_SIZE, generate_applications
from permits.models import Status


class Command(BaseCommand):
    help = (
        "Buat N permohonan izin yang realistis untuk kota saat ini, untuk benchmark dan demo: jenis izin daring "
        "berbobot (SIUP dan IUMK paling sering), diajukan selama Y tahun terakhir pada hari dan jam kerja, "
        "alur langkah dijalankan sesuai kalender kerja kota (yang lama sebagian besar terbit, sebagian ditolak "
        "atau dibatalkan; yang baru ada di setiap langkah, menunggu pemohon, atau terlambat), nomor registrasi "
        "berurutan dari penghitung tiap tahun, catatan langkah, tenggat berjalan, sertifikat bertanda tangan, "
        "pembayaran retribusi dan jawaban SKM. Pemohon dari warga contoh (NIK kota, tanpa kata sandi yang bisa "
        "dipakai), sebagian dengan badan usaha. Riwayat yang dibuat adalah data massal: ditulis langsung per "
        "batch, TANPA peristiwa audit, notifikasi, atau berkas dokumen. Menjalankan lagi menambah N permohonan. "
        "Hanya berjalan bila DEBUG aktif, kecuali dengan --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="jumlah permohonan yang dibuat")
        parser.add_argument("--seed", type=int, default=None, help="benih acak: benih sama, data sama")
        parser.add_argument(
            "--years", type=int, default=3, help="rentang waktu pengajuan ke belakang (bawaan: 3 tahun)"
        )
        parser.add_argument(
            "--days", type=int, default=None, help="rentang waktu pengajuan dalam hari (menggantikan --years)"
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"permohonan per batch ({BATCH_SIZE})")
        parser.add_argument("--force", action="store_true", help="jalankan juga bila DEBUG mati (bukan untuk produksi)")

    def handle(self, *args, count, seed, years, days, batch_size, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG mati: data permohonan contoh tidak dibuat di server produksi. "
                "Pakai --force bila ini memang server uji atau benchmark."
            )
        if count < 1:
            raise CommandError("Jumlah permohonan harus paling sedikit 1.")
        if years < 1:
            raise CommandError("--years harus paling sedikit 1.")
        if days is not None and days < 1:
            raise CommandError("--days harus paling sedikit 1.")
        if batch_size < 1:
            raise CommandError("--batch-size harus paling sedikit 1.")
        forget_current_city()
        city = current_city()
        if city is None:
            raise CommandError(
                f"Profil kota '{settings.CITY}' belum dimuat. Jalankan dulu: manage.py load_city {settings.CITY}"
            )
        span = f"{days} hari terakhir" if days else f"{years} tahun terakhir"
        self.stdout.write(_dots(f"Membuat {count:,} permohonan izin untuk {city.name} ({span})…"))
        step = max(count // 10, batch_size)

        def progress(done, total):
            if done == total or done % step < batch_size:
                self.stdout.write(_dots(f"  {done:,} / {total:,}"))

        try:
            result = generate_applications(
                city, count, seed=seed, years=years, days=days, batch_size=batch_size, progress=progress
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
                f"Selesai dalam {result.seconds:.1f} detik: {result.applications} permohonan "
                f"({result.drafts} draf), {result.step_records} catatan langkah, {result.clocks} tenggat berjalan, "
                f"{result.certificates} sertifikat, {result.payments} pembayaran, {result.surveys} jawaban SKM; "
                f"warga contoh: {result.citizens_created} baru, {result.citizens_reused} dipakai ulang; "
                f"badan usaha baru: {result.companies_created}; petugas baru: {result.officers_created}. "
                "Tanpa peristiwa audit dan notifikasi."
            )
        )


def _dots(text):
    """1,000 → 1.000, as Indonesian writes it."""
    return text.replace(",", ".")
