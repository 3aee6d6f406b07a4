from django.core.management.base import BaseCommand

from deadlines.scanner import scan


class Command(BaseCommand):
    help = "Pindai tenggat sekali: tandai yang hampir habis dan yang terlewati, eskalasi pelanggaran baru."

    def handle(self, *args, **options):
        result = scan()
        self.stdout.write(
            f"Hampir habis ditandai: {result.near_flagged}; pelanggaran dieskalasi: {result.breaches_escalated}; "
            f"notifikasi diantrekan: {result.notifications_queued}."
        )
