"""The deadline scanner: the worker runs it every minute (deadlines.tasks.scan_deadlines).

Any number of scanners may run at once. Each flag and each escalation is
claimed with a conditional UPDATE inside its own transaction, and the
notifications and audit event of a breach are written in that same
transaction, so every breach is escalated exactly once: the loser of a race
updates zero rows and does nothing.
"""

import logging
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role, User
from audit.events import record
from cities.models import current_city
from deadlines.models import Deadline
from notifications.outbox import notify_user

logger = logging.getLogger(__name__)


@dataclass
class ScanResult:
    near_flagged: int = 0
    breaches_escalated: int = 0
    notifications_queued: int = 0

    def as_dict(self):
        return asdict(self)


def scan(now=None):
    """Flag running clocks near their due moment; flag and escalate each new breach once."""
    now = now or timezone.now()
    city = current_city()
    result = ScanResult()
    if city is None:
        logger.warning("Pemindaian tenggat dilewati: profil kota belum dimuat.")
        return result
    running = Deadline.objects.filter(state=Deadline.State.RUNNING)
    near_ids = running.filter(near_at__lte=now, near_flagged_at__isnull=True).values_list("pk", flat=True)
    for pk in list(near_ids):
        flagged, queued = _flag_near(pk, now, city)
        result.near_flagged += flagged
        result.notifications_queued += queued
    due_ids = Deadline.objects.overdue(now).filter(escalated_at__isnull=True).values_list("pk", flat=True)
    for pk in list(due_ids):
        escalated, queued = _escalate_breach(pk, now, city)
        result.breaches_escalated += escalated
        result.notifications_queued += queued
    if result.near_flagged or result.breaches_escalated:
        logger.info("Pemindaian tenggat: %s", result.as_dict())
    return result


@transaction.atomic
def _flag_near(pk, now, city):
    """Flag one clock as near; its holder is told, unless the deadline has already passed."""
    won = Deadline.objects.filter(
        pk=pk, state=Deadline.State.RUNNING, near_at__lte=now, near_flagged_at__isnull=True
    ).update(near_flagged_at=now)
    if not won:
        return 0, 0
    deadline = Deadline.objects.select_related("opd", "holder").get(pk=pk)
    if deadline.holder is None or not deadline.holder.is_active or deadline.due_at <= now:
        return 1, 0
    messages = notify_user(
        deadline.holder,
        "deadline_near",
        _message_context(deadline, city),
        about=deadline,
        dedupe_key=f"deadline-near:{deadline.pk}",
    )
    return 1, len(messages)


@transaction.atomic
def _escalate_breach(pk, now, city):
    """Claim one breach; only the claimant tells the Inspektorat and the OPD head(s) and writes the audit event."""
    won = (
        Deadline.objects.overdue(now).filter(pk=pk, escalated_at__isnull=True).update(breached_at=now, escalated_at=now)
    )
    if not won:
        return 0, 0
    deadline = Deadline.objects.select_related("opd", "holder").get(pk=pk)
    recipients = breach_recipients(deadline, city)
    if not recipients:
        logger.warning("Tenggat #%s terlewati tetapi tidak ada Inspektorat atau kepala OPD aktif.", deadline.pk)
    context = _message_context(deadline, city)
    queued = 0
    for user in recipients:
        queued += len(
            notify_user(
                user,
                "deadline_breached",
                context,
                about=deadline,
                dedupe_key=f"deadline-breach:{deadline.pk}:{user.pk}",
            )
        )
    record(
        actor=None,
        obj=deadline.case or deadline,
        action="deadline.breached",
        after={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "due_at": deadline.due_at,
            "opd": deadline.opd.code if deadline.opd else None,
            "holder": deadline.holder.label if deadline.holder else None,
            "notified": [user.label for user in recipients],
        },
        reason="Tenggat terlewati; dieskalasi otomatis ke Inspektorat dan kepala OPD.",
    )
    return 1, queued


def breach_recipients(deadline, city):
    """The city's Inspektorat staff and the head(s) of the deadline's OPD, each once."""
    wanted = Q(pk__in=[])
    inspektorat = city.opd_with_function("inspektorat")
    if inspektorat is not None:
        wanted |= Q(opd=inspektorat, role=Role.INSPEKTORAT)
    if deadline.opd_id is not None:
        wanted |= Q(opd_id=deadline.opd_id, role=Role.HEAD)
    return list(User.objects.filter(wanted, is_active=True).select_related("opd").order_by("pk"))


def _message_context(deadline, city):
    local_due = timezone.localtime(deadline.due_at, city.zone)
    return {
        "city": city,
        "deadline": deadline,
        "opd_name": deadline.opd.name if deadline.opd else "(tanpa OPD)",
        "opd_short": deadline.opd.short_name if deadline.opd else "(tanpa OPD)",
        "holder_name": deadline.holder.full_name if deadline.holder else "(belum ditugaskan)",
        "due_text": f"{date_format(local_due, 'l, j F Y H:i')} {city.zone_label}",
        "link": f"{settings.SITE_URL.rstrip('/')}{deadline.url}" if deadline.url else settings.SITE_URL,
    }
