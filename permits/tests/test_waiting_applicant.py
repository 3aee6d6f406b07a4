"""The front office finds a document missing: the application waits on Siti, its clock paused, and runs on
when she sends it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from deadlines.models import Deadline
from notifications.models import Notification
from permits import actions
from permits.models import Application, Status
from permits.tests.conftest import upload

pytestmark = pytest.mark.usefixtures("media")


def step_clock(application):
    return Deadline.objects.for_case(application).get(kind="permit.step.verifikasi", state__in=["running", "paused"])


@pytest.fixture
def waiting(siup, fajar):
    actions.do_claim(fajar, siup)
    actions.do_request_documents(fajar, siup, "Foto KTP buram, tidak terbaca.", ["ktp"])
    return siup


def test_asking_for_a_document_pauses_the_step_clock_and_tells_siti_what_to_send(waiting, siti):
    clock = step_clock(waiting)

    assert waiting.status == Status.WAITING_APPLICANT and waiting.requested_documents == ["ktp"]
    assert clock.state == Deadline.State.PAUSED and clock.remaining_seconds > 0
    assert waiting.due_at is None  # off the officers' deadline order while it is Siti's turn
    sms = Notification.objects.get(user=siti, template="permit_waiting", channel="sms")
    assert "Foto KTP buram" in sms.body and "KTP elektronik pemohon" in sms.body


def test_the_paused_clock_is_not_escalated_however_long_siti_takes(waiting, irma):
    from deadlines.scanner import scan

    result = scan(now=timezone.now() + timedelta(days=30))

    assert result.breaches_escalated == 0
    assert step_clock(waiting).breached_at is None


def test_siti_resubmits_with_a_new_ktp_and_the_clock_runs_on_where_it_stopped(waiting, siti, fajar, city):
    # Three working hours were left when the front office asked for the new KTP.
    Deadline.objects.filter(pk=step_clock(waiting).pk).update(remaining_seconds=3 * 3600)
    actions.do_attach_document(siti, waiting, "ktp", upload(siti, "jpg", name="ktp-baru.jpg"))

    actions.do_resubmit(siti, waiting, "KTP sudah saya foto ulang.")

    clock = step_clock(waiting)
    expected = city.calendar().add_working_seconds(timezone.now(), 3 * 3600)
    assert abs(clock.due_at - expected) < timedelta(minutes=1)  # not the full 8 hours afresh
    assert clock.state == Deadline.State.RUNNING and clock.allowed_seconds == 8 * 3600
    assert waiting.status == Status.IN_REVIEW and waiting.holder == fajar  # back with the same officer
    assert waiting.due_at == clock.due_at
    assert waiting.requested_documents == [] and waiting.waiting_since is None

    actions.do_forward(fajar, waiting)
    assert Deadline.objects.for_case(waiting).get(kind="permit.step.verifikasi").state == Deadline.State.MET


def test_resubmitting_without_replacing_the_requested_document_is_refused(waiting, siti):
    with pytest.raises(ValidationError) as error:
        actions.do_resubmit(siti, waiting)

    assert error.value.message_dict == {
        "ktp": ["Lampirkan KTP elektronik pemohon yang baru sesuai permintaan petugas."]
    }
    assert Application.objects.get(pk=waiting.pk).status == Status.WAITING_APPLICANT


def test_the_time_siti_took_is_not_counted_as_the_citys_processing_time(waiting, siti, fajar, rahmat):
    Application.objects.filter(pk=waiting.pk).update(waiting_since=timezone.now() - timedelta(days=7))
    waiting.refresh_from_db()
    actions.do_attach_document(siti, waiting, "ktp", upload(siti, "jpg"))
    actions.do_resubmit(siti, waiting)
    actions.do_forward(fajar, waiting)

    actions.do_approve_and_sign(rahmat, waiting)

    waiting.refresh_from_db()
    assert waiting.applicant_wait_seconds >= 5 * 8 * 3600 - 3600  # at least the week's working days
    assert waiting.processing_seconds < 8 * 3600


def test_an_officer_cannot_move_the_application_while_it_waits_on_siti(waiting, fajar):
    with pytest.raises(actions.IllegalMove, match="Menunggu kelengkapan dari pemohon"):
        actions.do_forward(fajar, waiting)
    with pytest.raises(actions.IllegalMove):
        actions.do_request_documents(fajar, waiting, "Lagi.")


def test_an_application_left_waiting_may_still_be_rejected_and_its_clock_ends(waiting, fajar):
    actions.do_reject(fajar, waiting, "Pemohon tidak melengkapi berkas dalam 14 hari.")

    assert waiting.status == Status.REJECTED
    assert not Deadline.objects.for_case(waiting).live().exists()
