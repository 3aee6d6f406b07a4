"""`manage.py load_demo` files Binjai's e-Perizinan demo applications through the actions, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import demo_nik
from accounts.models import User
from certificates.actions import verify
from deadlines.models import Deadline
from permits.demo import BINJAI
from permits.exports import stats
from permits.models import Application, Status

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def loaded(city, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_applications_at_every_stage(loaded, city):
    assert f"Permohonan demo e-Perizinan: {len(BINJAI)} dibuat, 0 sudah ada." in loaded
    applications = Application.objects.filter(city=city)
    assert applications.count() == len(BINJAI) >= 10
    assert set(applications.values_list("status", flat=True)) == {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.WAITING_APPLICANT,
        Status.APPROVED,
        Status.ISSUED,
        Status.REJECTED,
    }
    for application in applications.filter(status=Status.ISSUED):
        assert verify(application.certificate.number, application.certificate.verification_code).status == "valid"
        assert application.submitted_at < application.decided_at
    assert applications.filter(payments__status="pending").count() == 1
    rina = User.objects.get(login_id=demo_nik(city))
    assert applications.filter(applicant=rina).count() >= 4


def test_one_siup_sits_past_its_deadline_and_is_escalated(loaded, city):
    late = Deadline.objects.breached().get(kind__startswith="permit.")

    application = Application.objects.get(pk=late.object_id)
    assert application.permit_type.code == "siup" and application.status == Status.SUBMITTED
    assert late.escalated_at is not None
    assert stats(city)["late_steps"]["count"] == 1
    others = Deadline.objects.live().filter(kind__startswith="permit.").exclude(pk=late.pk)
    assert others.exists() and not others.filter(breached_at__isnull=False).exists()


def test_demo_dates_tell_weeks_of_use(loaded, city):
    for application in Application.objects.exclude(status=Status.DRAFT):
        assert application.created_at < application.submitted_at
        clock = Deadline.objects.for_case(application).filter(state="running").first()
        if clock is not None:
            assert clock.started_at == application.step_started_at
            assert application.due_at == clock.due_at
    waiting = Application.objects.get(status=Status.WAITING_APPLICANT)
    assert Deadline.objects.for_case(waiting).get(state="paused").remaining_seconds > 0


def test_loading_the_demo_again_adds_nothing(loaded, city):
    before = Application.objects.count()
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert f"Permohonan demo e-Perizinan: 0 dibuat, {len(BINJAI)} sudah ada." in out.getvalue()
    assert Application.objects.count() == before
