"""Writing audit events and reading them back (the public timeline).

`record()` must run inside the transaction of the change it describes: the
event and the change commit together or not at all.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from audit.models import GENESIS_HASH, AuditEvent

# Any 64-bit number that is ours: the advisory lock that serialises the chain.
_CHAIN_LOCK_KEY = 0x4B43_4155_4449_54


def object_key(obj):
    return obj._meta.label_lower, str(obj.pk)


def record(*, actor, obj, action, before=None, after=None, reason="", public=False, public_text=""):
    """Append one event for `obj` to the chain and return it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change it records.")
    object_type, object_id = object_key(obj)
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.label if actor is not None and actor.is_authenticated else "Sistem",
        object_type=object_type,
        object_id=object_id,
        action=action,
        before=before,
        after=after,
        reason=reason,
        public=public,
        public_text=public_text,
    )
    event.prev_hash = last or GENESIS_HASH
    event.hash = event.compute_hash(event.prev_hash)
    event.save(force_insert=True)
    return event


def _lock_chain():
    """Only one transaction at a time may read the chain's tail and extend it.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: write transactions
    are already serialised (IMMEDIATE mode), so no extra lock is needed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    reason: str


def public_timeline(obj):
    """The citizen-visible history of a case, oldest first, without who-did-it or internal notes."""
    object_type, object_id = object_key(obj)
    events = AuditEvent.objects.filter(object_type=object_type, object_id=object_id, public=True).order_by("id")
    return [TimelineEntry(at=e.occurred_at, text=e.public_text or e.action, reason=e.reason) for e in events]


def history(obj):
    """The full history of an object, for officers and the Inspektorat."""
    object_type, object_id = object_key(obj)
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(batch_size=2000):
    """Walk the whole chain in id order; return (events checked, first ChainBreak or None)."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return checked, None
        for event in batch:
            if event.prev_hash != expected_prev:
                return checked, ChainBreak(
                    event.pk, "tautan ke peristiwa sebelumnya tidak cocok (ada yang dihapus atau diubah)"
                )
            if event.compute_hash(event.prev_hash) != event.hash:
                return checked, ChainBreak(event.pk, "isi peristiwa tidak cocok dengan hash-nya (isi diubah)")
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
