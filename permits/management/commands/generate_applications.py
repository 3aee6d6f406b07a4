from django.core.management.base import BaseCommand

from core.generator_command import (
    add_generator_arguments,
    check_generator_options,
    city_to_fill,
    dots,
    progress_printer,
    run_generator,
    status_summary,
)
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
        parser.add_argument(
            "--years", type=int, default=3, help="rentang waktu pengajuan ke belakang (bawaan: 3 tahun)"
        )
        parser.add_argument(
            "--days", type=int, default=None, help="rentang waktu pengajuan dalam hari (menggantikan --years)"
        )
        add_generator_arguments(parser, "permohonan", BATCH_SIZE)

    def handle(self, *args, count, seed, years, days, batch_size, force, **options):
        check_generator_options("permohonan", force=force, count=count, years=years, days=days, batch_size=batch_size)
        city = city_to_fill()
        span = f"{days} hari terakhir" if days else f"{years} tahun terakhir"
        self.stdout.write(dots(f"Membuat {count:,} permohonan izin untuk {city.name} ({span})…"))
        progress = progress_printer(self.stdout, batch_size, count)
        result = run_generator(
            generate_applications,
            city,
            count,
            seed=seed,
            years=years,
            days=days,
            batch_size=batch_size,
            progress=progress,
        )
        self.stdout.write(f"  Status: {status_summary(result.statuses, Status)}.")
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
