from django.core.management.base import BaseCommand

from notifications.delivery import deliver_due


class Command(BaseCommand):
    help = "Kirim sekali semua notifikasi yang sudah jatuh tempo (tanpa worker)."

    def handle(self, *args, **options):
        sent = deliver_due()
        self.stdout.write(f"{sent} notifikasi terkirim.")
