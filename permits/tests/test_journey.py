"""Siti's SIUP, from draft to certificate: the story the issue's "done when" tells, through permits.actions."""

import pytest
from django.utils import timezone

from audit.events import history, public_timeline
from audit.models import AuditEvent
from certificates.actions import verify
from deadlines.models import Deadline
from notifications.models import Notification
from permits import actions
from permits.models import Application, Status, StepRecord
from permits.tests.conftest import draft

pytestmark = pytest.mark.usefixtures("media")


def messages_to(user, template=None):
    queryset = Notification.objects.filter(user=user)
    return queryset.filter(template=template) if template else queryset


def test_siti_gets_her_siup_within_the_day(siti, city, fajar, rahmat):
    application = draft(siti, city, "siup")
    assert application.status == Status.DRAFT and application.registration_number is None
    assert not messages_to(siti).exists()  # a draft is hers alone, nobody is told anything

    actions.do_submit(siti, application)

    assert application.status == Status.SUBMITTED
    assert application.registration_number == f"REG-{timezone.localdate().year}-000001"
    assert application.opd.code == "dpmptsp" and application.step_role == "officer" and application.holder is None
    front_office = Deadline.objects.for_case(application).get()
    assert front_office.kind == "permit.step.verifikasi" and front_office.allowed_seconds == 8 * 3600
    assert application.due_at == front_office.due_at
    assert application.fee_amount == 0
    submitted = messages_to(siti, "permit_submitted")
    assert {m.channel for m in submitted} == {"sms", "email"}
    assert all(application.registration_number in m.body for m in submitted)

    actions.do_claim(fajar, application)
    assert application.status == Status.IN_REVIEW and application.holder == fajar
    assert Deadline.objects.for_case(application).get(state="running").holder == fajar

    actions.do_forward(fajar, application, note="Berkas lengkap dan sesuai.")
    assert application.step_index == 1 and application.step_role == "head" and application.holder is None
    clocks = Deadline.objects.for_case(application)
    assert clocks.get(kind="permit.step.verifikasi").state == Deadline.State.MET
    assert clocks.get(kind="permit.step.persetujuan").allowed_seconds == 16 * 3600

    actions.do_approve_and_sign(rahmat, application)

    application.refresh_from_db()
    assert application.status == Status.ISSUED and application.issued_at is not None
    assert application.approved_by == rahmat and application.processing_seconds is not None
    assert not Deadline.objects.for_case(application).live().exists()
    certificate = application.certificate
    assert certificate.number == f"DPMPTSP/SIUP/{timezone.localdate().year}/000001"
    assert certificate.title == "Surat Izin Usaha Perdagangan" and certificate.holder_name == "Siti Aminah"
    assert certificate.signer == rahmat and certificate.valid_until is None
    assert ["Nama usaha/toko", "Toko Sembako Siti"] in certificate.fields
    assert "1275" in certificate.holder_detail and siti.login_id not in certificate.holder_detail
    assert verify(certificate.number, certificate.verification_code).status == "valid"
    issued = messages_to(siti, "permit_issued")
    assert {m.channel for m in issued} == {"sms", "email"}
    assert all(f"/izin/saya/{application.registration_number}/sertifikat.pdf" in m.body for m in issued)
    assert not messages_to(siti, "permit_approved").exists()  # free: straight to the certificate

    records = list(StepRecord.objects.filter(application=application))
    assert [(r.code, r.outcome, r.holder) for r in records] == [
        ("verifikasi", "forwarded", fajar),
        ("persetujuan", "approved", rahmat),
    ]
    actions_done = list(history(application).values_list("action", flat=True))
    assert actions_done == [
        "permit.submitted",
        "permit.claimed",
        "permit.forwarded",
        "permit.approved",
        "permit.issued",
    ]
    timeline = " ".join(entry.text for entry in public_timeline(application))
    assert "Fajar" not in timeline and "Rahmat" not in timeline and "nomor DPMPTSP/SIUP" in timeline


def test_each_move_is_told_to_the_applicant(siup, siti, fajar, rahmat):
    actions.do_claim(fajar, siup)
    actions.do_forward(fajar, siup)

    templates = list(messages_to(siti).filter(channel="sms").order_by("id").values_list("template", flat=True))
    assert templates == ["permit_submitted", "permit_status", "permit_status"]


def test_the_public_tracking_shows_the_step_and_status_only(siup, fajar):
    actions.do_claim(fajar, siup)

    tracking = actions.track(siup.registration_number.lower() + " ")

    assert tracking.number == siup.registration_number
    assert tracking.status == Status.IN_REVIEW and tracking.status_label == "Sedang diproses"
    assert tracking.step_name == "Verifikasi berkas oleh front office DPMPTSP"
    assert tracking.since == siup.step_started_at
    assert set(vars(tracking)) == {"number", "status", "status_label", "step_name", "since"}
    assert actions.track("REG-2020-000001") is None
    assert actions.track("bukan nomor") is None
    assert actions.track("") is None


def test_an_application_forwarded_twice_at_once_moves_once(siup, fajar):
    actions.do_claim(fajar, siup)
    stale = Application.objects.get(pk=siup.pk)
    actions.do_forward(fajar, siup)

    with pytest.raises(actions.IllegalMove, match="baru saja diubah"):
        actions.do_forward(fajar, stale)

    assert AuditEvent.objects.filter(action="permit.forwarded").count() == 1


def test_documents_are_uploaded_once_and_reused(siti, city):
    first = draft(siti, city, "siup")
    ktp = first.attachments.get(requirement="ktp").document
    second = actions.do_save_draft(siti, first.permit_type, form_data={})

    actions.do_attach_document(siti, second, "ktp", ktp)

    assert second.attachments.get(requirement="ktp").document == ktp
    again = actions.do_upload_document(siti, ktp.file.open("rb"), name="KTP lagi")
    assert again == ktp  # the same content is kept once


def test_registration_numbers_count_on_through_the_year(siti, city):
    numbers = [actions.do_submit(siti, draft(siti, city, "siup")).registration_number for _ in range(3)]

    year = timezone.localdate().year
    assert numbers == [f"REG-{year}-000001", f"REG-{year}-000002", f"REG-{year}-000003"]
