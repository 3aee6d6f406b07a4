"""Officer pages of e-Masyarakat: the Command Center's inbox, the OPD work queue and a report's full file.

Thin: the lists read through reports.queries and every button calls one
reports.actions function, which decides. A refusal comes back as form errors
(400), the access-denied page (403), or the report page with the pipeline's
message (409).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import add_action_errors
from accounts.models import Role, User
from accounts.permissions import SEES_ALL, access_case, may_act_on_case
from audit.events import history
from cities.models import Opd, current_city
from core.pagination import ascending_page, keyset_page
from deadlines.models import Deadline
from reports import actions, queries
from reports.actions import IllegalMove
from reports.models import OPD_STATUSES, Photo, Report, Status
from reports.similar import similar_open_reports

PAGE_SIZE = 50
MERGE_SUGGESTIONS = 5
INBOX_READERS = actions.COORDINATORS | {Role.INSPEKTORAT}

SORT_LABELS = {"tenggat": "Tenggat terdekat", "terbaru": "Terbaru", "terlama": "Terlama"}
CLOCK_LABELS = {
    actions.CLOCK_VERIFY: "Verifikasi oleh Command Center",
    actions.CLOCK_PLAN: "Rencana tindak lanjut OPD",
    actions.CLOCK_RESOLVE: "Penyelesaian oleh OPD",
}
EVENT_LABELS = {
    "report.received": "Laporan diterima",
    "report.assigned": "Ditugaskan kepada petugas",
    "report.reply": "Balasan publik",
    "report.internal_note": "Catatan internal",
    "report.supported": "Dukungan warga",
    "deadline.breached": "Tenggat terlewati, dieskalasi",
}


# --- who is looking -----------------------------------------------------------------------------


def require_officer(user):
    if not user.is_officer:
        raise PermissionDenied("Halaman ini hanya untuk petugas. Masuk dengan NIP Anda.")


def find_report(number):
    """The report with this tracking number in the city, or None (a number with the wrong year is unknown)."""
    return Report.objects.filter(city=current_city()).by_number(number)


def report_for_officer(user, number):
    """The report if this officer may see it; 404 otherwise, so its existence is not revealed."""
    require_officer(user)
    report = find_report(number)
    if report is None:
        raise Http404("Laporan tidak ditemukan.")
    return access_case(user, report)


# --- lists --------------------------------------------------------------------------------------


@dataclass
class Row:
    """One report in a list, with its live clocks for the due time and the near/late badges."""

    report: Report
    clocks: list = field(default_factory=list)

    @property
    def due(self):
        return self.clocks[0] if self.clocks else None

    @property
    def breached(self):
        return any(clock.is_breached for clock in self.clocks)

    @property
    def near(self):
        return not self.breached and any(clock.is_near for clock in self.clocks)


def rows_with_clocks(reports):
    """Rows for a page of reports; their live clocks come in one query, soonest due first."""
    rows = {report.pk: Row(report) for report in reports}
    if rows:
        live = Deadline.objects.live().filter(
            content_type=ContentType.objects.get_for_model(Report), object_id__in=[str(pk) for pk in rows]
        )
        for clock in live.order_by("due_at"):
            rows[int(clock.object_id)].clocks.append(clock)
    return list(rows.values())


@login_required
def coordinator_inbox(request):
    """New reports to verify and verified ones to route, oldest first; the Inspektorat reads along."""
    user = request.user
    require_officer(user)
    if user.role not in INBOX_READERS:
        raise PermissionDenied("Kotak masuk ini untuk operator Command Center, admin kota, dan Inspektorat.")
    inbox = queries.coordinator_inbox(current_city())
    context = {"may_act": user.role in actions.COORDINATORS, "error": None}
    try:
        to_verify = ascending_page(
            inbox.filter(status=Status.RECEIVED),
            request.GET.get("lanjut_verifikasi"),
            size=PAGE_SIZE,
            field="created_at",
        )
        to_route = ascending_page(
            inbox.filter(status=Status.VERIFIED),
            request.GET.get("lanjut_disposisi"),
            size=PAGE_SIZE,
            field="created_at",
        )
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "reports/officer_inbox.html", context, status=400)
    context.update(
        to_verify=rows_with_clocks(to_verify.items),
        to_verify_next=to_verify.next_cursor,
        to_route=rows_with_clocks(to_route.items),
        to_route_next=to_route.next_cursor,
    )
    return render(request, "reports/officer_inbox.html", context)


@login_required
def queue(request):
    """The OPD's work queue (every OPD's for the Inspektorat and the Command Center), by deadline by default."""
    user = request.user
    require_officer(user)
    sort = request.GET.get("urut", "tenggat")
    assigned_to_me = request.GET.get("saya") == "1"
    context = {
        "sort": sort,
        "sorts": SORT_LABELS,
        "assigned_to_me": assigned_to_me,
        "sees_all": user.role in SEES_ALL,
        "error": None,
    }
    try:
        reports = queries.opd_queue(user, sort=sort, assigned_to_me=assigned_to_me)
        cursor = request.GET.get("setelah")
        if sort == "terbaru":
            page = keyset_page(reports, cursor, size=PAGE_SIZE)
        else:
            field = "due_at" if sort == "tenggat" else "created_at"
            page = ascending_page(reports, cursor, size=PAGE_SIZE, field=field)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "reports/officer_queue.html", context, status=400)
    context.update(rows=rows_with_clocks(page.items), next_cursor=page.next_cursor)
    return render(request, "reports/officer_queue.html", context)


# --- the forms behind the buttons -----------------------------------------------------------------
# Fields are optional here on purpose: the action functions say what is missing, in the same words
# for the web, the API and Open311.


class ActionForm(forms.Form):
    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report


class ConfirmForm(ActionForm):
    pass


def long_text(label, help_text="", rows=3):
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": rows})
    )


class ReasonForm(ActionForm):
    reason = long_text("Alasan", "Alasan ini tampil pada riwayat laporan yang dilihat pelapor dan publik.")


class NotAuthorityForm(ActionForm):
    reason = long_text("Instansi yang berwenang", "Sebutkan instansi yang berwenang agar pelapor dapat menghubunginya.")


class ReturnForm(ActionForm):
    reason = long_text(
        "Alasan pengembalian", "Mengapa laporan ini bukan tugas OPD Anda? Command Center akan membacanya."
    )


class DispositionForm(ActionForm):
    opd = forms.TypedChoiceField(
        label="OPD tujuan",
        coerce=int,
        help_text="Sudah terisi OPD menurut kategori dan kecamatan laporan; ubah bila perlu.",
        error_messages={"invalid_choice": "Pilih OPD yang tersedia."},
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, report=report, **kwargs)
        self.fields["opd"].choices = [(opd.pk, opd.name) for opd in report.city.opds.order_by("name")]
        self.fields["opd"].initial = report.category.opd_for(report.kecamatan).pk


class MergeForm(ActionForm):
    into = forms.CharField(
        label="Nomor laporan asli",
        required=False,
        max_length=40,
        help_text="Laporan ini digabung ke laporan asli; pelapor dan pendukungnya ikut mengikuti laporan asli.",
        widget=forms.TextInput(attrs={"placeholder": "LP-2026-0000123", "autocomplete": "off"}),
    )


class StartForm(ActionForm):
    plan = long_text("Rencana tindak lanjut", "Tampil untuk pelapor dan publik, misalnya jadwal penanganan.")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """The uploads as a list; core.photos checks each one by its content."""

    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, value):
        return list(value or [])


class ResolveForm(ActionForm):
    response = long_text("Tanggapan penyelesaian", "Tampil untuk pelapor dan publik.", rows=4)
    proof_photos = PhotosField(
        label="Foto bukti penyelesaian",
        required=False,
        help_text="Minimal satu foto JPEG, PNG atau WebP; data lokasi dan kamera di dalam foto dihapus.",
    )


class AssignForm(ActionForm):
    officer = forms.IntegerField(label="Petugas", required=False, widget=forms.Select)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, report=report, **kwargs)
        colleagues = [(officer.pk, officer.full_name) for officer in actions.opd_colleagues(report)]
        self.fields["officer"].widget.choices = [("", "Pilih petugas")] + colleagues


class NoteForm(ActionForm):
    text = long_text("Isi", rows=3)


# --- what each button does -------------------------------------------------------------------------


def run_verify(user, report, data):
    actions.do_verify(user, report)


def run_disposition(user, report, data):
    opd = Opd.objects.filter(pk=data["opd"]).first()
    if opd is None:
        raise ValidationError({"opd": ["OPD tidak dikenal."]})
    actions.do_disposition(user, report, opd)


def run_reject(user, report, data):
    actions.do_reject(user, report, data["reason"])


def run_not_authority(user, report, data):
    actions.do_mark_not_authority(user, report, data["reason"])


def run_merge(user, report, data):
    if not data["into"].strip():
        raise ValidationError({"into": ["Tuliskan nomor laporan asli."]})
    into = find_report(data["into"])
    if into is None:
        raise ValidationError({"into": [f"Laporan {data['into'].strip()} tidak ditemukan."]})
    actions.do_merge_duplicate(user, report, into)


def run_start(user, report, data):
    actions.do_start_work(user, report, data["plan"])


def run_return(user, report, data):
    actions.do_return_to_coordinator(user, report, data["reason"])


def run_resolve(user, report, data):
    actions.do_resolve(user, report, data["response"], data["proof_photos"])


def run_assign(user, report, data):
    officer = User.objects.filter(pk=data["officer"], kind=User.Kind.OFFICER).first() if data["officer"] else None
    if officer is None:
        raise ValidationError({"officer": ["Pilih petugas yang akan ditugaskan."]})
    actions.do_assign(user, report, officer)


def run_public_reply(user, report, data):
    actions.do_add_note(user, report, data["text"], public=True)


def run_internal_note(user, report, data):
    actions.do_add_note(user, report, data["text"], public=False)


def coordinator(user, report):
    return user.role in actions.COORDINATORS


def opd_handler(user, report):
    return may_act_on_case(user, report, actions.OPD_HANDLERS)


def note_writer(user, report):
    return coordinator(user, report) or opd_handler(user, report)


def check_coordinator(user, report):
    actions.check_coordinator(user)


@dataclass(frozen=True)
class OfficerAction:
    title: str
    explanation: str
    button: str
    form: type[ActionForm]
    run: Callable
    done: str
    # Whether to show the form; the action function itself refuses whoever and whatever does not fit.
    offered_to: Callable
    offered_when: Callable
    # For actions whose input is looked up first (an OPD, a report number, an officer): who may act is
    # checked before that, so a role that may not act hears so (403), not a form error.
    check: Callable | None = None


ACTIONS = {
    "verifikasi": OfficerAction(
        title="Verifikasi",
        explanation="Laporan jelas, berada di wilayah kota, dan layak ditindaklanjuti.",
        button="Verifikasi laporan",
        form=ConfirmForm,
        run=run_verify,
        done="Laporan telah diverifikasi.",
        offered_to=coordinator,
        offered_when=lambda report: report.status == Status.RECEIVED,
    ),
    "disposisi": OfficerAction(
        title="Disposisi ke OPD",
        explanation="Teruskan laporan ke OPD yang menanganinya; tenggat OPD mulai berjalan.",
        button="Disposisikan",
        form=DispositionForm,
        run=run_disposition,
        done="Laporan telah didisposisikan.",
        offered_to=coordinator,
        offered_when=lambda report: report.may_move_to(Status.DISPOSITIONED),
        check=check_coordinator,
    ),
    "tolak": OfficerAction(
        title="Tolak laporan",
        explanation="Untuk laporan yang tidak layak, misalnya tidak jelas atau bukan keluhan pelayanan.",
        button="Tolak",
        form=ReasonForm,
        run=run_reject,
        done="Laporan telah ditolak.",
        offered_to=coordinator,
        offered_when=lambda report: report.may_move_to(Status.REJECTED),
    ),
    "bukan-kewenangan": OfficerAction(
        title="Bukan kewenangan pemerintah kota",
        explanation="Misalnya jalan nasional atau provinsi, atau urusan instansi vertikal.",
        button="Tandai bukan kewenangan",
        form=NotAuthorityForm,
        run=run_not_authority,
        done="Laporan ditandai bukan kewenangan pemerintah kota.",
        offered_to=coordinator,
        offered_when=lambda report: report.may_move_to(Status.NOT_AUTHORITY),
    ),
    "gabungkan": OfficerAction(
        title="Gabungkan sebagai duplikat",
        explanation="Untuk laporan yang mengulang masalah yang sudah dilaporkan.",
        button="Gabungkan",
        form=MergeForm,
        run=run_merge,
        done="Laporan telah digabung ke laporan asli.",
        offered_to=coordinator,
        offered_when=lambda report: report.may_move_to(Status.DUPLICATE),
        check=check_coordinator,
    ),
    "mulai": OfficerAction(
        title="Mulai tindak lanjut",
        explanation="Terima laporan dan sampaikan rencana tindak lanjut kepada pelapor.",
        button="Mulai tindak lanjut",
        form=StartForm,
        run=run_start,
        done="Tindak lanjut dimulai.",
        offered_to=opd_handler,
        offered_when=lambda report: report.may_move_to(Status.IN_PROGRESS),
    ),
    "kembalikan": OfficerAction(
        title="Kembalikan ke Command Center",
        explanation="Bila laporan ini bukan tugas OPD Anda; Command Center akan meneruskannya ke OPD lain.",
        button="Kembalikan",
        form=ReturnForm,
        run=run_return,
        done="Laporan dikembalikan ke Command Center.",
        offered_to=opd_handler,
        offered_when=lambda report: report.status in OPD_STATUSES and report.may_move_to(Status.VERIFIED),
    ),
    "selesaikan": OfficerAction(
        title="Selesaikan",
        explanation="Tanggapan dan foto bukti dikirim ke pelapor, yang dapat menilai atau membuka kembali.",
        button="Tandai selesai",
        form=ResolveForm,
        run=run_resolve,
        done="Laporan ditandai selesai ditangani.",
        offered_to=opd_handler,
        offered_when=lambda report: report.may_move_to(Status.RESOLVED),
    ),
    "tugaskan": OfficerAction(
        title="Tugaskan ke rekan",
        explanation="Tenggat laporan berpindah ke petugas yang ditugaskan, dan ia diberi tahu.",
        button="Tugaskan",
        form=AssignForm,
        run=run_assign,
        done="Laporan telah ditugaskan.",
        offered_to=opd_handler,
        offered_when=lambda report: report.status in OPD_STATUSES,
        check=actions.check_opd_handler,
    ),
    "balas-publik": OfficerAction(
        title="Balasan untuk pelapor (publik)",
        explanation="Tampil di riwayat publik laporan; pelapor dan pendukungnya diberi tahu lewat SMS/e-mail.",
        button="Kirim balasan publik",
        form=NoteForm,
        run=run_public_reply,
        done="Balasan terkirim dan tampil di riwayat publik.",
        offered_to=note_writer,
        offered_when=lambda report: True,
    ),
    "catatan-internal": OfficerAction(
        title="Catatan internal (hanya petugas)",
        explanation="Tidak pernah tampil untuk pelapor atau publik, dan tidak dikirim ke siapa pun.",
        button="Simpan catatan internal",
        form=NoteForm,
        run=run_internal_note,
        done="Catatan internal disimpan.",
        offered_to=note_writer,
        offered_when=lambda report: True,
    ),
}


# --- the report's file -----------------------------------------------------------------------------


def action_form(slug, report, *args):
    return ACTIONS[slug].form(*args, report=report, auto_id=f"id_{slug}_%s")


def offered_actions(user, report):
    return [slug for slug, action in ACTIONS.items() if action.offered_to(user, report) and action.offered_when(report)]


def event_label(action):
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    status = action.removeprefix("report.")
    return f"Status: {Status(status).label}" if status in Status.values else action


def attribute_answers(report):
    """The category's questions (Open311 attributes) with the reporter's answers, in the form's words."""
    answers = []
    for attribute in sorted(report.category.attributes, key=lambda attribute: attribute.get("order", 0)):
        if attribute["code"] not in report.attributes:
            continue
        names = {str(choice["key"]): choice["name"] for choice in attribute.get("values", [])}
        value = report.attributes[attribute["code"]]
        chosen = value if isinstance(value, list) else [value]
        answers.append((attribute["description"], ", ".join(names.get(str(item), str(item)) for item in chosen)))
    return answers


