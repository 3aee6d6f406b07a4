"""Background tasks of e-Dokter (scheduled by core.scheduler)."""

from django_tasks import task

from clinics import actions


@task()
def materialize_upcoming_sessions():
    """Make the dated sessions of the coming weeks from the weekly schedules; returns how many were made."""
    return actions.materialize_upcoming_sessions()


@task()
def mark_no_shows():
    """Appointments not checked in by the end of their session become no-shows; returns how many."""
    return actions.mark_no_shows()


@task()
def send_reminders():
    """The reminder the day before, once per appointment; returns how many were sent."""
    return actions.send_reminders()


@task()
def close_sessions_on_holidays():
    """Open sessions on a day since made a holiday are cancelled, their patients told; returns how many."""
    return actions.close_sessions_on_holidays()
