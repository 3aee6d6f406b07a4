from django.db import models
from django.utils import timezone


class PeriodicJob(models.Model):
    """A job the worker side runs every `interval_seconds` (deadline scan, outbox sweep, reminders).

    Every worker process runs a scheduler loop; the conditional UPDATE in
    core.scheduler makes sure only one of them enqueues each run.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "tugas berkala"
        verbose_name_plural = "tugas berkala"

    def __str__(self):
        return self.name
