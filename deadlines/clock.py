"""The one interface domain apps use for their SLA clocks.

A case starts a clock when it enters a step with an SLA, pauses it while
waiting on the citizen or applicant, resumes it when they answer, and stops it
when the step is done. Every call belongs to the caller's transaction (the
case's own state change), so a clock never disagrees with its case.

Time is counted on the city's working calendar. `allowed_seconds` is always
working seconds, whether the SLA was given in working hours or working days,
so pausing, resuming and the "near" point work the same for both.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from cities.models import current_city
from deadlines.models import Deadline

# A clock is "near" its deadline once this share of its working time has passed.
NEAR_FRACTION = 0.75


class DeadlineError(Exception):
    """A clock operation that does not fit the clock's state (started twice, paused when not running, …)."""


def start(case, kind, *, title, opd, working_hours=None, working_days=None, holder=None, url="", now=None):
    """Start the `kind` clock of `case`; give the SLA in working hours or in working days, not both."""
    _require_transaction()
    now = now or timezone.now()
    calendar = _calendar()
    if (working_hours is None) == (working_days is None):
        raise ValueError("Berikan tepat satu batas waktu: working_hours atau working_days.")
    if working_days is not None:
        if not isinstance(working_days, int) or working_days <= 0:
            raise ValueError("working_days harus bilangan bulat positif.")
        due_at = calendar.add_working_days(now, working_days)
        allowed = calendar.working_seconds_between(now, due_at)
    else:
        if working_hours <= 0:
            raise ValueError("working_hours harus positif.")
        allowed = round(working_hours * 3600)
        due_at = calendar.add_working_seconds(now, allowed)
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        kind=kind,
        title=title,
        url=url,
        opd=opd,
        holder=holder,
        started_at=now,
        allowed_seconds=allowed,
        due_at=due_at,
        near_at=calendar.add_working_seconds(now, _seconds_until_near(allowed, allowed)),
    )
    try:
        # The unique constraint on live clocks refuses a second start (also a concurrent one); the
        # savepoint leaves the caller's transaction usable for handling the error.
        with transaction.atomic():
            deadline.save(force_insert=True)
    except IntegrityError:
        raise DeadlineError(f"Tenggat '{kind}' untuk {case} sudah berjalan.") from None
    return deadline


def pause(case, kind, now=None):
    """Stop counting (waiting on the citizen); the working time left is kept for resume()."""
    now = now or timezone.now()
    deadline = _live(case, kind)
    if deadline.state != Deadline.State.RUNNING:
        raise DeadlineError(f"Tenggat '{kind}' untuk {case} tidak sedang berjalan, tidak bisa dijeda.")
    deadline.remaining_seconds = _calendar().working_seconds_between(now, deadline.due_at)
    deadline.paused_at = now
    deadline.state = Deadline.State.PAUSED
    deadline.save(update_fields=["remaining_seconds", "paused_at", "state"])
    return deadline


def resume(case, kind, now=None):
    """Count on from the working time left at pause(); due and near moments move accordingly."""
    now = now or timezone.now()
    deadline = _live(case, kind)
    if deadline.state != Deadline.State.PAUSED:
        raise DeadlineError(f"Tenggat '{kind}' untuk {case} tidak sedang dijeda, tidak bisa dilanjutkan.")
    calendar = _calendar()
    remaining = deadline.remaining_seconds
    deadline.due_at = calendar.add_working_seconds(now, remaining)
    deadline.near_at = calendar.add_working_seconds(now, _seconds_until_near(deadline.allowed_seconds, remaining))
    deadline.paused_at = None
    deadline.remaining_seconds = None
    deadline.state = Deadline.State.RUNNING
    deadline.save(update_fields=["due_at", "near_at", "paused_at", "remaining_seconds", "state"])
    return deadline


def stop(case, kind, now=None):
    """The step is done: the clock ends as met, or as missed if it ran past its due moment."""
    now = now or timezone.now()
    deadline = _live(case, kind)
    counted_until = deadline.paused_at if deadline.state == Deadline.State.PAUSED else now
    missed = deadline.breached_at is not None or counted_until > deadline.due_at
    deadline.state = Deadline.State.MISSED if missed else Deadline.State.MET
    deadline.finished_at = now
    deadline.save(update_fields=["state", "finished_at"])
    return deadline


def cancel(case, kind, now=None):
    """The step no longer applies (case withdrawn or rerouted): the clock ends without a verdict."""
    deadline = _live(case, kind)
    deadline.state = Deadline.State.CANCELLED
    deadline.finished_at = now or timezone.now()
    deadline.save(update_fields=["state", "finished_at"])
    return deadline


def reassign(case, kind, holder):
    """Another officer now holds the case; escalations and the Command Center name them."""
    deadline = _live(case, kind)
    deadline.holder = holder
    deadline.save(update_fields=["holder"])
    return deadline


def live_deadlines_for(case):
    return Deadline.objects.for_case(case).live().select_related("opd", "holder").order_by("due_at")


@dataclass
class OpdFlags:
    """The Command Center's view of one OPD: its breached and near clocks, soonest due first."""

    opd: object
    breached: list = field(default_factory=list)
    near: list = field(default_factory=list)


def flags_by_opd():
    """OPDs with breached or near clocks, the most breaches first; clocks without an OPD come under None."""
    groups = {}
    for label, queryset in (("breached", Deadline.objects.breached()), ("near", Deadline.objects.near())):
        for deadline in queryset.select_related("opd", "holder").order_by("due_at"):
            flags = groups.setdefault(deadline.opd_id, OpdFlags(opd=deadline.opd))
            getattr(flags, label).append(deadline)
    return sorted(
        groups.values(),
        key=lambda f: (-len(f.breached), -len(f.near), f.opd.short_name if f.opd else ""),
    )


def _seconds_until_near(allowed, remaining):
    """Working seconds from a clock with `remaining` left to its near point (0 if already past it)."""
    left_at_near = allowed - round(allowed * NEAR_FRACTION)
    return max(remaining - left_at_near, 0)


def _live(case, kind):
    """The case's live clock of this kind, locked for the caller's transaction so the scanner waits for it."""
    _require_transaction()
    deadline = Deadline.objects.for_case(case).live().filter(kind=kind).select_for_update().first()
    if deadline is None:
        raise DeadlineError(f"Tidak ada tenggat '{kind}' yang berjalan untuk {case}.")
    return deadline


def _calendar():
    city = current_city()
    if city is None:
        raise DeadlineError("Profil kota belum dimuat; kalender kerja tidak tersedia.")
    return city.calendar()


def _require_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Tenggat harus diubah di dalam transaksi perubahan status kasus (transaction.atomic).")
