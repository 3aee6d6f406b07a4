"""The applicant's side of e-Perizinan: apply (as a person or for a company), drafts, "Dokumen saya",
companies, "Izin saya" with the application's steps and deadlines, completing documents on request,
paying the retribusi, the certificate, withdrawing, and the satisfaction survey.

Thin: the forms collect input, permits.actions decides. Only the applicant sees their applications,
documents and companies here; anybody else's answers 404, as an unknown one does. Officers get 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.events import public_timeline
from certificates.dates import verification_url
from certificates.views import pdf_response
from cities.models import current_city_or_404
from core.pagination import keyset_page
from deadlines import clock
from deadlines.models import Deadline
from permits import actions, links
from permits.actions import IllegalMove
from permits.fees import rupiah
from permits.forms import (
    CHOOSE_PREFIX,
    FILE_PREFIX,
    ApplicationForm,
    CompanyForm,
    CompletionForm,
    DocumentUploadForm,
    PaymentForm,
    SurveyForm,
    WithdrawForm,
    add_action_errors,
)
from permits.models import (
    STEP_STATUSES,
    ApplicantKind,
    Application,
    Company,
    Document,
    Payment,
    Status,
    SurveyResponse,
)
from permits.payments import get_backend
from permits.views.public import step_actor, step_duration

PAGE_SIZE = 20
NOT_FOR_OFFICERS = "Halaman ini untuk pemohon izin. Petugas tidak dapat mengajukan atau mengikuti izin dari akun dinas."


class _Refused(Exception):
    """Something in the posted form was wrong: undo what was saved of it."""


def _check_citizen(user):
    if not user.is_citizen:
        raise PermissionDenied(NOT_FOR_OFFICERS)


def _mine(user):
    city = current_city_or_404()
    return (
        actions.applications_visible_to(user)
        .filter(applicant=user, city=city)
        .select_related("permit_type", "permit_type__issuing_opd", "company", "holder", "opd", "certificate")
    )


def _own_application(user, number):
    """The user's own submitted application with this registration number, or 404."""
    _check_citizen(user)
    application = _mine(user).by_number(number)
    if application is None:
        raise Http404("Permohonan tidak ditemukan di antara permohonan Anda.")
    return application


def _own_draft(user, pk):
    _check_citizen(user)
    application = _mine(user).filter(pk=pk).first()
    if application is None:
        raise Http404("Draf tidak ditemukan di antara permohonan Anda.")
    return application


def _library(user):
    return list(Document.objects.filter(owner=user))


def _conflict(request, refusal, back_url):
    """An illegal move (the application's state does not allow it): 409 with the action's message."""
    return render(
        request, "permits/applicant/conflict.html", {"message": str(refusal), "back_url": back_url}, status=409
    )


def _messages(error):
    return [message for messages_ in error.message_dict.values() for message in messages_]


def _merge(errors, error):
    if hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            errors.setdefault(key, []).extend(m for m in messages_ if m not in errors.get(key, []))
    else:
        errors.setdefault("__all__", []).extend(error.messages)


# --- "Izin saya" ------------------------------------------------------------------------------


@login_required
@require_safe
def mine(request):
    _check_citizen(request.user)
    applications = _mine(request.user)
    context = {"applications": [], "next_url": None, "page_error": None, "later_page": "cursor" in request.GET}
    try:
        page = keyset_page(applications, request.GET.get("cursor"), size=PAGE_SIZE)
    except ValidationError as error:
        context["page_error"] = error.message_dict["cursor"][0]
        return render(request, "permits/applicant/mine.html", context, status=400)
    context["applications"] = [(a, links.applicant_url(a)) for a in page.items]
    if page.next_cursor:
        context["next_url"] = f"{request.path}?cursor={page.next_cursor}"
    return render(request, "permits/applicant/mine.html", context)


# --- Applying: a new draft, editing it, submitting it -----------------------------------------


