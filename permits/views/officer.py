"""Officer pages of e-Perizinan under /petugas/izin/: the work queue and an application's full file.

Thin: the queue reads through permits.queries and every button calls one permits.actions function,
which decides. A refusal comes back as form errors (400), the access-denied page with the action's
message (403), or the application's page with the workflow's message (409); an application the
officer may not see is not found (404).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from accounts.forms import add_action_errors
from accounts.models import User
from accounts.permissions import SEES_ALL
from audit.events import history
from certificates.views import pdf_response
from cities.models import current_city
from core.pagination import ascending_page
from deadlines.models import Deadline
from permits import actions, queries
from permits import officer_forms as f
from permits.actions import IllegalMove
from permits.fees import rupiah
from permits.models import STEP_STATUSES, Application, Status, StepPhoto

PAGE_SIZE = 50
FILTERS = {
    "semua": ("Semua di antrean", {}),
    "saya": ("Yang saya tangani", {"mine": True}),
    "belum": ("Belum ditangani siapa pun", {"unassigned": True}),
}
PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EVENT_LABELS = {
    "permit.submitted": "Diajukan",
    "permit.claimed": "Diambil petugas",
    "permit.assigned": "Ditugaskan kepada petugas",
    "permit.forwarded": "Diteruskan ke langkah berikutnya",
    "permit.returned": "Dikembalikan ke langkah sebelumnya",
    "permit.documents_requested": "Kelengkapan diminta dari pemohon",
    "permit.document_attached": "Pemohon melampirkan dokumen",
    "permit.resubmitted": "Pemohon mengajukan kembali",
    "permit.rejected": "Ditolak",
    "permit.withdrawn": "Dibatalkan pemohon",
    "permit.approved": "Disetujui dan ditandatangani",
    "permit.issued": "Izin terbit",
    "permit.payment_recorded": "Pemohon mencatat pembayaran",
    "permit.payment_confirmed": "Pembayaran dikonfirmasi",
    "permit.payment_rejected": "Pembayaran ditolak",
    "permit.revoked": "Izin dicabut",
    "permit.survey_answered": "Pemohon mengisi survei kepuasan",
    "deadline.breached": "Tenggat terlewati, dieskalasi",
}


# --- who is looking -----------------------------------------------------------------------------


def require_officer(user):
    if not user.is_officer:
        raise PermissionDenied("Halaman ini hanya untuk petugas. Masuk dengan NIP Anda.")


def application_for_officer(user, number):
    """The application with this registration number if this officer may see it; 404 otherwise."""
    require_officer(user)
    city = current_city()
    application = (
        Application.objects.filter(city=city)
        .select_related("permit_type__issuing_opd", "permit_type__technical_opd", "applicant", "company", "holder")
        .by_number(number)
        if city is not None
        else None
    )
    if application is None:
        raise Http404("Permohonan tidak ditemukan.")
    return actions.access_application(user, application)


# --- the work queue -----------------------------------------------------------------------------


@dataclass
class Row:
    application: Application
    clock: Deadline | None

    @property
    def breached(self):
        return self.clock is not None and self.clock.is_breached

    @property
    def near(self):
        return self.clock is not None and self.clock.is_near


@login_required
def queue(request):
    """The steps of the officer's OPD and role, nearest deadline first (every step for the overseers)."""
    user = request.user
    require_officer(user)
    shown = request.GET.get("tampil", "semua")
    context = {"shown": shown, "filters": {key: label for key, (label, _) in FILTERS.items()}, "error": None}
    context["sees_all"] = user.role in SEES_ALL
    if shown not in FILTERS:
        context["error"] = "Pilihan tampilan tidak dikenal."
        return render(request, "permits/officer/queue.html", context, status=400)
    try:
        page = ascending_page(
            queries.work_queue(user, **FILTERS[shown][1]), request.GET.get("setelah"), size=PAGE_SIZE, field="due_at"
        )
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "permits/officer/queue.html", context, status=400)
    clocks = queries.step_clocks(page.items)
    context.update(
        rows=[Row(application, clocks.get(application.pk)) for application in page.items],
        next_cursor=page.next_cursor,
    )
    return render(request, "permits/officer/queue.html", context)


# --- the buttons ----------------------------------------------------------------------------------


def _passes(check, *args, **kwargs):
    """Whether an actions check lets the user through (for which buttons to show; the do_* still decides)."""
    try:
        check(*args, **kwargs)
    except (PermissionDenied, IllegalMove, Http404):
        return False
    return True


