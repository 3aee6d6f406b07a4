import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from core.scheduler import catch_up, enqueue_due_jobs, run_tick_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Jalankan worker latar belakang: eksekusi antrean tugas dan penjadwal tugas berkala."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="detik antar pemeriksaan antrean")
        parser.add_argument("--no-scheduler", action="store_true", help="hanya eksekusi tugas, tanpa penjadwal")

    def handle(self, *args, interval, no_scheduler, **options):
        stop = threading.Event()
        if not no_scheduler:
            threading.Thread(target=self._schedule_loop, args=(stop,), name="scheduler", daemon=True).start()
        try:
            # The task runner owns the main thread so it receives Ctrl-C / SIGTERM
            # and finishes the task in hand before exiting. No autoreloader: it would
            # fork a child that outlives a killed parent and run a second scheduler.
            call_command("db_worker", interval=interval, startup_delay=False, reload=False)
        finally:
            stop.set()

    def _schedule_loop(self, stop):
        while not stop.is_set():
            busy = False
            try:
                enqueue_due_jobs()
                if any(run_tick_jobs().values()):
                    # Let the task loop get near the end of the queue (the confirmations the tick queued)
                    # before the next batches; then tick again at once: the tick stopped after TICK_BUDGET
                    # seconds and may have left work.
                    catch_up(stop)
                    busy = True
            except Exception:
                # The scheduler must outlive a database hiccup; the next tick retries.
                logger.exception("Penjadwal gagal; dicoba lagi pada putaran berikutnya.")
            finally:
                close_old_connections()
            if not busy:
                stop.wait(1)