def _permit_type(code):
    permit_type = actions.catalogue().filter(code=code).first()
    if permit_type is None:
        raise Http404("Jenis izin tidak ditemukan.")
    return permit_type


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request, code):
    _check_citizen(request.user)
    permit_type = _permit_type(code)
    try:
        actions.check_may_apply(request.user, permit_type, None)
    except ValidationError as error:
        if "permit_type" in error.message_dict:
            # Counter-only: there is nothing to fill in online.
            messages.error(request, " ".join(error.message_dict["permit_type"]))
            return redirect("permits:type", permit_type.code)
    if request.method == "POST":
        return _save(request, permit_type, None)
    return _render_editor(request, permit_type, None, _form(request, permit_type, None))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft(request, pk):
    application = _own_draft(request.user, pk)
    if application.status != Status.DRAFT:
        return redirect(links.applicant_url(application))
    if request.method == "POST":
        return _save(request, application.permit_type, application)
    return _render_editor(
        request, application.permit_type, application, _form(request, application.permit_type, application)
    )


def _form(request, permit_type, application, data=None, files=None):
    return ApplicationForm(
        data,
        files,
        permit_type=permit_type,
        companies=Company.objects.filter(owner=request.user),
        documents=_library(request.user),
        application=application,
    )


def _render_editor(request, permit_type, application, form, *, status=200, saved=False, kept_uploads=False):
    context = {
        "permit_type": permit_type,
        "application": application,
        "form": form,
        "action_url": reverse("permits:draft", args=[application.pk])
        if application is not None
        else reverse("permits:apply", args=[permit_type.code]),
        "saved_not_submitted": saved,
        "kept_uploads": kept_uploads,
        "company_only": not permit_type.accepts(ApplicantKind.PERSON),
        "fee_text": permit_type.fee_text,
    }
    return render(request, "permits/applicant/draft.html", context, status=status)


def _save(request, permit_type, application):
    """Save the posted draft (answers, applicant, documents) and, if asked, submit it.

    New files go into "Dokumen saya" first (each one stays there even if something else is wrong, and is
    picked for its requirement when the form is shown again). Then the draft and its attachments are saved
    together, or not at all. Submission comes last: if the draft is not complete it stays a saved draft.
    """
    user = request.user
    form = _form(request, permit_type, application, request.POST, request.FILES)
    form.is_valid()
    company = next((c for c in form.companies if c.pk == form.chosen_company_id()), None)
    kind = ApplicantKind.COMPANY if company is not None else ApplicantKind.PERSON
    library = {document.pk: document for document in form_documents(form, user)}
    errors, chosen, uploaded = {}, {}, {}
    for requirement in permit_type.documents_for(kind):
        code = requirement["code"]
        upload = form.cleaned_data.get(FILE_PREFIX + code)
        picked = form.cleaned_data.get(CHOOSE_PREFIX + code)
        if upload:
            try:
                chosen[code] = uploaded[code] = actions.do_upload_document(user, upload, name=requirement["name"])
            except ValidationError as error:
                errors[code] = _messages(error)
        elif picked:
            chosen[code] = library[int(picked)]
    saved = None
    try:
        with transaction.atomic():
            saved = actions.do_save_draft(
                user, permit_type, form_data=form.form_data(), company=company, application=application
            )
            for code, document in chosen.items():
                try:
                    actions.do_attach_document(user, saved, code, document)
                except ValidationError as error:
                    _merge(errors, error)
            if errors or form.errors:
                raise _Refused
    except ValidationError as error:
        _merge(errors, error)
        saved = None
    except _Refused:
        saved = None
    except IllegalMove as refusal:
        return _conflict(request, refusal, links.applicant_url(application) if application else request.path)
    submitted = False
    if saved is not None and request.POST.get("action") == "submit":
        try:
            actions.do_submit(user, saved)
        except ValidationError as error:
            _merge(errors, error)
        except IllegalMove as refusal:
            return _conflict(request, refusal, links.applicant_url(saved))
        else:
            submitted = True
    if saved is not None and not errors:
        if submitted:
            messages.success(
                request,
                f"Permohonan {permit_type.name} Anda diajukan dengan nomor registrasi {saved.registration_number}. "
                "Simpan nomor ini untuk melacak permohonan; konfirmasinya juga dikirim ke nomor HP/e-mail Anda.",
            )
        else:
            messages.success(request, "Draf tersimpan. Anda dapat melanjutkannya kapan saja dari Izin saya.")
        return redirect(links.applicant_url(saved))
    # Show the form again with every problem; newly uploaded documents are now picked from the library.
    current = Application.objects.get(pk=saved.pk) if saved is not None else application
    if current is not None:
        current.refresh_from_db()
    data = request.POST.copy()
    for code, document in uploaded.items():
        data[CHOOSE_PREFIX + code] = str(document.pk)
    shown = _form(request, permit_type, current, data)
    shown.is_valid()
    for name, messages_ in form.errors.items():
        if name in shown.fields and not shown.has_error(name):
            shown.add_error(name, messages_)
    add_action_errors(shown, ValidationError(errors), shown.error_names())
    return _render_editor(
        request,
        permit_type,
        current,
        shown,
        status=400,
        saved=saved is not None,
        kept_uploads=bool(uploaded),
    )


