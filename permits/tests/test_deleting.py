"""Deleting from "Dokumen saya" and "Badan usaha saya": only the owner, never what a submitted application
was submitted with, and drafts let go of what is deleted. The same rules on the pages and in the API."""

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.http import Http404
from django.urls import reverse

from audit.events import object_key
from audit.models import AuditEvent
from core.testing import api_client as api
from core.testing import api_error as error
from core.testing import run_concurrently
from permits import actions
from permits.actions import IllegalMove
from permits.models import Application, ApplicationDocument, Company, Document, Status
from permits.tests.conftest import draft, upload

pytestmark = pytest.mark.usefixtures("media")


def html(response):
    return unescape(response.content.decode())


@pytest.fixture
def company(siti):
    return actions.do_save_company(siti, name="CV Sinar Jaya", nib="1234567890123", address="Jl. Sudirman 12")


def attached(application, requirement):
    return application.attachments.get(requirement=requirement).document


# --- Documents: the rules -----------------------------------------------------------------------------------


def test_siti_deletes_a_document_nothing_uses_and_its_file_goes_with_it(siti, django_capture_on_commit_callbacks):
    document = upload(siti, name="Surat lama.pdf")
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        drafts = actions.do_delete_document(siti, document)

    assert drafts == []
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)


def audit_trail(key):
    object_type, object_id = key
    events = AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("id")
    return [(event.action, event.actor_id, event.before, event.after) for event in events]


def test_her_library_keeps_an_audit_trail_of_uploads_changes_and_deletions(siti, city):
    document = upload(siti, name="Surat lama.pdf")
    application = draft(siti, city, "siup")
    ktp = attached(application, "ktp")
    company = actions.do_save_company(siti, name="CV Sinar Jaya", nib="1234567890123", address="Jl. Sudirman 12")
    actions.do_save_company(
        siti, name="CV Sinar Jaya Abadi", nib="1234567890123", address="Jl. Sudirman 12", company=company
    )
    fields = {"name": "Surat lama.pdf", "kind": document.kind, "size": document.size, "sha256": document.sha256}
    document_key, ktp_key, company_key, draft_key = map(object_key, (document, ktp, company, application))

    actions.do_delete_document(siti, document)
    actions.do_delete_document(siti, ktp)
    actions.do_delete_company(siti, company)
    actions.do_delete_draft(siti, application)

    assert audit_trail(document_key) == [
        ("permit.document_uploaded", siti.pk, None, fields),
        ("permit.document_deleted", siti.pk, fields, {"taken_off_drafts": []}),
    ]
    assert audit_trail(ktp_key)[-1][0::3] == ("permit.document_deleted", {"taken_off_drafts": [int(draft_key[1])]})
    old = {"name": "CV Sinar Jaya", "nib": "1234567890123", "npwp": "", "address": "Jl. Sudirman 12"}
    new = {**old, "name": "CV Sinar Jaya Abadi"}
    assert audit_trail(company_key) == [
        ("permit.company_added", siti.pk, None, old),
        ("permit.company_changed", siti.pk, old, new),
        ("permit.company_deleted", siti.pk, new, {"drafts_now_personal": []}),
    ]
    assert audit_trail(draft_key)[-1][:3] == (
        "permit.draft_deleted",
        siti.pk,
        {"permit_type": "siup", "company": None},
    )


def test_deleting_a_document_takes_it_off_her_drafts_which_then_lack_it(siti, city):
    application = draft(siti, city, "siup")
    ktp = attached(application, "ktp")
    stale = Application.objects.get(pk=application.pk)  # the draft as an open page still shows it

    drafts = actions.do_delete_document(siti, ktp)

    assert [d.pk for d in drafts] == [application.pk]
    assert not Document.objects.filter(pk=ktp.pk).exists()
    assert set(application.attachments.values_list("requirement", flat=True)) == {"npwp", "pas_foto"}
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    # Submitting the draft now is refused for the missing document, not submitted without it.
    with pytest.raises(ValidationError) as refused:
        actions.do_submit(siti, stale)
    assert refused.value.message_dict["ktp"] == ["KTP elektronik pemohon belum dilampirkan."]
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_a_document_of_a_submitted_application_is_kept_as_its_evidence(siti, city, siup):
    ktp = attached(siup, "ktp")

    with pytest.raises(IllegalMove) as refused:
        actions.do_delete_document(siti, ktp)

    assert str(refused.value) == (
        f"Dokumen '{ktp.name}' tidak dapat dihapus: dokumen ini dilampirkan pada permohonan "
        f"{siup.registration_number} yang sudah diajukan dan disimpan sebagai bukti permohonan itu."
    )
    assert Document.objects.filter(pk=ktp.pk).exists() and ktp.file.storage.exists(ktp.file.name)
    assert attached(siup, "ktp") == ktp


