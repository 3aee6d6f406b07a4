"""Append-only, hash-chained audit events.

Each event's hash covers its own content and the previous event's hash, so
editing or deleting any past event breaks every link after it, and
`manage.py verify_audit` finds the first broken one.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now)
    # No database constraint and no cascade: deleting a user must never touch history.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=100)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(blank=True)
    # What the citizen sees on the case's public timeline; internal events stay hidden.
    public = models.BooleanField(default=False)
    public_text = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "peristiwa audit"
        verbose_name_plural = "peristiwa audit"
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx")]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def content(self):
        """Everything the hash protects, in a stable form."""
        return {
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "public": self.public,
            "public_text": self.public_text,
        }

    def compute_hash(self, prev_hash):
        # Round-trip through JSON first, so the hash is over exactly what the
        # database will hand back (e.g. Decimal and dates as strings).
        canonical = json.dumps(
            json.loads(json.dumps(self.content(), cls=DjangoJSONEncoder)),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()