def form_documents(form, user):
    """The documents the form offered (its choices come from the user's own library only)."""
    ids = set()
    for name, field in form.fields.items():
        if name.startswith(CHOOSE_PREFIX):
            ids.update(int(value) for value, _ in field.choices if value)
    return Document.objects.filter(owner=user, pk__in=ids)


@login_required
@require_POST
def draft_detach(request, pk):
    """Take a document off a draft's requirement (the document stays in "Dokumen saya")."""
    application = _own_draft(request.user, pk)
    try:
        actions.do_detach_document(request.user, application, request.POST.get("requirement", ""))
    except IllegalMove as refusal:
        return _conflict(request, refusal, links.applicant_url(application))
    messages.success(request, "Lampiran dilepas dari draf. Dokumennya tetap ada di Dokumen saya.")
    return redirect(links.applicant_url(application))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_delete(request, pk):
    application = _own_draft(request.user, pk)
    if application.status != Status.DRAFT:
        return redirect(links.applicant_url(application))
    if request.method == "POST":
        try:
            actions.do_delete_draft(request.user, application)
        except IllegalMove as refusal:
            return _conflict(request, refusal, links.applicant_url(application))
        messages.success(request, f"Draf {application.permit_type.name} dihapus. Dokumen Anda tetap ada.")
        return redirect("permits:mine")
    return render(request, "permits/applicant/draft_delete.html", {"application": application})


# --- One application: where it is, who holds it, its deadlines --------------------------------


@login_required
@require_safe
def detail(request, number):
    application = _own_application(request.user, number)
    if number != application.registration_number:
        return redirect(links.applicant_url(application))
    return _render_detail(request, application)


def _render_detail(request, application, *, completion_form=None, payment_form=None, status=200):
    user = request.user
    waiting = application.status == Status.WAITING_APPLICANT
    if waiting and completion_form is None:
        completion_form = _completion_form(request, application)
    fee_due = application.status == Status.APPROVED and application.fee_amount > 0
    payments = list(application.payments.all())
    live_payment = next((p for p in payments if p.status in (Payment.Status.PENDING, Payment.Status.PAID)), None)
    survey = SurveyResponse.objects.filter(application=application).first()
    names = {r["code"]: r["name"] for r in application.permit_type.required_documents}
    context = {
        "application": application,
        "permit_type": application.permit_type,
        "current": _current_step(application),
        "steps": _steps(application),
        "answers": _answers(application),
        "attachments": [
            (names.get(a.requirement, a.requirement), a.document)
            for a in application.attachments.select_related("document")
        ],
        "timeline": public_timeline(application),
        "fee_text": rupiah(application.fee_amount) if application.fee_amount else "Gratis (tanpa retribusi)",
        "waiting": waiting,
        "documents_request": _documents_request(application) if waiting else None,
        "completion_form": completion_form,
        "fee_due": fee_due,
        "payments": [(p, rupiah(p.amount)) for p in payments],
        "payment_instructions": get_backend().instructions(application) if fee_due else "",
        "may_record_payment": fee_due and live_payment is None,
        "payment_form": payment_form or PaymentForm(),
        "may_withdraw": application.may_be_withdrawn(),
        "certificate": application.certificate,
        "verification_url": verification_url(application.certificate) if application.certificate_id else "",
        "may_answer_survey": application.issued_at is not None and survey is None,
        "survey": survey,
        "user_is_applicant": application.applicant_id == user.pk,
    }
    return render(request, "permits/applicant/detail.html", context, status=status)


