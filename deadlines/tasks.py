"""Background tasks of the deadlines app (scheduled by core.scheduler)."""

from django_tasks import task

from deadlines.scanner import scan


@task()
def scan_deadlines():
    """Flag near and breached clocks and escalate new breaches; returns the counts."""
    return scan().as_dict()