def test_a_document_shared_by_a_draft_and_an_ended_application_stays_in_both(siti, city, siup):
    ktp = attached(siup, "ktp")
    actions.do_withdraw(siti, siup, "Salah jenis izin.")
    application = draft(siti, city, "siup")
    actions.do_attach_document(siti, application, "ktp", ktp)

    with pytest.raises(IllegalMove, match=siup.registration_number):
        actions.do_delete_document(siti, ktp)

    assert attached(application, "ktp") == ktp and attached(siup, "ktp") == ktp


def test_nobody_else_deletes_siti_s_documents(siti, andi, fajar, city):
    document = upload(siti)

    with pytest.raises(Http404):
        actions.do_delete_document(andi, document)
    with pytest.raises(PermissionDenied):
        actions.do_delete_document(fajar, document)
    assert Document.objects.filter(pk=document.pk).exists()


# --- Companies: the rules -----------------------------------------------------------------------------------


def test_siti_deletes_a_company_no_application_names(siti, company):
    assert actions.do_delete_company(siti, company) == []
    assert not Company.objects.filter(pk=company.pk).exists()


def test_her_drafts_for_a_deleted_company_become_her_own_without_the_company_documents(siti, city, company):
    application = draft(siti, city, "siup", company=company)
    assert set(application.attachments.values_list("requirement", flat=True)) == {"ktp", "npwp", "akta"}
    akta = attached(application, "akta")
    stale = Application.objects.select_related("company").get(pk=application.pk)

    drafts = actions.do_delete_company(siti, company)

    assert [d.pk for d in drafts] == [application.pk]
    application.refresh_from_db()
    assert application.company_id is None and application.status == Status.DRAFT
    assert set(application.attachments.values_list("requirement", flat=True)) == {"ktp", "npwp"}
    assert Document.objects.filter(pk=akta.pk).exists()  # still in "Dokumen saya"
    # A page opened before the deletion cannot submit the draft for the company that is gone.
    with pytest.raises(ValidationError) as refused:
        actions.do_submit(siti, stale)
    assert set(refused.value.message_dict) == {"pas_foto"}


def test_a_company_named_by_a_submitted_application_is_kept(siti, city, company):
    application = actions.do_submit(siti, draft(siti, city, "siup", company=company))
    other = draft(siti, city, "siup", company=company)

    with pytest.raises(IllegalMove) as refused:
        actions.do_delete_company(siti, company)

    assert str(refused.value) == (
        f"CV Sinar Jaya tidak dapat dihapus: badan usaha ini tercantum pada permohonan "
        f"{application.registration_number} yang sudah diajukan, dan datanya disimpan bersama permohonan itu."
    )
    assert Company.objects.filter(pk=company.pk).exists()
    other.refresh_from_db()
    assert other.company_id == company.pk and other.attachments.filter(requirement="akta").exists()


def test_a_refusal_names_a_few_applications_and_counts_the_rest(siti, city, company, fajar, rahmat):
    numbers = [actions.do_submit(siti, draft(siti, city, "siup", company=company)).registration_number for _ in "12345"]

    with pytest.raises(IllegalMove) as refused:
        actions.do_delete_company(siti, company)

    assert f"{numbers[0]}, {numbers[1]}, {numbers[2]} dan 2 lainnya" in str(refused.value)


def test_nobody_else_deletes_siti_s_company(siti, andi, fajar, company):
    with pytest.raises(Http404):
        actions.do_delete_company(andi, company)
    with pytest.raises(PermissionDenied):
        actions.do_delete_company(fajar, company)
    assert Company.objects.filter(pk=company.pk).exists()


# --- The pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def siti_client(client, siti):
    client.force_login(siti)
    return client


