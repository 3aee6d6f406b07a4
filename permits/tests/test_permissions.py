"""Only the current step's OPD and role may act; the applicant alone acts as applicant; the Inspektorat reads.

Somebody who may not even see an application gets a 404 (its existence is not revealed); somebody who
may see it but not act gets a PermissionDenied that says who does this step.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import Role
from audit.models import AuditEvent
from conftest import make_officer, opd
from notifications.models import Notification
from permits import actions
from permits.models import Application, Status
from permits.tests.conftest import PBG_FORM, draft, submitted, upload

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def pbg(siti, city):
    return submitted(siti, city, "pbg", form=PBG_FORM)


def officer_moves(application):
    return {
        "claim": lambda user: actions.do_claim(user, application),
        "forward": lambda user: actions.do_forward(user, application, findings="Sesuai."),
        "return": lambda user: actions.do_return(user, application, "Periksa ulang."),
        "request": lambda user: actions.do_request_documents(user, application, "Lengkapi KTP."),
        "reject": lambda user: actions.do_reject(user, application, "Tidak memenuhi syarat."),
        "approve": lambda user: actions.do_approve_and_sign(user, application),
    }


@pytest.mark.parametrize("move", ["claim", "forward", "return", "request", "reject", "approve"])
def test_people_who_cannot_see_siti_s_siup_get_not_found(siup, andi, dewi, budi, nurul, move):
    for outsider in (andi, dewi, budi, nurul):
        with pytest.raises(Http404):
            officer_moves(siup)[move](outsider)
    assert Application.objects.get(pk=siup.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("move", ["claim", "forward", "request", "reject"])
def test_the_technical_opd_sees_a_pbg_at_the_front_office_but_may_not_act_on_it(pbg, budi, hendra, move):
    for officer in (budi, hendra):
        with pytest.raises(PermissionDenied) as refusal:
            officer_moves(pbg)[move](officer)
        assert str(refusal.value) == (
            "Langkah 'Verifikasi berkas oleh front office DPMPTSP' dikerjakan oleh petugas DPMPTSP; "
            "Anda tidak dapat bertindak pada langkah ini."
        )


def test_the_front_office_cannot_do_the_technical_review(pbg, fajar):
    actions.do_forward(fajar, pbg)

    with pytest.raises(PermissionDenied, match="dikerjakan oleh petugas Dinas PUPR"):
        actions.do_forward(fajar, pbg, findings="Sesuai.")


def test_the_head_does_not_do_the_front_office_s_step_and_the_officer_does_not_sign(siup, fajar, rahmat):
    with pytest.raises(PermissionDenied, match="dikerjakan oleh petugas DPMPTSP"):
        actions.do_forward(rahmat, siup)
    actions.do_forward(fajar, siup)

    with pytest.raises(PermissionDenied, match="dikerjakan oleh Kepala DPMPTSP"):
        actions.do_approve_and_sign(fajar, siup)


@pytest.mark.parametrize("move", ["claim", "forward", "request", "reject"])
def test_the_inspektorat_reads_everything_and_never_acts(siup, irma, move):
    actions.access_application(irma, siup)

    with pytest.raises(PermissionDenied, match="Inspektorat hanya dapat membaca"):
        officer_moves(siup)[move](irma)


def test_a_colleague_may_not_act_on_a_step_another_officer_holds(siup, fajar, gilang):
    actions.do_claim(fajar, siup)

    with pytest.raises(PermissionDenied, match="sedang ditangani Fajar Nugroho"):
        actions.do_forward(gilang, siup)


def test_the_head_reassigns_a_held_step_to_a_colleague_who_is_told(siup, fajar, gilang, rahmat):
    actions.do_claim(fajar, siup)

    actions.do_assign(rahmat, siup, gilang)

    assert siup.holder == gilang
    assert AuditEvent.objects.filter(action="permit.assigned").count() == 1
    actions.do_forward(gilang, siup)


def test_an_officer_hands_an_unheld_step_to_a_colleague(siup, fajar, gilang):
    actions.do_assign(fajar, siup, gilang)

    assert siup.status == Status.IN_REVIEW and siup.holder == gilang
    assert Notification.objects.filter(user=gilang, template="permit_assigned").exists()


def test_a_step_is_assigned_only_to_somebody_who_does_that_step(siup, fajar, rahmat, budi, city):
    retired = make_officer("196501011990031001", "Pak Tua", opd(city, "dpmptsp"), Role.OFFICER)
    retired.is_active = False
    retired.save()

    for wrong in (rahmat, budi, retired):
        with pytest.raises(ValidationError, match="Pilih petugas aktif DPMPTSP"):
            actions.do_assign(fajar, siup, wrong)


def test_applicant_actions_belong_to_the_applicant(siup, siti, andi, fajar):
    actions.do_claim(fajar, siup)
    actions.do_request_documents(fajar, siup, "KTP buram.", ["ktp"])

    with pytest.raises(Http404):
        actions.do_resubmit(andi, siup)
    with pytest.raises(Http404):
        actions.do_withdraw(andi, siup)
    with pytest.raises(PermissionDenied, match="Hanya pemohon"):
        actions.do_resubmit(fajar, siup)
    with pytest.raises(PermissionDenied, match="Hanya pemohon"):
        actions.do_attach_document(fajar, siup, "ktp", upload(siti))


def test_a_citizen_cannot_act_as_an_officer_on_her_own_application(siup, siti):
    with pytest.raises(PermissionDenied, match="Hanya petugas"):
        actions.do_forward(siti, siup)


def test_officers_do_not_apply_for_permits_or_upload_documents(fajar, city):
    siup_type = city.permit_types.get(code="siup")

    with pytest.raises(PermissionDenied, match="diajukan oleh warga"):
        actions.do_save_draft(fajar, siup_type, form_data={})
    with pytest.raises(PermissionDenied, match="diajukan oleh warga"):
        upload(fajar)


def test_a_draft_is_siti_s_alone(siti, city, irma, fajar, andi):
    application = draft(siti, city)

    for somebody in (irma, fajar, andi):
        with pytest.raises(Http404):
            actions.access_application(somebody, application)
        assert not actions.applications_visible_to(somebody).filter(pk=application.pk).exists()
    assert actions.applications_visible_to(siti).get() == application


def test_who_sees_which_applications(siup, pbg, siti, andi, fajar, budi, dewi, irma, nurul):
    def visible(user):
        return set(actions.applications_visible_to(user))

    assert visible(siti) == {siup, pbg}
    assert visible(andi) == set()
    assert visible(fajar) == {siup, pbg}  # the DPMPTSP issues both
    assert visible(budi) == {pbg}  # Dinas PUPR reviews building permits only
    assert visible(nurul) == visible(dewi) == set()
    assert visible(irma) == {siup, pbg}
    for user in (siti, andi, fajar, budi, dewi, irma, nurul):
        for application in (siup, pbg):
            assert actions.may_see_application(user, application) == (application in visible(user))


def test_payments_are_confirmed_by_the_issuing_opd_or_the_finance_agency(
    pbg, siti, fajar, budi, hendra, rahmat, lina, irma, andi
):
    for actor, findings in ((fajar, ""), (budi, "Sesuai."), (budi, "Sesuai."), (hendra, "")):
        actions.do_forward(actor, pbg, findings=findings)
    actions.do_approve_and_sign(rahmat, pbg)
    payment = actions.do_record_payment(siti, pbg, "TRF-2026-0001")

    with pytest.raises(Http404):
        actions.do_confirm_payment(andi, payment)
    with pytest.raises(PermissionDenied, match="OPD penerbit izin atau badan keuangan"):
        actions.do_confirm_payment(budi, payment)
    with pytest.raises(PermissionDenied, match="Inspektorat"):
        actions.do_confirm_payment(irma, payment)
    with pytest.raises(PermissionDenied, match="Hanya pemohon"):
        actions.do_record_payment(fajar, pbg, "TRF-2026-0009")

    actions.do_confirm_payment(lina, payment)
    assert Application.objects.get(pk=pbg.pk).status == Status.ISSUED


def test_only_the_head_of_the_issuing_opd_revokes_a_permit(issued_siup, fajar, hendra, irma, rahmat):
    for somebody, error in ((fajar, PermissionDenied), (irma, PermissionDenied), (hendra, Http404)):
        with pytest.raises(error):
            actions.do_revoke(somebody, issued_siup, "Usaha tutup.")

    actions.do_revoke(rahmat, issued_siup, "Usaha tutup permanen, izin dikembalikan pemilik.")

    issued_siup.certificate.refresh_from_db()
    assert issued_siup.status == Status.REVOKED and issued_siup.certificate.revoked_at is not None


def test_only_siti_answers_the_survey_of_her_permit(issued_siup, andi, fajar):
    answers = {f"u{n}": 3 for n in range(1, 10)}

    with pytest.raises(Http404):
        actions.do_answer_survey(andi, issued_siup, answers)
    with pytest.raises(PermissionDenied, match="Hanya pemohon"):
        actions.do_answer_survey(fajar, issued_siup, answers)