def _current_step(application):
    """The step the application is at: its name, who handles it (role, OPD, officer), since when, until when."""
    step = application.current_step
    if step is None:
        return None
    live = clock.live_deadlines_for(application).filter(kind=f"permit.step.{step['code']}").first()
    return {
        "name": step["name"],
        "actor": step_actor(step, step["opd_name"]),
        "holder": application.holder.full_name if application.holder_id else "",
        "since": application.step_started_at,
        "due_at": application.due_at,
        "paused": application.status == Status.WAITING_APPLICANT,
        "remaining_hours": round(live.remaining_seconds / 3600, 1) if live and live.remaining_seconds else None,
        "breached": bool(live and live.breached_at),
    }


def _steps(application):
    """Every step of the application's workflow with each stay at it and the deadline of that stay."""
    records = list(application.step_records.select_related("opd"))
    clocks = {(d.kind, d.started_at): d for d in Deadline.objects.for_case(application)}
    at_step = application.status in STEP_STATUSES
    rows = []
    for index, step in enumerate(application.workflow):
        stays = []
        for record in (r for r in records if r.index == index):
            deadline = clocks.get((f"permit.step.{step['code']}", record.started_at))
            stays.append({"record": record, "deadline": deadline})
        if at_step and index == application.step_index:
            state = "Sedang di langkah ini"
        elif stays and all(s["record"].finished_at for s in stays):
            state = "Selesai"
        else:
            state = "Belum"
        rows.append(
            {
                "name": step["name"],
                "actor": step_actor(step, step["opd_name"]),
                "duration": step_duration(step),
                "stays": stays,
                "state": state,
                "current": at_step and index == application.step_index,
            }
        )
    return rows


def _answers(application):
    answers = []
    for field in application.permit_type.form_fields:
        value = application.form_data.get(field["code"])
        if value not in (None, ""):
            if field["type"] == "number" and isinstance(value, int | float):
                value = f"{value:,}".replace(",", "X").replace(".", ",").replace("X", ".")
            answers.append((field["label"], value))
    return answers


def _documents_request(application):
    """What the officer asked for: the reason and the documents named."""
    names = {r["code"]: r["name"] for r in application.permit_type.required_documents}
    return {
        "reason": application.request_reason,
        "since": application.waiting_since,
        "documents": [names.get(code, code) for code in application.requested_documents],
    }


def _completion_form(request, application, data=None, files=None):
    permit_type = application.permit_type
    return CompletionForm(
        data,
        files,
        application=application,
        requirements=permit_type.documents_for(application.applicant_kind()),
        documents=_library(request.user),
    )


@login_required
@require_POST
def complete(request, number):
    """Replace documents the officer asked for, then (button "Kirim ulang") send the application back."""
    user = request.user
    application = _own_application(user, number)
    form = _completion_form(request, application, request.POST, request.FILES)
    form.is_valid()
    errors, uploaded, chosen = {}, {}, {}
    library = {document.pk: document for document in form_documents(form, user)}
    for requirement in form.requirements:
        code = requirement["code"]
        upload = form.cleaned_data.get(FILE_PREFIX + code)
        picked = form.cleaned_data.get(CHOOSE_PREFIX + code)
        if upload:
            try:
                chosen[code] = uploaded[code] = actions.do_upload_document(user, upload, name=requirement["name"])
            except ValidationError as error:
                errors[code] = _messages(error)
        elif picked:
            chosen[code] = library[int(picked)]
    try:
        with transaction.atomic():
            for code, document in chosen.items():
                try:
                    actions.do_attach_document(user, application, code, document)
                except ValidationError as error:
                    _merge(errors, error)
            if errors or form.errors:
                raise _Refused
    except _Refused:
        pass
    except IllegalMove as refusal:
        return _conflict(request, refusal, links.applicant_url(application))
    resubmit = request.POST.get("action") == "resubmit"
    if not errors and not form.errors:
        if not resubmit:
            messages.success(request, "Lampiran diganti. Kirim ulang permohonan bila semua yang diminta sudah lengkap.")
            return redirect(links.applicant_url(application))
        try:
            actions.do_resubmit(user, application, form.cleaned_data.get("note", ""))
        except ValidationError as error:
            _merge(errors, error)
        except IllegalMove as refusal:
            return _conflict(request, refusal, links.applicant_url(application))
        else:
            messages.success(
                request, "Berkas terkirim. Permohonan kembali diproses petugas dan waktu prosesnya berjalan lagi."
            )
            return redirect(links.applicant_url(application))
    application = _own_application(user, number)
    data = request.POST.copy()
    for code, document in uploaded.items():
        data[CHOOSE_PREFIX + code] = str(document.pk)
    shown = _completion_form(request, application, data)
    shown.is_valid()
    for name, messages_ in form.errors.items():
        if name in shown.fields and not shown.has_error(name):
            shown.add_error(name, messages_)
    add_action_errors(shown, ValidationError(errors), shown.error_names())
    return _render_detail(request, application, completion_form=shown, status=400)