def step_actor(user, application):
    return _passes(actions.check_step_actor, user, application)


def may_claim(user, application):
    return application.holder_id is None and _passes(actions.check_step_actor, user, application, holder_only=False)


def may_assign(user, application):
    return _passes(actions.check_assigner, user, application) and f.colleagues_for(application, user).exists()


def may_reject(user, application):
    return _passes(actions.check_step_actor, user, application, statuses=STEP_STATUSES)


def may_handle_payment(user, application):
    return (
        application.status == Status.APPROVED
        and application.pending_payment() is not None
        and _passes(actions.check_payment_officer, user, application)
    )


def may_revoke(user, application):
    return _passes(actions.check_revoker, user, application)


def run_claim(user, application, data):
    actions.do_claim(user, application)


def run_assign(user, application, data):
    officer = User.objects.filter(pk=data["officer"], kind=User.Kind.OFFICER).first() if data["officer"] else None
    if officer is None:
        raise ValidationError({"officer": ["Pilih petugas yang akan ditugaskan."]})
    actions.do_assign(user, application, officer)


def run_forward(user, application, data):
    actions.do_forward(
        user, application, note=data["note"], findings=data.get("findings", ""), photos=data.get("photos", ())
    )


def run_return(user, application, data):
    actions.do_return(user, application, data["reason"])


def run_request_documents(user, application, data):
    actions.do_request_documents(user, application, data["reason"], data["requirements"])


def run_reject(user, application, data):
    actions.do_reject(user, application, data["reason"])


def run_approve(user, application, data):
    actions.do_approve_and_sign(user, application)


def the_payment(application, data):
    payment = application.payments.filter(pk=data["payment"]).first() if data["payment"] else None
    if payment is None:
        raise IllegalMove("Pembayaran ini tidak ditemukan pada permohonan ini. Muat ulang halaman.")
    return payment


def run_confirm_payment(user, application, data):
    actions.do_confirm_payment(user, the_payment(application, data))


def run_reject_payment(user, application, data):
    actions.do_reject_payment(user, the_payment(application, data), data["reason"])


def run_revoke(user, application, data):
    actions.do_revoke(user, application, data["reason"])


@dataclass(frozen=True)
class OfficerAction:
    title: str
    explanation: str
    button: str
    form: type[f.ActionForm]
    run: Callable
    done: str
    # Whether to show the form; the action function itself refuses whoever and whatever does not fit.
    offered: Callable
    # For actions whose input is looked up first (a colleague, a payment): who may act is checked before
    # that, so a role that may not act hears so (403), not a form error.
    check: Callable | None = None


