import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from core.scheduler import catch_up, enqueue_due_jobs, run_tick_jobs

logger = logging.getLogger(__name__)

# How long the scheduler thread gets to finish its tick once the worker stops.
SCHEDULER_GRACE_SECONDS = 10


class GracefulWorker(Worker):
    """django-tasks-db's worker, stopped only between database calls.

    The library's handler calls `sys.exit()` at once when no task is running, which can land in
    the middle of claiming a task: the exception then interrupts a COMMIT and the worker dies with
    a traceback and exit status 1. Here the first Ctrl-C / SIGTERM only clears `running`; the loop
    ends after the task in hand or the current sleep (one `--interval`). A second signal still
    forces the exit.
    """

    def shutdown(self, signum, frame):
        if not self.running:
            super().shutdown(signum, frame)
        logger.warning("%s diterima: worker berhenti setelah langkah ini.", signal.strsignal(signum))
        self.running = False


class Command(BaseCommand):
    help = "Jalankan worker latar belakang: eksekusi antrean tugas dan penjadwal tugas berkala."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="detik antar pemeriksaan antrean")
        parser.add_argument("--no-scheduler", action="store_true", help="hanya eksekusi tugas, tanpa penjadwal")

    def handle(self, *args, interval, no_scheduler, **options):
        stop = threading.Event()
        scheduler = threading.Thread(target=self._schedule_loop, args=(stop,), name="scheduler", daemon=True)
        if not no_scheduler:
            scheduler.start()
        # The task runner owns the main thread so it receives Ctrl-C / SIGTERM and finishes the
        # task in hand before exiting. No autoreloader: it would fork a child that outlives a
        # killed parent and run a second scheduler.
        worker = GracefulWorker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=interval,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            if scheduler.is_alive():
                scheduler.join(SCHEDULER_GRACE_SECONDS)

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