# --- Retribusi, withdrawal, certificate, survey -----------------------------------------------


@login_required
@require_POST
def pay(request, number):
    application = _own_application(request.user, number)
    form = PaymentForm(request.POST)
    form.is_valid()
    try:
        payment = actions.do_record_payment(request.user, application, form.cleaned_data.get("reference", ""))
    except ValidationError as error:
        add_action_errors(form, error)
        return _render_detail(request, application, payment_form=form, status=400)
    except IllegalMove as refusal:
        return _conflict(request, refusal, links.applicant_url(application))
    messages.success(
        request,
        f"Pembayaran dengan referensi {payment.reference} tercatat. Izin terbit setelah petugas "
        "mencocokkannya dengan rekening kas daerah; Anda akan diberi kabar.",
    )
    return redirect(links.applicant_url(application))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, number):
    application = _own_application(request.user, number)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form.is_valid()
        try:
            actions.do_withdraw(request.user, application, form.cleaned_data.get("reason", ""))
        except ValidationError as error:
            add_action_errors(form, error)
        except IllegalMove as refusal:
            return _conflict(request, refusal, links.applicant_url(application))
        else:
            messages.success(request, f"Permohonan {application.registration_number} dibatalkan.")
            return redirect(links.applicant_url(application))
    else:
        try:
            actions.check_withdraw(request.user, application)
        except IllegalMove as refusal:
            return _conflict(request, refusal, links.applicant_url(application))
    context = {"application": application, "form": form, "pending_payment": application.pending_payment()}
    return render(request, "permits/applicant/withdraw.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def certificate(request, number):
    """The permit's signed certificate as PDF (a revoked one too: its QR code then verifies as revoked)."""
    application = _own_application(request.user, number)
    return pdf_response(actions.access_certificate(request.user, application))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request, number):
    application = _own_application(request.user, number)
    answered = SurveyResponse.objects.filter(application=application).first()
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form.is_valid()
        try:
            actions.do_answer_survey(request.user, application, form.answers(), form.data.get("comment", ""))
        except ValidationError as error:
            add_action_errors(form, error)
        except IllegalMove as refusal:
            return _conflict(request, refusal, links.applicant_url(application))
        else:
            messages.success(request, "Terima kasih. Jawaban Anda membantu memperbaiki pelayanan perizinan.")
            return redirect(links.applicant_url(application))
    context = {
        "application": application,
        "form": form,
        "answered": answered,
        "not_yet": application.issued_at is None,
    }
    return render(request, "permits/applicant/survey.html", context, status=400 if form.errors else 200)


