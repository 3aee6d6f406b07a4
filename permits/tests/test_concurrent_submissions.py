"""Registration numbers under load: fifty applicants pressing "Ajukan" at the same moment on PostgreSQL get
fifty distinct, consecutive numbers (the year's counter row is locked by each submission in turn)."""

import pytest
from django.db import connections

from audit.models import AuditEvent
from core.testing import run_concurrently
from permits import actions
from permits.models import Application, RegistrationCounter, Status
from permits.tests.conftest import draft

CONCURRENT = 50


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_submissions_get_fifty_consecutive_numbers(siti, city, media):
    drafts = [draft(siti, city, "siup") for _ in range(CONCURRENT)]

    def submit(application):
        def run():
            try:
                return actions.do_submit(siti, application).registration_number
            finally:
                connections.close_all()

        return run

    numbers = run_concurrently(*(submit(application) for application in drafts), timeout=120)

    year = numbers[0].split("-")[1]
    assert sorted(numbers) == [f"REG-{year}-{serial:06d}" for serial in range(1, CONCURRENT + 1)]
    assert Application.objects.filter(status=Status.SUBMITTED).count() == CONCURRENT
    assert RegistrationCounter.objects.get(city=city, year=int(year)).last == CONCURRENT
    assert AuditEvent.objects.filter(action="permit.submitted").count() == CONCURRENT


def test_a_submission_that_fails_gives_its_number_back(siti, city, media, monkeypatch):
    first, failing, last = (draft(siti, city, "siup") for _ in range(3))
    actions.do_submit(siti, first)
    original = actions._move

    def broken_move(application, *args, **kwargs):
        if application.pk == failing.pk:
            raise RuntimeError("koneksi terputus di tengah pengajuan")
        return original(application, *args, **kwargs)

    monkeypatch.setattr(actions, "_move", broken_move)
    with pytest.raises(RuntimeError):
        actions.do_submit(siti, failing)
    actions.do_submit(siti, last)

    assert [first.registration_number[-6:], last.registration_number[-6:]] == ["000001", "000002"]
    assert Application.objects.get(pk=failing.pk).status == Status.DRAFT
