"""Every move the transition table or the workflow does not allow is refused (HTTP 409), leaving nothing
half-written."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from permits import actions
from permits.models import ENDED_STATUSES, TRANSITIONS, Application, Status
from permits.tests.conftest import PBG_FORM, draft, submitted, upload

pytestmark = pytest.mark.usefixtures("media")


def events():
    return AuditEvent.objects.count()


def test_the_transition_table_names_every_status_and_ends_where_cases_end():
    assert set(TRANSITIONS) == set(Status)
    assert all(TRANSITIONS[status] <= {Status.REVOKED} for status in ENDED_STATUSES)
    assert Status.DRAFT not in set().union(*TRANSITIONS.values())  # nothing goes back to a draft
    # Approved ends in a certificate, or is withdrawn by the applicant while its retribusi is unpaid.
    assert TRANSITIONS[Status.APPROVED] == {Status.ISSUED, Status.WITHDRAWN}


def test_move_refuses_what_the_table_does_not_allow(siup, fajar):
    before = events()
    with pytest.raises(actions.IllegalMove, match="tidak dapat diubah menjadi 'Izin terbit'"):
        with transaction.atomic():
            actions._move(siup, Status.ISSUED, actor=fajar, action="issued", public_text="")

    assert Application.objects.get(pk=siup.pk).status == Status.SUBMITTED and events() == before


def test_a_submitted_application_cannot_be_submitted_again(siup, siti):
    with pytest.raises(actions.IllegalMove, match="sudah diajukan"):
        actions.do_submit(siti, siup)


def test_a_submitted_application_is_no_longer_a_draft_to_edit(siup, siti):
    with pytest.raises(actions.IllegalMove, match="Hanya draf yang dapat diubah"):
        actions.do_save_draft(siti, siup.permit_type, form_data={"nama_usaha": "Lain"}, application=siup)
    with pytest.raises(actions.IllegalMove, match="Hanya draf yang dapat dihapus"):
        actions.do_delete_draft(siti, siup)
    with pytest.raises(actions.IllegalMove, match="Lampiran hanya dapat dilepas dari draf"):
        actions.do_detach_document(siti, siup, "ktp")


def test_documents_are_attached_only_to_drafts_or_when_asked(siup, siti, fajar):
    actions.do_claim(fajar, siup)

    with pytest.raises(actions.IllegalMove, match="saat petugas meminta kelengkapan"):
        actions.do_attach_document(siti, siup, "ktp", upload(siti))


def test_the_first_step_has_no_previous_step_to_return_to(siup, fajar):
    with pytest.raises(actions.IllegalMove, match="Ini langkah pertama"):
        actions.do_return(fajar, siup, "Kembalikan.")


def test_the_last_step_is_approved_not_forwarded(siup, fajar, rahmat):
    actions.do_forward(fajar, siup)

    with pytest.raises(actions.IllegalMove, match="Ini langkah terakhir"):
        actions.do_forward(rahmat, siup)


def test_a_head_earlier_in_the_workflow_cannot_approve_the_permit(siti, city, fajar, budi, hendra):
    pbg = submitted(siti, city, "pbg", form=PBG_FORM)
    actions.do_forward(fajar, pbg)
    actions.do_forward(budi, pbg, findings="Gambar sesuai standar teknis.")
    actions.do_forward(budi, pbg, findings="Lokasi sesuai gambar.")

    with pytest.raises(actions.IllegalMove, match="persetujuan dan penandatanganan adalah langkah terakhir"):
        actions.do_approve_and_sign(hendra, pbg)


def test_claiming_a_held_step_is_refused(siup, fajar, gilang):
    actions.do_claim(fajar, siup)

    with pytest.raises(actions.IllegalMove, match="sudah Anda tangani"):
        actions.do_claim(fajar, siup)
    with pytest.raises(actions.IllegalMove, match="sudah ditangani Fajar Nugroho"):
        actions.do_claim(gilang, siup)


def test_resubmitting_is_only_an_answer_to_a_request(siup, siti):
    with pytest.raises(actions.IllegalMove, match="tidak sedang menunggu kelengkapan"):
        actions.do_resubmit(siti, siup)


def test_nothing_moves_an_application_once_it_is_rejected(siup, siti, fajar):
    actions.do_reject(fajar, siup, "Bidang usaha tidak sesuai KBLI.")
    before = events()

    for attempt in (
        lambda: actions.do_claim(fajar, siup),
        lambda: actions.do_forward(fajar, siup),
        lambda: actions.do_reject(fajar, siup, "Lagi."),
        lambda: actions.do_request_documents(fajar, siup, "Lengkapi."),
        lambda: actions.do_withdraw(siti, siup),
        lambda: actions.do_resubmit(siti, siup),
    ):
        with pytest.raises(actions.IllegalMove):
            attempt()
    assert events() == before


def test_a_withdrawn_application_stays_withdrawn(siup, siti, fajar):
    actions.do_withdraw(siti, siup, "Usaha batal dibuka.")

    with pytest.raises(actions.IllegalMove):
        actions.do_claim(fajar, siup)
    with pytest.raises(actions.IllegalMove, match="tidak dapat dibatalkan lagi"):
        actions.do_withdraw(siti, siup)


def test_a_draft_is_deleted_not_withdrawn(siti, city):
    application = draft(siti, city)

    with pytest.raises(actions.IllegalMove, match="hapus saja drafnya"):
        actions.do_withdraw(siti, application)


def test_an_issued_permit_can_no_longer_be_withdrawn_or_rejected(issued_siup, siti, rahmat):
    with pytest.raises(actions.IllegalMove, match="tidak dapat dibatalkan lagi"):
        actions.do_withdraw(siti, issued_siup)
    with pytest.raises(actions.IllegalMove):
        actions.do_reject(rahmat, issued_siup, "Terlambat berubah pikiran.")


def test_payments_wait_for_approval_and_are_recorded_once(siti, city, fajar, budi, hendra, rahmat):
    pbg = submitted(siti, city, "pbg", form=PBG_FORM)
    with pytest.raises(actions.IllegalMove, match="setelah permohonan disetujui"):
        actions.do_record_payment(siti, pbg, "TRF-2026-0001")
    for actor, findings in ((fajar, ""), (budi, "Sesuai."), (budi, "Sesuai."), (hendra, "")):
        actions.do_forward(actor, pbg, findings=findings)
    actions.do_approve_and_sign(rahmat, pbg)
    payment = actions.do_record_payment(siti, pbg, "TRF-2026-0001")

    with pytest.raises(actions.IllegalMove, match="sudah tercatat"):
        actions.do_record_payment(siti, pbg, "TRF-2026-0002")
    actions.do_confirm_payment(fajar, payment)
    with pytest.raises(actions.IllegalMove, match="berstatus 'Lunas'"):
        actions.do_confirm_payment(fajar, payment)
    with pytest.raises(actions.IllegalMove):
        actions.do_reject_payment(fajar, payment, "Salah.")


def test_only_an_issued_permit_can_be_revoked(siup, rahmat):
    with pytest.raises(actions.IllegalMove, match="Hanya izin yang sudah terbit"):
        actions.do_revoke(rahmat, siup, "Usaha tutup.")


def test_the_survey_comes_after_issuance_and_only_once(siup, issued_siup, siti):
    answers = {f"u{n}": 4 for n in range(1, 10)}
    with pytest.raises(actions.IllegalMove, match="setelah izin terbit"):
        actions.do_answer_survey(siti, siup, answers)

    actions.do_answer_survey(siti, issued_siup, answers)
    with pytest.raises(actions.IllegalMove, match="sudah mengisi survei"):
        actions.do_answer_survey(siti, issued_siup, answers)
