"""The front office finds a document missing: the application waits on Siti, its clock paused, and runs on
when she sends it."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.models import Deadline
from notifications.models import Notification
from permits import actions
from permits.models import Application, Status
from permits.tests.conftest import submitted, upload

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


# --- The request is the application's own state, not something read back from the audit log ----------------


def test_the_request_s_reason_and_documents_are_kept_on_the_application_until_siti_resubmits(waiting, siti):
    stored = Application.objects.get(pk=waiting.pk)
    assert (stored.requested_documents, stored.request_reason) == (["ktp"], "Foto KTP buram, tidak terbaca.")

    actions.do_attach_document(siti, waiting, "ktp", upload(siti, "jpg"))
    actions.do_resubmit(siti, waiting, "Sudah diganti.")

    stored = Application.objects.get(pk=waiting.pk)
    assert (stored.requested_documents, stored.request_reason, stored.waiting_since) == ([], "", None)


def test_a_second_request_replaces_the_first(waiting, siti, fajar):
    actions.do_attach_document(siti, waiting, "ktp", upload(siti, "jpg"))
    actions.do_resubmit(siti, waiting)

    actions.do_request_documents(fajar, waiting, "NPWP sudah tidak berlaku.", ["npwp"])

    stored = Application.objects.get(pk=waiting.pk)
    assert (stored.requested_documents, stored.request_reason) == (["npwp"], "NPWP sudah tidak berlaku.")


def test_leaving_the_wait_any_other_way_clears_the_request_too(waiting, siti):
    actions.do_withdraw(siti, waiting, "Tidak jadi.")

    stored = Application.objects.get(pk=waiting.pk)
    assert (stored.requested_documents, stored.request_reason) == ([], "")


def test_the_pages_and_the_api_show_the_stored_request(waiting, siti, fajar, client):
    from core.testing import api_client as api
    from permits.tests.test_api import application_url

    # What the application says, whatever the history holds (e.g. a generated application has no events).
    Application.objects.filter(pk=waiting.pk).update(request_reason="Unggah KTP yang masih berlaku.")
    assert AuditEvent.objects.filter(action="permit.documents_requested", reason__startswith="Foto KTP").exists()

    client.force_login(siti)
    page = client.get(reverse("permits:detail", args=[waiting.registration_number])).content.decode()
    assert "<strong>Alasan:</strong> Unggah KTP yang masih berlaku." in page
    assert "Foto KTP buram" not in page.split("judul-lengkapi")[1].split("</section>")[0]
    body = api(siti).get(application_url(waiting)).json()
    assert (body["request_reason"], body["requested_documents"]) == ("Unggah KTP yang masih berlaku.", ["ktp"])

    client.force_login(fajar)
    page = client.get(reverse("permits_officer:detail", args=[waiting.registration_number])).content.decode()
    assert "<dt>Diminta dari pemohon</dt><dd>Unggah KTP yang masih berlaku." in page
    officer = api(fajar).get(f"/api/v1/permits/officer/applications/{waiting.registration_number}").json()
    assert officer["request_reason"] == "Unggah KTP yang masih berlaku."


def test_the_migration_takes_the_latest_request_s_reason_from_the_audit_log(waiting, siti, fajar, city):
    other = submitted(siti, city, "siup")
    actions.do_request_documents(fajar, other, "Pas foto berlatar merah.", ["pas_foto"])
    actions.do_withdraw(siti, other)  # no longer waiting: keeps no request
    migration = importlib.import_module("permits.migrations.0004_application_request_reason")
    actions.do_attach_document(siti, waiting, "ktp", upload(siti, "jpg"))
    actions.do_resubmit(siti, waiting)
    actions.do_request_documents(fajar, waiting, "NPWP sudah tidak berlaku.", ["npwp"])
    Application.objects.update(request_reason="")  # as the column is added

    migration.take_reasons_from_the_audit_log(django_apps, None)

    assert Application.objects.get(pk=waiting.pk).request_reason == "NPWP sudah tidak berlaku."
    assert Application.objects.get(pk=other.pk).request_reason == ""
