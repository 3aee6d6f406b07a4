from django.core.management.base import BaseCommand, CommandError

from cities.profile import ProfileError, load_profile, read_profile, resolve_profile_path


class Command(BaseCommand):
    help = "Muat atau perbarui profil kota: load_city binjai | load_city palu | load_city path/ke/profil.json"

    def add_arguments(self, parser):
        parser.add_argument("profile", help="nama profil bawaan (binjai, palu) atau path berkas JSON")

    def handle(self, *args, profile, **options):
        try:
            report = load_profile(read_profile(resolve_profile_path(profile)))
        except ProfileError as exc:
            raise CommandError(str(exc)) from None
        verb = "dimuat" if report.created else "diperbarui"
        counts = ", ".join(f"{n} {label}" for label, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"{report.city.name} {verb}: {counts}."))
        for item in report.stale:
            self.stdout.write(self.style.WARNING(f"Tidak ada lagi di profil (dibiarkan): {item}"))
