from django.core.management.base import BaseCommand, CommandError

from audit.events import verify_chain
from audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Periksa rantai hash jejak audit dan laporkan tautan rusak pertama. "
        "Catat 'kepala rantai' yang dicetak di luar basis data; --anchor HASH kemudian membuktikan "
        "bahwa peristiwa terakhir tidak dihapus sejak itu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            metavar="HASH",
            help="hash kepala rantai yang dicatat sebelumnya; harus masih ada di rantai",
        )

    def handle(self, *args, anchor=None, **options):
        checked, broken = verify_chain()
        if broken:
            raise CommandError(
                f"Rantai audit RUSAK pada peristiwa #{broken.event_id}: {broken.problem}. "
                f"{checked} peristiwa sebelumnya utuh."
            )
        # Deleting the newest events breaks no link after them: only a hash kept
        # outside the database (the anchor) can show they were there.
        if anchor and not AuditEvent.objects.filter(hash=anchor).exists():
            raise CommandError(
                f"Jangkar {anchor} tidak ada lagi di rantai: peristiwa yang tercatat sampai jangkar itu telah dihapus."
            )
        self.stdout.write(self.style.SUCCESS(f"Rantai audit utuh: {checked} peristiwa diperiksa."))
        head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        if head:
            self.stdout.write(f"Kepala rantai: #{head[0]} {head[1]}")
