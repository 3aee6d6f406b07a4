"""Siti's building permit: the technical OPD reviews and surveys, its head sends it back once, the DPMPTSP
head approves, Siti pays the retribusi, the BPKPAD confirms and the PBG is issued."""

from datetime import date

import pytest
from django.utils import timezone

from audit.events import history
from deadlines.models import Deadline
from notifications.models import Notification
from permits import actions
from permits.models import Payment, Status, StepPhoto, StepRecord
from permits.tests.conftest import PBG_FORM, image, submitted

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def pbg(siti, city):
    return submitted(siti, city, "pbg", form=PBG_FORM)


def step_codes(application):
    return list(StepRecord.objects.filter(application=application).values_list("code", "outcome"))


def test_the_building_permit_goes_through_the_technical_opd_and_is_issued_after_payment(
    pbg, siti, fajar, budi, hendra, rahmat, lina
):
    actions.do_claim(fajar, pbg)
    actions.do_forward(fajar, pbg, note="Berkas lengkap.")
    assert pbg.opd.code == "dinas-pupr" and pbg.current_step["code"] == "pemeriksaan_teknis"
    assert Deadline.objects.for_case(pbg).get(state="running").opd.code == "dinas-pupr"

    actions.do_claim(budi, pbg)
    actions.do_forward(budi, pbg, findings="Gambar arsitektur dan struktur sesuai SNI 1726:2019.")
    actions.do_claim(budi, pbg)
    actions.do_forward(
        budi,
        pbg,
        findings="GSB 5 m terpenuhi; bangunan sesuai gambar.",
        photos=[image("depan.jpg"), image("samping.png", "PNG")],
    )
    survey = StepRecord.objects.get(application=pbg, code="survei_lapangan")
    assert survey.holder == budi and survey.findings.startswith("GSB 5 m")
    assert StepPhoto.objects.filter(record=survey).count() == 2

    actions.do_return(hendra, pbg, "Foto sisi belakang bangunan belum ada.")
    assert pbg.current_step["code"] == "survei_lapangan" and pbg.holder == budi  # back to whoever surveyed
    actions.do_forward(budi, pbg, findings="Sisi belakang sesuai gambar.", photos=[image("belakang.jpg")])
    actions.do_forward(hendra, pbg, note="Direkomendasikan untuk diterbitkan.")
    assert pbg.opd.code == "dpmptsp" and pbg.step_role == "head"

    actions.do_approve_and_sign(rahmat, pbg)

    assert pbg.status == Status.APPROVED and pbg.fee_amount == 1_200_000
    assert pbg.outstanding_fee() == 1_200_000
    assert pbg.certificate is None and pbg.opd.code == "dpmptsp"
    approved = Notification.objects.get(user=siti, template="permit_approved", channel="email")
    assert "Rp1.200.000" in approved.body and pbg.registration_number in approved.body

    wrong = actions.do_record_payment(siti, pbg, "TRF-0001-SALAH")
    actions.do_reject_payment(fajar, wrong, "Referensi tidak ada di rekening koran 3 hari terakhir.")
    assert Notification.objects.filter(user=siti, template="permit_payment_rejected").exists()
    payment = actions.do_record_payment(siti, pbg, "BSU 2026 1105 7788")
    assert payment.reference == "BSU202611057788" and payment.amount == 1_200_000
    assert payment.backend == "manual_transfer"

    actions.do_confirm_payment(lina, payment)

    pbg.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.confirmed_by == lina and payment.paid_at
    assert pbg.status == Status.ISSUED and pbg.outstanding_fee() == 0
    certificate = pbg.certificate
    assert certificate.signer == rahmat  # the head who approved signs, whoever confirmed the payment
    assert certificate.valid_until is None and certificate.valid_from == timezone.localdate()
    assert ["Luas total lantai bangunan (m²)", "120"] in certificate.fields
    assert ["Fungsi bangunan", "Hunian"] in certificate.fields
    assert {m.channel for m in Notification.objects.filter(user=siti, template="permit_issued")} == {"sms", "email"}
    assert step_codes(pbg) == [
        ("verifikasi", "forwarded"),
        ("pemeriksaan_teknis", "forwarded"),
        ("survei_lapangan", "forwarded"),
        ("rekomendasi_teknis", "returned"),
        ("survei_lapangan", "forwarded"),
        ("rekomendasi_teknis", "forwarded"),
        ("persetujuan", "approved"),
    ]
    assert [e for e in history(pbg).values_list("action", flat=True) if "payment" in e] == [
        "permit.payment_recorded",
        "permit.payment_rejected",
        "permit.payment_recorded",
        "permit.payment_confirmed",
    ]


def test_a_return_gives_the_previous_step_a_fresh_clock(pbg, fajar, budi):
    actions.do_forward(fajar, pbg)
    actions.do_return(budi, pbg, "Berkas teknis belum diverifikasi.")

    clocks = Deadline.objects.for_case(pbg).filter(kind="permit.step.verifikasi").order_by("id")
    assert [c.state for c in clocks] == [Deadline.State.MET, Deadline.State.RUNNING]
    assert pbg.holder == fajar  # it was Fajar who forwarded it


def test_a_practice_permit_for_a_doctor_goes_through_the_health_office(siti, city, fajar, nurul, yanti, rahmat):
    form = {
        "jenis_praktik": "Dokter",
        "nomor_str": "1234567890123456",
        "tempat_praktik": "Klinik Pratama Sehat",
        "alamat_praktik": "Jl. Veteran No. 5, Binjai",
    }
    sip = submitted(siti, city, "sip-dokter", form=form)

    actions.do_forward(fajar, sip)
    actions.do_forward(nurul, sip, findings="STR berlaku sampai 2030; rekomendasi IDI cabang Binjai ada.")
    actions.do_forward(yanti, sip, note="Direkomendasikan.")
    actions.do_approve_and_sign(rahmat, sip)

    sip.refresh_from_db()
    assert sip.status == Status.ISSUED
    assert 5 * 365 <= (sip.certificate.valid_until - timezone.localdate()).days <= 5 * 366  # SIP: five years
    assert sip.certificate.title == "Surat Izin Praktik Dokter"


def test_withdrawing_cancels_the_step_clock(pbg, siti, fajar):
    actions.do_claim(fajar, pbg)

    actions.do_withdraw(siti, pbg, "Rencana pembangunan ditunda.")

    assert pbg.status == Status.WITHDRAWN and pbg.decision_reason == "Rencana pembangunan ditunda."
    assert Deadline.objects.for_case(pbg).get().state == Deadline.State.CANCELLED
    assert StepRecord.objects.get(application=pbg).outcome == "withdrawn"


@pytest.mark.parametrize(
    "start, months, last_day",
    [
        (date(2026, 3, 15), 12, date(2027, 3, 14)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 1), 1, date(2026, 12, 31)),
        (date(2024, 2, 29), 60, date(2029, 2, 28)),
        (date(2026, 5, 1), None, None),
    ],
)
def test_a_permit_is_valid_through_the_day_before_its_anniversary(start, months, last_day):
    assert actions.validity_end(start, months) == last_day