def test_dokumen_saya_offers_to_delete_what_no_submitted_application_holds(siti_client, siti, city, siup):
    loose = upload(siti, name="Surat keterangan.pdf")
    evidence = attached(siup, "ktp")

    page = html(siti_client.get(reverse("permits:documents")))

    assert f'href="{reverse("permits:document_delete", args=[loose.pk])}"' in page
    assert "Hapus Surat keterangan.pdf" in page
    assert reverse("permits:document_delete", args=[evidence.pk]) not in page
    assert "Bukti permohonan yang sudah diajukan; tidak dapat dihapus" in page


def test_deleting_a_document_on_the_page_asks_first_then_deletes(siti_client, siti, city):
    application = draft(siti, city, "siup")
    ktp = attached(application, "ktp")
    url = reverse("permits:document_delete", args=[ktp.pk])

    asked = siti_client.get(url)

    assert asked.status_code == 200
    page = html(asked)
    assert f"Hapus dokumen '{ktp.name}'?" in page
    assert application.permit_type.name in page and application.number in page
    assert f'<form method="post" action="{url}">' in page and "Ya, hapus dokumen" in page
    assert Document.objects.filter(pk=ktp.pk).exists()  # asking deletes nothing

    response = siti_client.post(url)

    assert response.status_code == 302 and response["Location"] == reverse("permits:documents")
    assert not Document.objects.filter(pk=ktp.pk).exists()
    page = html(siti_client.get(response["Location"]))
    assert f"'{ktp.name}' dihapus dari Dokumen saya. Dokumen ini dilepas dari 1 draf" in page


def test_the_page_refuses_to_delete_a_submitted_application_s_document_with_the_reason(siti_client, siup):
    ktp = attached(siup, "ktp")
    url = reverse("permits:document_delete", args=[ktp.pk])

    for response in (siti_client.get(url), siti_client.post(url)):
        assert response.status_code == 409
        assert f"dilampirkan pada permohonan {siup.registration_number} yang sudah diajukan" in html(response)
    assert Document.objects.filter(pk=ktp.pk).exists()


def test_another_citizen_s_document_or_company_is_not_found_and_officers_are_turned_away(
    client, siti, andi, fajar, company
):
    document = upload(siti)
    urls = [
        reverse("permits:document_delete", args=[document.pk]),
        reverse("permits:company_delete", args=[company.pk]),
    ]
    client.force_login(andi)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert [client.post(url).status_code for url in urls] == [404, 404]
    client.force_login(fajar)
    assert [client.post(url).status_code for url in urls] == [403, 403]
    client.logout()
    assert all(client.post(url).status_code == 302 for url in urls)  # to the login page
    assert Document.objects.filter(pk=document.pk).exists() and Company.objects.filter(pk=company.pk).exists()


def test_deleting_a_company_on_the_page_asks_first_then_deletes(siti_client, siti, city, company):
    application = draft(siti, city, "siup", company=company)
    listing = html(siti_client.get(reverse("permits:companies")))
    url = reverse("permits:company_delete", args=[company.pk])
    assert f'href="{url}"' in listing and "Hapus CV Sinar Jaya" in listing

    asked = siti_client.get(url)

    assert asked.status_code == 200
    page = html(asked)
    assert "Hapus CV Sinar Jaya?" in page and application.number in page and "atas nama Anda pribadi" in page
    assert Company.objects.filter(pk=company.pk).exists()

    response = siti_client.post(url)

    assert response.status_code == 302 and response["Location"] == reverse("permits:companies")
    assert not Company.objects.filter(pk=company.pk).exists()
    assert Application.objects.get(pk=application.pk).company_id is None
    assert "CV Sinar Jaya dihapus dari Badan usaha saya. 1 draf" in html(siti_client.get(response["Location"]))


def test_the_page_refuses_to_delete_a_company_a_submitted_application_names(siti_client, siti, city, company):
    application = actions.do_submit(siti, draft(siti, city, "siup", company=company))
    url = reverse("permits:company_delete", args=[company.pk])

    assert url not in html(siti_client.get(reverse("permits:companies")))
    for response in (siti_client.get(url), siti_client.post(url)):
        assert response.status_code == 409
        page = html(response)
        assert f"tercantum pada permohonan {application.registration_number} yang sudah diajukan" in page
    assert Company.objects.filter(pk=company.pk).exists()


# --- The API ------------------------------------------------------------------------------------------------