def history_rows(report):
    events = list(history(report))
    assigned = [e.after["assigned_to"] for e in events if e.action == "report.assigned" and e.after]
    names = dict(User.objects.filter(pk__in=assigned).values_list("pk", "full_name"))
    rows = []
    for event in events:
        detail = event.public_text
        if event.action == "report.assigned" and event.after:
            detail = names.get(event.after["assigned_to"], "")
        rows.append({"event": event, "label": event_label(event.action), "detail": detail})
    return rows


def merge_candidates(report):
    """Open public reports close to this one or alike in words: likely originals of a duplicate."""
    suggestions = similar_open_reports(
        report.city,
        lat=report.lat,
        lon=report.lon,
        text=report.description,
        category=report.category.code,
        kelurahan=report.kelurahan,
        limit=MERGE_SUGGESTIONS + 1,
    )
    return [s for s in suggestions if s.report.pk != report.pk][:MERGE_SUGGESTIONS]


def render_report(request, report, *, failed=None, problem="", status=200):
    """The report's file; `failed` is (slug, bound form) of an action to show again with its errors."""
    user = request.user
    offered = offered_actions(user, report)
    if failed and failed[0] not in offered:
        offered.append(failed[0])  # the status changed meanwhile: the errors still belong on the page
    panels = []
    for slug in offered:
        form = failed[1] if failed and failed[0] == slug else action_form(slug, report)
        panels.append({"slug": slug, "action": ACTIONS[slug], "form": form})
    may_act = coordinator(user, report) or opd_handler(user, report)
    context = {
        "report": report,
        "panels": panels,
        "problem": problem,
        "failed_slug": failed[0] if failed else "",
        "failed_title": ACTIONS[failed[0]].title if failed else "",
        "read_only": not may_act,
        "shows_contact": may_act,
        "answers": attribute_answers(report),
        "report_photos": [p for p in report.photos.all() if p.kind == Photo.Kind.REPORT],
        "proof_photos": [p for p in report.photos.all() if p.kind == Photo.Kind.PROOF],
        "clocks": [
            {"clock": clock, "label": CLOCK_LABELS.get(clock.kind, clock.title)}
            for clock in Deadline.objects.for_case(report).select_related("opd", "holder").order_by("started_at", "id")
        ],
        "notes": report.notes.select_related("author__opd"),
        "events": history_rows(report),
        "merge_candidates": merge_candidates(report) if "gabungkan" in offered else [],
    }
    return render(request, "reports/officer_detail.html", context, status=status)


@login_required
def officer_detail(request, number):
    return render_report(request, report_for_officer(request.user, number))


@login_required
@require_POST
def officer_action(request, number, action):
    if action not in ACTIONS:
        raise Http404("Tindakan tidak dikenal.")
    spec = ACTIONS[action]
    user = request.user
    report = report_for_officer(user, number)
    if spec.check is not None:
        spec.check(user, report)
    form = action_form(action, report, request.POST, request.FILES)
    if form.is_valid():
        try:
            spec.run(user, report, form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        except IllegalMove as move:
            report.refresh_from_db()
            return render_report(request, report, problem=str(move), status=409)
        else:
            messages.success(request, spec.done)
            return redirect("reports:officer_detail", number=report.number)
    report.refresh_from_db()
    return render_report(request, report, failed=(action, form), status=400)