ACTIONS = {
    "ambil": OfficerAction(
        title="Ambil langkah ini",
        explanation="Anda menjadi pemegang langkah ini; tenggatnya tercatat atas nama Anda.",
        button="Ambil",
        form=f.ConfirmForm,
        run=run_claim,
        done="Langkah ini sekarang Anda tangani.",
        offered=may_claim,
    ),
    "teruskan": OfficerAction(
        title="Teruskan ke langkah berikutnya",
        explanation="Langkah ini selesai; permohonan berpindah ke langkah berikutnya dan tenggat barunya mulai.",
        button="Teruskan",
        form=f.ForwardForm,
        run=run_forward,
        done="Permohonan diteruskan ke langkah berikutnya.",
        offered=lambda user, application: step_actor(user, application) and not application.is_last_step,
    ),
    "setujui": OfficerAction(
        title="Setujui dan tandatangani",
        explanation="Sertifikat izin ditandatangani secara elektronik atas nama Anda; bila ada retribusi, izin "
        "terbit setelah pembayaran dikonfirmasi.",
        button="Setujui dan tandatangani",
        form=f.ConfirmForm,
        run=run_approve,
        done="Permohonan disetujui dan ditandatangani.",
        offered=lambda user, application: step_actor(user, application) and application.is_last_step,
    ),
    "minta-berkas": OfficerAction(
        title="Minta kelengkapan dari pemohon",
        explanation="Pemohon diberi tahu lewat SMS dan e-mail; waktu proses langkah ini dihentikan sementara.",
        button="Kirim permintaan",
        form=f.RequestDocumentsForm,
        run=run_request_documents,
        done="Permintaan kelengkapan dikirim kepada pemohon; waktu proses dihentikan sementara.",
        offered=step_actor,
    ),
    "kembalikan": OfficerAction(
        title="Kembalikan ke langkah sebelumnya",
        explanation="Permohonan kembali ke langkah sebelumnya, kepada petugas yang menanganinya bila masih bisa.",
        button="Kembalikan",
        form=f.ReturnForm,
        run=run_return,
        done="Permohonan dikembalikan ke langkah sebelumnya.",
        offered=lambda user, application: step_actor(user, application) and application.step_index > 0,
    ),
    "tugaskan": OfficerAction(
        title="Tugaskan ke rekan",
        explanation="Rekan yang ditugaskan diberi tahu, dan tenggat langkah ini tercatat atas namanya.",
        button="Tugaskan",
        form=f.AssignForm,
        run=run_assign,
        done="Langkah ini telah ditugaskan.",
        offered=may_assign,
        check=actions.check_assigner,
    ),
    "tolak": OfficerAction(
        title="Tolak permohonan",
        explanation="Permohonan selesai dengan penolakan; pemohon menerima alasannya.",
        button="Tolak permohonan",
        form=f.ReasonForm,
        run=run_reject,
        done="Permohonan ditolak.",
        offered=may_reject,
    ),
    "konfirmasi-bayar": OfficerAction(
        title="Konfirmasi pembayaran retribusi",
        explanation="Dana sudah masuk ke rekening kas daerah; izin langsung terbit dan pemohon diberi tahu.",
        button="Konfirmasi pembayaran",
        form=f.PaymentForm,
        run=run_confirm_payment,
        done="Pembayaran dikonfirmasi dan izin diterbitkan.",
        offered=may_handle_payment,
        check=actions.check_payment_officer,
    ),
    "tolak-bayar": OfficerAction(
        title="Tolak pembayaran",
        explanation="Referensi pembayaran tidak ditemukan; pemohon dapat mencatat pembayaran lain.",
        button="Tolak pembayaran",
        form=f.PaymentRejectForm,
        run=run_reject_payment,
        done="Pembayaran ditolak; pemohon diberi tahu.",
        offered=may_handle_payment,
        check=actions.check_payment_officer,
    ),
    "cabut": OfficerAction(
        title="Cabut izin",
        explanation="Izin yang sudah terbit dicabut; sertifikatnya terverifikasi sebagai dicabut.",
        button="Cabut izin",
        form=f.RevokeForm,
        run=run_revoke,
        done="Izin telah dicabut.",
        offered=may_revoke,
    ),
}


def action_form(slug, application, user, *args):
    form = ACTIONS[slug].form(*args, application=application, user=user, auto_id=f"id_{slug}_%s")
    if not args and isinstance(form, f.PaymentForm):
        payment = application.pending_payment()
        form.initial["payment"] = payment.pk if payment else None
    return form


def offered_actions(user, application):
    if user.role in SEES_ALL:
        return []
    return [slug for slug, action in ACTIONS.items() if action.offered(user, application)]


# --- the application's file -----------------------------------------------------------------------


def _number(value):
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def form_answers(application):
    """(label, answer) for each question of the permit type's form, in the form's order."""
    answers = []
    for field in application.permit_type.form_fields:
        value = application.form_data.get(field["code"])
        if value is None or value == "":
            answers.append((field["label"], "–"))
        elif field["type"] == "number" and isinstance(value, int | float):
            answers.append((field["label"], _number(value)))
        elif field["type"] == "date":
            answers.append((field["label"], date_format(date.fromisoformat(value), "j F Y")))
        else:
            answers.append((field["label"], str(value)))
    return answers


def documents(application):
    """Every requirement of the application with what is attached to it (or not)."""
    attached = {a.requirement: a for a in application.attachments.select_related("document")}
    requested = set(application.requested_documents or [])
    rows = []
    for requirement in application.permit_type.documents_for(application.applicant_kind()):
        rows.append(
            {
                "requirement": requirement,
                "required": requirement.get("required", True),
                "attachment": attached.get(requirement["code"]),
                "requested": requirement["code"] in requested,
            }
        )
    return rows


def event_label(action):
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    return action


def history_rows(application):
    events = list(history(application))
    holders = {e.after.get("holder") for e in events if e.after and e.action in ("permit.claimed", "permit.assigned")}
    names = dict(User.objects.filter(pk__in=[pk for pk in holders if pk]).values_list("pk", "full_name"))
    rows = []
    for event in events:
        details = [event.public_text] if event.public_text else []
        after = event.after or {}
        if event.action in ("permit.claimed", "permit.assigned") and after.get("holder"):
            details.append(f"Pemegang: {names.get(after['holder'], '')}")
        if after.get("note") and after["note"] != event.reason:
            details.append(f"Catatan: {after['note']}")
        if after.get("findings"):
            details.append(f"Hasil pemeriksaan: {after['findings']}")
        if event.action == "deadline.breached" and after.get("notified"):
            details.append(f"Diberi tahu: {', '.join(after['notified'])}")
        rows.append({"event": event, "label": event_label(event.action), "details": details})
    return rows


