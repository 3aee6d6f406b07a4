"""The notification outbox.

A message is a row written in the same transaction as the change that
causes it; workers deliver it afterwards. Rendering happens at queue time,
so what is sent is what was true when the change committed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu"
        SENDING = "sending", "Sedang dikirim"
        SENT = "sent", "Terkirim"
        FAILED = "failed", "Gagal permanen"

    channel = models.CharField(max_length=5, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    template = models.CharField(max_length=100)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # The case the message is about ("app_label.model", pk), for the delivery log.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # Optional idempotency key: queueing the same key twice yields one message.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # While a worker holds a message, no other worker may take it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "notifikasi"
        verbose_name_plural = "notifikasi (outbox)"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["object_type", "object_id"], name="notification_object_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.template} ({self.get_status_display()})"

    @property
    def message_id(self):
        """Stable across retries, so a receiver can recognise a repeated delivery."""
        host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
        return f"<notification-{self.pk}@{host}>"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per try, successful or not."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    backend = models.CharField(max_length=100)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "log pengiriman"
        verbose_name_plural = "log pengiriman"
        ordering = ["-id"]

    def __str__(self):
        outcome = "berhasil" if self.ok else "gagal" if self.finished_at else "tidak selesai"
        return f"Percobaan {self.started_at:%Y-%m-%d %H:%M:%S} via {self.backend}: {outcome}"