# --- "Dokumen saya" ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def documents(request):
    user = request.user
    _check_citizen(user)
    posted = request.method == "POST"
    form = DocumentUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        known = set(Document.objects.filter(owner=user).values_list("pk", flat=True))
        try:
            document = actions.do_upload_document(user, form.cleaned_data["file"], name=form.cleaned_data["name"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            if document.pk in known:
                messages.success(request, f"Berkas ini sudah ada di Dokumen saya sebagai '{document.name}'.")
            else:
                messages.success(request, f"'{document.name}' tersimpan di Dokumen saya.")
            return redirect("permits:documents")
    context = {"form": form, "documents": actions.document_library(user)}
    return render(request, "permits/applicant/documents.html", context, status=400 if posted else 200)


def _own_document(user, pk):
    _check_citizen(user)
    document = Document.objects.filter(owner=user, pk=pk).first()
    if document is None:
        raise Http404("Dokumen tidak ditemukan di antara dokumen Anda.")
    return document


@login_required
@require_safe
def document_file(request, pk):
    """One of the user's own documents (nobody else's: 404)."""
    document = _own_document(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas dokumen ini tidak ditemukan di penyimpanan.") from None
    response = FileResponse(
        handle, content_type=document.content_type, filename=f"dokumen-{document.pk}.{document.kind}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_delete(request, pk):
    """Asks first (which drafts lose it), then deletes; a document of a submitted application stays (409)."""
    user = request.user
    document = _own_document(user, pk)
    back = reverse("permits:documents")
    try:
        if request.method == "POST":
            drafts = actions.do_delete_document(user, document)
        else:
            drafts = actions.check_delete_document(user, document)
    except IllegalMove as refusal:
        return _conflict(request, refusal, back)
    if request.method == "POST":
        detached = f" Dokumen ini dilepas dari {len(drafts)} draf; lampirkan dokumen lain sebelum mengajukannya."
        messages.success(request, f"'{document.name}' dihapus dari Dokumen saya." + (detached if drafts else ""))
        return redirect(back)
    context = {"document": document, "drafts": drafts, "back_url": back}
    return render(request, "permits/applicant/document_delete.html", context)


# --- Companies --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def companies(request):
    user = request.user
    _check_citizen(user)
    posted = request.method == "POST"
    form = CompanyForm(request.POST if posted else None)
    if posted:
        form.is_valid()
        try:
            company = actions.do_save_company(user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{company.name} ditambahkan. Anda kini dapat mengajukan izin atas namanya.")
            return redirect(request.GET.get("kembali") if _safe_next(request) else "permits:companies")
    context = {"form": form, "companies": actions.company_list(user)}
    return render(request, "permits/applicant/companies.html", context, status=400 if posted else 200)


def _safe_next(request):
    """Back to the draft the applicant came from (only a path of this site's permit pages)."""
    target = request.GET.get("kembali", "")
    return target.startswith(reverse("permits:catalogue")) and "//" not in target and "\\" not in target


def _own_company(user, pk):
    _check_citizen(user)
    company = Company.objects.filter(owner=user, pk=pk).first()
    if company is None:
        raise Http404("Badan usaha tidak ditemukan di antara badan usaha Anda.")
    return company


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def company_delete(request, pk):
    """Asks first (which drafts are then in the applicant's own name), then deletes; a company named by a
    submitted application stays (409)."""
    user = request.user
    company = _own_company(user, pk)
    back = reverse("permits:companies")
    try:
        if request.method == "POST":
            drafts = actions.do_delete_company(user, company)
        else:
            drafts = actions.check_delete_company(user, company)
    except IllegalMove as refusal:
        return _conflict(request, refusal, back)
    if request.method == "POST":
        note = f" {len(drafts)} draf yang memakainya kini atas nama Anda pribadi; pilih badan usaha lain bila perlu."
        messages.success(request, f"{company.name} dihapus dari Badan usaha saya." + (note if drafts else ""))
        return redirect(back)
    context = {"company": company, "drafts": drafts, "back_url": back}
    return render(request, "permits/applicant/company_delete.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def company_edit(request, pk):
    user = request.user
    company = _own_company(user, pk)
    posted = request.method == "POST"
    initial = {"name": company.name, "nib": company.nib, "npwp": company.npwp, "address": company.address}
    form = CompanyForm(request.POST if posted else None, initial=initial)
    if posted:
        form.is_valid()
        try:
            actions.do_save_company(user, company=company, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"Data {company.name} diperbarui.")
            return redirect("permits:companies")
    context = {"form": form, "company": company}
    return render(request, "permits/applicant/company_edit.html", context, status=400 if posted else 200)