def render_application(request, application, *, failed=None, problem="", status=200):
    """The application's file; `failed` is (slug, bound form) of an action to show again with its errors."""
    user = request.user
    offered = offered_actions(user, application)
    if failed and failed[0] not in offered:
        offered.append(failed[0])  # the state changed meanwhile: the errors still belong on the page
    panels = []
    for slug in offered:
        form = failed[1] if failed and failed[0] == slug else action_form(slug, application, user)
        panels.append({"slug": slug, "action": ACTIONS[slug], "form": form})
    step = application.current_step
    clocks = list(Deadline.objects.for_case(application).select_related("opd", "holder").order_by("started_at", "id"))
    live = next(
        (c for c in clocks if step and c.kind == f"permit.step.{step['code']}" and c.state in ("running", "paused")),
        None,
    )
    context = {
        "application": application,
        "step": step,
        "step_clock": live,
        "panels": panels,
        "problem": problem,
        "failed_slug": failed[0] if failed else "",
        "failed_title": ACTIONS[failed[0]].title if failed else "",
        "overseer": user.role in SEES_ALL,
        "answers": form_answers(application),
        "fee_text": rupiah(application.fee_amount) if application.fee_amount else "Gratis",
        "documents": documents(application),
        "records": application.step_records.select_related("opd", "holder").prefetch_related("photos"),
        "clocks": clocks,
        "payments": [
            {"payment": payment, "amount": rupiah(payment.amount)}
            for payment in application.payments.select_related("confirmed_by")
        ],
        "events": history_rows(application),
        "handlers": ", ".join(
            officer.full_name for officer in actions.step_handlers(application).order_by("full_name")
        ),
    }
    return render(request, "permits/officer/detail.html", context, status=status)


@login_required
def detail(request, number):
    return render_application(request, application_for_officer(request.user, number))


@login_required
@require_POST
def act(request, number, action):
    if action not in ACTIONS:
        raise Http404("Tindakan tidak dikenal.")
    spec = ACTIONS[action]
    user = request.user
    application = application_for_officer(user, number)
    form = action_form(action, application, user, request.POST, request.FILES)
    try:
        if spec.check is not None:
            spec.check(user, application)
        if form.is_valid():
            try:
                spec.run(user, application, form.cleaned_data)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, spec.done)
                return redirect("permits_officer:detail", number=application.registration_number)
    except IllegalMove as move:
        application.refresh_from_db()
        return render_application(request, application, problem=str(move), status=409)
    application.refresh_from_db()
    return render_application(request, application, failed=(action, form), status=400)


# --- files, each behind the permission check -------------------------------------------------------


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document(request, number, attachment_id):
    """An attached document, streamed after the permission check (documents have no public URL)."""
    application = application_for_officer(request.user, number)
    attachment = application.attachments.select_related("document").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("Dokumen tidak ditemukan.")
    item = attachment.document
    try:
        stream = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas dokumen tidak ditemukan.") from None
    return _private(
        FileResponse(
            stream,
            content_type=item.content_type,
            filename=f"{application.registration_number}-{attachment.requirement}.{item.kind}",
        )
    )


@login_required
def survey_photo(request, number, photo_id):
    """A field-survey photo of one of the application's steps, after the permission check."""
    application = application_for_officer(request.user, number)
    photo = StepPhoto.objects.filter(pk=photo_id, record__application=application).first()
    if photo is None:
        raise Http404("Foto tidak ditemukan.")
    extension = photo.image.name.rsplit(".", 1)[-1].lower()
    try:
        stream = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas foto tidak ditemukan.") from None
    return _private(
        FileResponse(
            stream,
            content_type=PHOTO_TYPES.get(extension, "application/octet-stream"),
            filename=f"{application.registration_number}-survei-{photo.pk}.{extension}",
        )
    )


@login_required
def certificate(request, number):
    """The issued permit's signed certificate as PDF, for the officers who may see the application."""
    application = application_for_officer(request.user, number)
    return pdf_response(actions.access_certificate(request.user, application))
