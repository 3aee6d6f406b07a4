"""Issue an Open311 api_key to a client application (for the city admin).

    manage.py issue_open311_key --name "Lapor Binjai" --email dev@laporbinjai.example.org
    manage.py issue_open311_key --name "Lapor Binjai" --rotate     # a new key; the old one stops working

The key is printed once, on the last line of the output; only its digest is stored.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cities.models import current_city
from reports.models import Open311Client
from reports.open311_clients import check_client, do_issue_api_key, do_register_client


class Command(BaseCommand):
    help = "Daftarkan aplikasi klien Open311 dan terbitkan kunci API-nya (dicetak sekali)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Nama aplikasi klien")
        parser.add_argument("--email", default="", help="E-mail kontak pengembang aplikasi (wajib untuk aplikasi baru)")
        parser.add_argument(
            "--rotate", action="store_true", help="Ganti kunci aplikasi yang sudah terdaftar; kunci lama tidak berlaku"
        )

    def handle(self, *args, **options):
        city = current_city()
        if city is None:
            raise CommandError("Profil kota belum dimuat; jalankan manage.py load_city dahulu.")
        registered = Open311Client.objects.filter(city=city, name__iexact=" ".join(options["name"].split())).first()
        if options["rotate"]:
            client = registered
            if client is None:
                raise CommandError(f"Tidak ada aplikasi bernama '{options['name']}' di {city.name}.")
            api_key = do_issue_api_key(client)
            message = f"Kunci baru untuk {client.name}; kunci lama sudah tidak berlaku."
        elif registered is not None:
            raise CommandError(f"Aplikasi '{registered.name}' sudah terdaftar; --rotate menggantikan kuncinya.")
        else:
            try:
                client = check_client(city=city, name=options["name"], contact_email=options["email"])
            except ValidationError as exc:
                raise CommandError(_describe(exc)) from None
            api_key = do_register_client(client)
            message = f"Aplikasi {client.name} ({client.contact_email}) terdaftar di {city.name}."
        self.stdout.write(self.style.SUCCESS(message))
        self.stdout.write("Simpan kunci ini sekarang; kunci tidak dapat ditampilkan lagi:")
        self.stdout.write(api_key)


def _describe(exc):
    return "\n".join(f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages)
