from django.core.management.base import BaseCommand, CommandError

from audit.events import verify_chain


class Command(BaseCommand):
    help = "Periksa rantai hash jejak audit dan laporkan tautan rusak pertama."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken:
            raise CommandError(
                f"Rantai audit RUSAK pada peristiwa #{broken.event_id}: {broken.problem}. "
                f"{checked} peristiwa sebelumnya utuh."
            )
        self.stdout.write(self.style.SUCCESS(f"Rantai audit utuh: {checked} peristiwa diperiksa."))
