"""An approved permit whose retribusi is never paid does not stay open forever: the applicant may withdraw it
while it is unpaid (a payment waiting for confirmation is cancelled with the reason), never once it is paid."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.http import Http404
from django.urls import reverse

from accounts.models import Role
from audit.events import history, public_timeline
from conftest import make_officer, opd
from core.testing import api_client as api
from core.testing import api_error as error
from core.testing import run_concurrently
from permits import actions
from permits.actions import IllegalMove
from permits.models import Application, Payment, Status
from permits.tests.conftest import submitted
from permits.tests.test_api import application_url
from permits.tests.test_pages_applicant import _keramaian_form

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def satpol(city):
    return make_officer("198801012012011009", "Joko Susilo", opd(city, "satpol-pp"), Role.OFFICER)


def approve_keramaian(siti, city, fajar, satpol, rahmat):
    """Siti's izin keramaian (retribusi Rp150.000), approved and signed, waiting for the payment."""
    application = submitted(siti, city, "keramaian", form=_keramaian_form())
    actions.do_forward(fajar, application)
    actions.do_forward(satpol, application, findings="Lokasi aman, jalur evakuasi tersedia.")
    actions.do_approve_and_sign(rahmat, application)
    return application


@pytest.fixture
def approved(siti, city, fajar, satpol, rahmat):
    application = approve_keramaian(siti, city, fajar, satpol, rahmat)
    assert application.status == Status.APPROVED and application.fee_amount == 150000
    return application


def test_siti_withdraws_an_approval_she_will_not_pay_for(approved, siti):
    assert approved.may_be_withdrawn()

    actions.do_withdraw(siti, approved, "Acara dibatalkan panitia.")

    stored = Application.objects.get(pk=approved.pk)
    assert stored.status == Status.WITHDRAWN and stored.certificate_id is None
    assert stored.decision_reason == "Acara dibatalkan panitia." and stored.ended_at is not None
    assert not stored.may_be_withdrawn()
    event = history(stored).get(action="permit.withdrawn")
    assert (event.before["status"], event.after["status"]) == ("approved", "withdrawn")
    assert public_timeline(stored)[-1].text == (
        "Permohonan dibatalkan oleh pemohon sebelum retribusi dibayar; izin tidak diterbitkan."
    )


def test_a_payment_waiting_for_confirmation_is_cancelled_with_the_reason(approved, siti, fajar):
    payment = actions.do_record_payment(siti, approved, "TRF20260001")

    actions.do_withdraw(siti, approved, "Acara dibatalkan panitia.")

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert payment.failure_reason == "Permohonan dibatalkan pemohon: Acara dibatalkan panitia."
    cancelled = history(approved).get(action="permit.payment_cancelled")
    assert cancelled.after == {"payment": payment.pk, "reference": "TRF20260001"}
    # The front office can no longer confirm it, and is told why.
    fresh = Payment.objects.get(pk=payment.pk)
    with pytest.raises(IllegalMove, match="Pembayaran ini berstatus 'Dibatalkan'"):
        actions.do_confirm_payment(fajar, fresh)
    assert Application.objects.get(pk=approved.pk).status == Status.WITHDRAWN


def test_a_withdrawal_without_a_reason_still_says_why_the_payment_was_cancelled(approved, siti):
    payment = actions.do_record_payment(siti, approved, "TRF20260001")

    actions.do_withdraw(siti, approved)

    payment.refresh_from_db()
    assert payment.failure_reason == "Permohonan dibatalkan pemohon."


def test_confirming_with_a_page_opened_before_the_withdrawal_is_refused(approved, siti, fajar):
    payment = actions.do_record_payment(siti, approved, "TRF20260001")
    stale = Payment.objects.select_related("application").get(pk=payment.pk)
    actions.do_withdraw(siti, Application.objects.get(pk=approved.pk))

    with pytest.raises(IllegalMove, match="baru saja diubah orang lain"):
        actions.do_confirm_payment(fajar, stale)
    assert Application.objects.get(pk=approved.pk).certificate_id is None


def test_no_payment_is_recorded_on_a_withdrawn_approval(approved, siti):
    stale = Application.objects.get(pk=approved.pk)
    actions.do_withdraw(siti, approved)

    with pytest.raises(IllegalMove):
        actions.do_record_payment(siti, stale, "TRF20260001")
    assert not Payment.objects.filter(application=approved).exists()


def test_a_paid_approval_can_no_longer_be_withdrawn(approved, siti):
    # A payment backend that confirms before the certificate is issued would leave it approved and paid.
    Payment.objects.create(application=approved, amount=150000, backend="manual", reference="X1", status="paid")

    assert not approved.may_be_withdrawn()
    with pytest.raises(IllegalMove, match="sudah lunas"):
        actions.do_withdraw(siti, approved)
    assert Application.objects.get(pk=approved.pk).status == Status.APPROVED


