"""Create an officer account (for the city admin): manage.py create_officer --nip … --opd … --role …"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.actions import check_officer, do_create_officer
from accounts.models import Role


class Command(BaseCommand):
    help = "Buat akun petugas OPD (masuk dengan NIP). Kata sandi diminta, atau dibaca dari stdin."

    def add_arguments(self, parser):
        parser.add_argument("--nip", required=True, help="NIP 18 digit")
        parser.add_argument("--name", required=True, help="Nama lengkap")
        parser.add_argument("--opd", required=True, help="Kode OPD di profil kota, mis. dinas-pupr")
        parser.add_argument("--role", required=True, help=f"Peran: {', '.join(Role.values)}")
        parser.add_argument("--phone", default="", help="Nomor HP untuk notifikasi")
        parser.add_argument("--email", default="", help="E-mail untuk notifikasi")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Baca kata sandi dari baris pertama stdin (untuk skrip)"
        )

    def handle(self, *args, **options):
        password = self._read_password(options["password_stdin"])
        try:
            officer = check_officer(
                nip=options["nip"],
                full_name=options["name"],
                opd_code=options["opd"],
                role=options["role"],
                phone=options["phone"],
                email=options["email"],
                password=password,
            )
            do_create_officer(officer)
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Petugas {officer.full_name} ({officer.opd.short_name}, {officer.get_role_display()}) dibuat; "
                f"masuk dengan NIP {officer.login_id}."
            )
        )

    def _read_password(self, from_stdin):
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("Kata sandi kosong di stdin.")
            return password
        if not sys.stdin.isatty():
            raise CommandError("Tidak ada terminal untuk meminta kata sandi; gunakan --password-stdin.")
        password = getpass.getpass("Kata sandi: ")
        if password != getpass.getpass("Ulangi kata sandi: "):
            raise CommandError("Kedua kata sandi tidak sama.")
        return password


def _describe(exc):
    if hasattr(exc, "error_dict"):
        return "\n".join(f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages)
    return " ".join(exc.messages)
