"""Read-only lists of permit applications for the officers' web pages and the API.

`work_queue()` is the queue an officer works from, nearest deadline first; core.pagination.ascending_page
(field "due_at") pages it by keyset. It runs down the partial indexes of permits.models.Application
(application_queue_idx on (opd, step_role, due_at, id), application_holder_idx on (holder, due_at, id),
application_city_queue_idx on (city, due_at, id)), so a page costs the same at 2,000 and at 200,000.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F

from accounts.permissions import SEES_ALL
from cities.models import current_city
from deadlines.models import Deadline
from permits.models import QUEUE_STATUSES, Application

QUEUE_RELATED = ("permit_type", "holder", "company", "applicant", "opd")


def work_queue(user, *, mine=False, unassigned=False):
    """The applications waiting at a step this officer's OPD and role work on, nearest step deadline first.

    Only steps of the officer's own OPD with the officer's own role ("officer" or "head"); waiting on the
    applicant is the applicant's turn and is not in any queue. `mine`: only the steps the officer holds;
    `unassigned`: only the steps nobody has claimed yet (both at once is a ValidationError).

    The Inspektorat, the Command Center and the city admin act on no step: for them this is every
    application at a step in the city, to read (who holds it, where it is, how late). Citizens and officers
    without an OPD get an empty queue.

    Ordered by (due_at, id) ascending, the order core.pagination.ascending_page pages by.
    """
    if mine and unassigned:
        raise ValidationError({"filter": ["Pilih salah satu: yang Anda tangani atau yang belum ditangani."]})
    applications = Application.objects.filter(status__in=sorted(QUEUE_STATUSES))
    if not user.is_authenticated or not user.is_active or not user.is_officer:
        return applications.none()
    if user.role in SEES_ALL:
        city = current_city()
        applications = applications.filter(city=city) if city is not None else applications.none()
    elif user.opd_id is None:
        return applications.none()
    else:
        applications = applications.filter(opd_id=user.opd_id, step_role=user.role)
    if mine:
        applications = applications.filter(holder=user)
    elif unassigned:
        applications = applications.filter(holder__isnull=True)
    return applications.select_related(*QUEUE_RELATED).order_by(F("due_at").asc(nulls_last=True), "id")


def step_clocks(applications):
    """{application id: the live clock of its current step} for a page of applications, in one query.

    The clock carries the near / late flags the deadlines scanner sets (Deadline.is_near, is_breached).
    """
    by_pk = {application.pk: application for application in applications}
    if not by_pk:
        return {}
    live = Deadline.objects.live().filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id__in=[str(pk) for pk in by_pk],
        kind__startswith="permit.step.",
    )
    clocks = {}
    for clock in live:
        application = by_pk[int(clock.object_id)]
        step = application.current_step
        if step is not None and clock.kind == f"permit.step.{step['code']}":
            clocks[application.pk] = clock
    return clocks
