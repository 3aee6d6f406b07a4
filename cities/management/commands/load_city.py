from django.core.management.base import BaseCommand, CommandError

from cities.profile import ProfileError, is_loaded, load_profile, read_profile, resolve_profile_path


class Command(BaseCommand):
    help = "Muat atau perbarui profil kota: load_city binjai | load_city palu | load_city path/ke/profil.json"

    def add_arguments(self, parser):
        parser.add_argument("profile", help="nama profil bawaan (binjai, palu) atau path berkas JSON")
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="muat hanya bila berkas profil berubah sejak terakhir dimuat (perubahan lewat admin tetap)",
        )

    def handle(self, *args, profile, if_changed, **options):
        try:
            data = read_profile(resolve_profile_path(profile))
            if if_changed and is_loaded(data):
                self.stdout.write(
                    f"{data['name']}: profil tidak berubah sejak terakhir dimuat; tidak dimuat ulang, "
                    "sehingga perubahan lewat admin tetap. Muat ulang: manage.py load_city " + profile
                )
                return
            report = load_profile(data)
        except ProfileError as exc:
            raise CommandError(str(exc)) from None
        verb = "dimuat" if report.created else "diperbarui"
        counts = ", ".join(f"{n} {label}" for label, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"{report.city.name} {verb}: {counts}."))
        for item in report.stale:
            self.stdout.write(self.style.WARNING(f"Tidak ada lagi di profil (dibiarkan): {item}"))
