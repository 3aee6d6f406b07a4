"""manage.py certificate_key: a new Ed25519 private key for KC_CERTIFICATE_KEY.

The private key (PEM) goes to standard output, so `manage.py certificate_key > key.pem`
writes only the key; its fingerprint and public key go to standard error.
"""

from django.core.management.base import BaseCommand

from certificates.keys import key_id, new_private_key, private_pem, public_pem


class Command(BaseCommand):
    help = "Buat kunci privat Ed25519 baru (PEM) untuk KC_CERTIFICATE_KEY; kunci publiknya ke stderr."

    def add_arguments(self, parser):
        parser.add_argument(
            "--one-line",
            action="store_true",
            help='Satu baris dengan "\\n" di antara baris PEM, untuk berkas lingkungan (EnvironmentFile).',
        )

    def handle(self, *args, one_line=False, **options):
        key = new_private_key()
        pem = private_pem(key)
        self.stdout.write(pem.strip().replace("\n", "\\n") if one_line else pem, ending="\n" if one_line else "")
        self.stderr.write(f"Sidik jari kunci: {key_id(key)}")
        self.stderr.write("Kunci publik (diterbitkan di /verifikasi/kunci-publik.pem):")
        self.stderr.write(public_pem(key), ending="")
        self.stderr.write(
            "Simpan kunci privat sebagai rahasia (KC_CERTIFICATE_KEY). Saat mengganti kunci, tambahkan kunci publik "
            "yang lama ke KC_CERTIFICATE_RETIRED_KEYS agar sertifikat lama tetap dapat diverifikasi."
        )