def test_the_api_deletes_a_document_with_204_and_then_knows_it_no_more(siti, city):
    application = draft(siti, city, "siup")
    ktp = attached(application, "ktp")
    url = f"/api/v1/permits/documents/{ktp.pk}"
    assert api(siti).get(url).json()["name"] == ktp.name

    response = api(siti).delete(url)

    assert response.status_code == 204 and not response.content
    assert not ApplicationDocument.objects.filter(document_id=ktp.pk).exists()
    assert api(siti).delete(url).status_code == 404
    assert api(siti).get(url).status_code == 404


def test_the_api_refuses_to_delete_evidence_with_409_and_others_get_404(siti, andi, fajar, siup):
    ktp = attached(siup, "ktp")
    url = f"/api/v1/permits/documents/{ktp.pk}"

    refused = api(siti).delete(url)

    assert refused.status_code == 409
    assert f"dilampirkan pada permohonan {siup.registration_number}" in error(refused)["message"]
    assert api(andi).delete(url).status_code == 404
    assert api(fajar).delete(url).status_code == 404
    assert api().delete(url).status_code in (401, 403)
    assert Document.objects.filter(pk=ktp.pk).exists()


def test_the_api_deletes_a_company_and_refuses_while_a_submitted_application_names_it(siti, andi, city, company):
    url = f"/api/v1/permits/companies/{company.pk}"
    application = actions.do_submit(siti, draft(siti, city, "siup", company=company))

    refused = api(siti).delete(url)

    assert refused.status_code == 409
    assert application.registration_number in error(refused)["message"]
    assert api(andi).delete(url).status_code == 404

    spare = actions.do_save_company(siti, name="PT Dua", nib="3213213213213", address="Jl. Dua")
    response = api(siti).delete(f"/api/v1/permits/companies/{spare.pk}")
    assert response.status_code == 204
    assert list(Company.objects.filter(owner=siti).values_list("name", flat=True)) == ["CV Sinar Jaya"]


def test_the_library_counts_each_document_s_applications_and_the_submitted_ones(siti, city, siup):
    actions.do_attach_document(siti, application := draft(siti, city, "siup"), "ktp", attached(siup, "ktp"))
    library = {d.pk: (d.uses, d.evidence) for d in actions.document_library(siti)}

    assert library[attached(siup, "ktp").pk] == (2, 1)
    assert library[attached(application, "npwp").pk] == (1, 0)


# --- Deleting while the draft is being submitted (PostgreSQL, real parallel transactions) --------------------

ROUNDS = 8


def _outcome(function):
    def run():
        try:
            function()
            return "done"
        except (IllegalMove, ValidationError) as refusal:
            return type(refusal).__name__
        finally:
            connections.close_all()

    return run


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_document_deleted_while_its_draft_is_submitted_is_either_kept_or_the_submission_refused(siti, city):
    for _ in range(ROUNDS):
        application = draft(siti, city, "siup")
        ktp = attached(application, "ktp")

        submitting, deleting = run_concurrently(
            _outcome(lambda a=application: actions.do_submit(siti, a)),
            _outcome(lambda d=ktp: actions.do_delete_document(siti, d)),
        )

        application.refresh_from_db()
        if submitting == "done":
            assert deleting == "IllegalMove" and application.status == Status.SUBMITTED
            assert attached(application, "ktp") == ktp
        else:
            assert (submitting, deleting) == ("ValidationError", "done")
            assert application.status == Status.DRAFT and not Document.objects.filter(pk=ktp.pk).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_company_deleted_while_its_draft_is_submitted_is_either_kept_or_the_submission_refused(siti, city):
    for round_ in range(ROUNDS):
        company = actions.do_save_company(siti, name=f"CV {round_}", nib=f"{round_:013d}", address="Jl. Tangsi 1")
        application = draft(siti, city, "siup", company=company)

        submitting, deleting = run_concurrently(
            _outcome(lambda a=application: actions.do_submit(siti, a)),
            _outcome(lambda c=company: actions.do_delete_company(siti, c)),
        )

        application.refresh_from_db()
        if submitting == "done":
            assert deleting == "IllegalMove" and application.company_id == company.pk
            assert application.attachments.filter(requirement="akta").exists()
        else:
            assert (submitting, deleting) == ("ValidationError", "done")
            assert application.status == Status.DRAFT and application.company_id is None
