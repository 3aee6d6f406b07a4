"""Deadlines (SLA clocks) of cases, counted on the city's working calendar.

A domain app starts a clock when a case enters a step with an SLA, pauses it
while waiting on the citizen, and stops it when the step is done (see
deadlines/clock.py). The scanner flags clocks near and past their due time and
escalates each breach exactly once.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

LIVE_STATES = ["running", "paused"]


class DeadlineQuerySet(models.QuerySet):
    def live(self):
        return self.filter(state__in=LIVE_STATES)

    # The Command Center's flags: open cases only; a paused clock keeps its flags until the case is done.
    def breached(self):
        return self.live().filter(breached_at__isnull=False)

    def near(self):
        """Less than a quarter of the working time left, not yet breached."""
        return self.live().filter(near_flagged_at__isnull=False, breached_at__isnull=True)

    def overdue(self, now):
        """Clocks past their due moment: running ones, and paused ones that were paused after it.

        Pausing an overdue clock must not dodge the escalation, so those count too.
        """
        return self.filter(
            models.Q(state=Deadline.State.RUNNING, due_at__lte=now)
            | models.Q(state=Deadline.State.PAUSED, due_at__lt=models.F("paused_at"))
        )

    def for_case(self, case):
        return self.filter(content_type=ContentType.objects.get_for_model(case), object_id=str(case.pk))


class Deadline(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", "Berjalan"
        PAUSED = "paused", "Dijeda"
        MET = "met", "Selesai tepat waktu"
        MISSED = "missed", "Selesai terlambat"
        CANCELLED = "cancelled", "Dibatalkan"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    case = GenericForeignKey("content_type", "object_id")
    # What the clock measures, e.g. "report.verify" or "permit.step.front_office".
    kind = models.CharField(max_length=100)
    # Shown in escalation messages and on the Command Center ("Laporan LP-2026-000123: verifikasi").
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    opd = models.ForeignKey("cities.Opd", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deadlines"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    # Working seconds the SLA allows in total.
    allowed_seconds = models.PositiveIntegerField()
    due_at = models.DateTimeField(null=True, blank=True)
    near_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Working seconds left when paused; the clock resumes from there.
    remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    near_flagged_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = "tenggat"
        verbose_name_plural = "tenggat"
        indexes = [
            models.Index(fields=["state", "due_at"], name="deadline_running_due_idx"),
            models.Index(fields=["state", "near_at"], name="deadline_running_near_idx"),
            models.Index(fields=["content_type", "object_id", "kind"], name="deadline_case_idx"),
            models.Index(fields=["opd", "state"], name="deadline_opd_idx"),
        ]
        constraints = [
            # One live clock per case and kind: starting twice is a bug, not a second SLA.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=models.Q(state__in=LIVE_STATES),
                name="one_live_deadline_per_case_kind",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"

    @property
    def is_breached(self):
        return self.breached_at is not None

    @property
    def is_near(self):
        return self.near_flagged_at is not None and self.breached_at is None
