"""Background tasks of e-Masyarakat (scheduled by core.scheduler)."""

from django_tasks import task

from reports import actions


@task()
def close_resolved_reports():
    """Close the reports resolved more than 7 days ago that their reporter did not reopen; returns how many."""
    return actions.close_resolved_reports()