def test_an_issued_permit_cannot_be_withdrawn_after_its_payment(approved, siti, fajar):
    payment = actions.do_record_payment(siti, approved, "TRF20260001")
    actions.do_confirm_payment(fajar, payment)
    approved.refresh_from_db()

    with pytest.raises(IllegalMove, match="'Izin terbit' tidak dapat dibatalkan lagi"):
        actions.do_withdraw(siti, approved)


def test_only_siti_withdraws_her_approval(approved, andi, fajar, rahmat):
    with pytest.raises(Http404):
        actions.do_withdraw(andi, approved)
    for officer in (fajar, rahmat):
        with pytest.raises(PermissionDenied):
            actions.do_withdraw(officer, approved)
    assert Application.objects.get(pk=approved.pk).status == Status.APPROVED


def test_the_finance_agency_still_sees_the_withdrawn_approval_and_its_cancelled_payment(approved, siti, lina):
    actions.do_record_payment(siti, approved, "TRF20260001")
    assert actions.may_see_application(lina, approved)

    actions.do_withdraw(siti, approved, "Acara dibatalkan panitia.")

    approved.refresh_from_db()
    assert actions.may_see_application(lina, approved)
    assert list(actions.applications_visible_to(lina)) == [approved]
    refused = api(lina).post(
        f"/api/v1/permits/officer/applications/{approved.registration_number}/confirm-payment", {}, format="json"
    )
    assert refused.status_code == 409
    assert error(refused)["message"] == "Tidak ada pembayaran yang menunggu konfirmasi pada permohonan ini."


def test_a_withdrawal_before_approval_is_not_shown_to_the_finance_agency(siti, city, lina):
    application = submitted(siti, city, "keramaian", form=_keramaian_form())
    actions.do_withdraw(siti, application)

    assert not actions.may_see_application(lina, Application.objects.get(pk=application.pk))
    assert not actions.applications_visible_to(lina).exists()


# --- The page and the API offer it --------------------------------------------------------------------------


def test_the_page_offers_the_withdrawal_of_an_unpaid_approval_and_warns_about_the_payment(client, approved, siti):
    actions.do_record_payment(siti, approved, "TRF20260001")
    client.force_login(siti)
    detail = reverse("permits:detail", args=[approved.registration_number])
    url = reverse("permits:withdraw", args=[approved.registration_number])
    assert f'href="{url}"' in client.get(detail).content.decode()

    asked = client.get(url)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "sudah disetujui dan menunggu pembayaran retribusi" in page
    assert "Pembayaran dengan referensi TRF20260001 yang menunggu konfirmasi petugas ikut dibatalkan" in page

    response = client.post(url, {"reason": "Acara dibatalkan panitia."})

    assert response.status_code == 302
    assert Application.objects.get(pk=approved.pk).status == Status.WITHDRAWN
    page = client.get(detail).content.decode()
    assert "Dibatalkan: Permohonan dibatalkan pemohon: Acara dibatalkan panitia." in page
    assert f'href="{url}"' not in page
    assert client.get(url).status_code == 409 and client.post(url).status_code == 409


def test_the_api_offers_the_withdrawal_of_an_unpaid_approval(approved, siti, andi):
    detail = api(siti).get(application_url(approved)).json()
    assert detail["status"] == "approved" and detail["may_withdraw"] is True
    assert api(andi).post(application_url(approved, "/withdraw"), {}, format="json").status_code == 404

    response = api(siti).post(application_url(approved, "/withdraw"), {"reason": "Tidak jadi."}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["may_withdraw"], body["decision_reason"]) == ("withdrawn", False, "Tidak jadi.")
    again = api(siti).post(application_url(approved, "/withdraw"), {}, format="json")
    assert again.status_code == 409
    assert error(again)["message"] == "Permohonan berstatus 'Dibatalkan pemohon' tidak dapat dibatalkan lagi."


# --- Withdrawing while the payment is being confirmed (PostgreSQL, real parallel transactions) --------------

ROUNDS = 4


def _outcome(function):
    def run():
        try:
            function()
            return "done"
        except IllegalMove:
            return "refused"
        finally:
            connections.close_all()

    return run


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_a_confirmation_at_once_end_in_one_of_them(siti, city, fajar, satpol, rahmat, media):
    for _ in range(ROUNDS):
        application = approve_keramaian(siti, city, fajar, satpol, rahmat)
        payment = actions.do_record_payment(siti, application, f"TRF{application.pk:08d}")
        withdrawing = Application.objects.get(pk=application.pk)
        confirming = Payment.objects.select_related("application").get(pk=payment.pk)

        withdrawn, confirmed = run_concurrently(
            _outcome(lambda a=withdrawing: actions.do_withdraw(siti, a, "Tidak jadi.")),
            _outcome(lambda p=confirming: actions.do_confirm_payment(fajar, p)),
        )

        application.refresh_from_db()
        payment.refresh_from_db()
        if withdrawn == "done":
            assert confirmed == "refused" and application.status == Status.WITHDRAWN
            assert payment.status == Payment.Status.CANCELLED and application.certificate_id is None
        else:
            assert (withdrawn, confirmed) == ("refused", "done") and application.status == Status.ISSUED
            assert payment.status == Payment.Status.PAID and application.certificate_id is not None
