"""The citizen's side of e-Masyarakat: file a report, follow it, reopen or rate it, back somebody else's.

Thin: the forms collect input, reports.actions decides. A citizen sees only
their own reports here; somebody else's number answers 404, as an unknown one.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.forms import add_action_errors
from audit.events import public_timeline
from cities.models import Kelurahan, current_city_or_404
from core.pagination import keyset_page
from reports.actions import IllegalMove, check_submission, do_rate, do_reopen, do_submit_report, do_support
from reports.forms import REPORT_FORM_ID, RatingForm, ReopenForm, ReportForm
from reports.models import Photo, Report, Status, Support
from reports.similar import similar_open_reports

PAGE_SIZE = 20
NOT_FOR_OFFICERS = "Halaman ini untuk warga. Petugas tidak dapat membuat atau mengikuti laporan dari akun dinas."


def _check_citizen(user):
    if not user.is_citizen:
        raise PermissionDenied(NOT_FOR_OFFICERS)


def _own_report(user, number):
    """The user's own report with this tracking number, or 404 (somebody else's is not revealed)."""
    report = (
        Report.objects.filter(owner_id=user.pk)
        .select_related("category", "kelurahan", "kecamatan", "opd")
        .by_number(number)
    )
    if report is None:
        raise Http404("Laporan tidak ditemukan di antara laporan Anda.")
    return report


def _map_settings(city):
    (lat_min, lon_min), (lat_max, lon_max) = city.bbox
    return {
        "tile_url": settings.KC_MAP_TILE_URL,
        "attribution": settings.KC_MAP_ATTRIBUTION,
        "bounds": f"{lat_min},{lon_min},{lat_max},{lon_max}",
        "centre": f"{city.centre_lat},{city.centre_lon}",
    }


# --- Filing a report --------------------------------------------------------------------------


@login_required
def new(request):
    _check_citizen(request.user)
    city = current_city_or_404()
    posted = request.method == "POST"
    form = ReportForm(request.POST if posted else None, request.FILES if posted else None, city=city)
    if posted:
        if form.is_valid():
            try:
                report = do_submit_report(
                    reporter=request.user, anonymous=form.cleaned_data["anonymous"], **form.submission_values()
                )
            except ValidationError as error:
                form.add_action_errors(error)
            else:
                messages.success(
                    request,
                    f"Laporan Anda diterima dengan nomor {report.number}. Simpan nomor ini untuk memantau "
                    "laporan; konfirmasinya juga dikirim ke nomor HP/e-mail Anda.",
                )
                return redirect("reports:mine_detail", report.number)
        else:
            # The action's rules run too, so that every problem shows at once.
            try:
                check_submission(city=city, **form.submission_values())
            except ValidationError as error:
                form.add_action_errors(error)
    context = {
        "form": form,
        "form_id": REPORT_FORM_ID,
        "map": _map_settings(city),
        "boundary": city.boundary,
        "photos_lost": posted and bool(request.FILES.getlist("photos")),
        **(_suggestions(request, city, form.data) if posted else {"suggestions": []}),
    }
    return render(request, "reports/new.html", context, status=400 if posted else 200)


def _suggestions(request, city, data):
    """The suggestions panel's context: reports like the one in `data` (the form's current values,
    posted or sent by htmx), and which of them the citizen already supports."""
    lat, lon = _coordinate(data.get("lat")), _coordinate(data.get("lon"))
    kelurahan_id = data.get("kelurahan") or ""
    kelurahan = None
    if kelurahan_id.isdigit():
        kelurahan = Kelurahan.objects.filter(pk=kelurahan_id, kecamatan__city=city).first()
    suggestions = similar_open_reports(
        city,
        lat=lat if lon is not None else None,
        lon=lon if lat is not None else None,
        text=data.get("description", ""),
        category=data.get("category") or None,
        kelurahan=kelurahan,
        exclude_owner=request.user,
    )
    supported = Support.objects.filter(user=request.user, report__in=[s.report for s in suggestions])
    return {"suggestions": suggestions, "supported_ids": set(supported.values_list("report_id", flat=True))}


def _coordinate(value):
    try:
        number = float((value or "").strip().replace(",", "."))
    except ValueError:
        return None
    return number if -180 <= number <= 180 else None


@login_required
@require_safe
def similar(request):
    """The suggestions panel of the report form, refreshed by htmx while the citizen types."""
    _check_citizen(request.user)
    city = current_city_or_404()
    return render(request, "reports/_similar.html", _suggestions(request, city, request.GET))


@require_POST
def support(request, number):
    """'Saya juga': back an open public report; answers in place for htmx, else back to the report."""
    report_url = reverse("reports:detail", args=[number])
    if not request.user.is_authenticated:
        return redirect_to_login(report_url)
    report = Report.objects.filter(city=current_city_or_404()).by_number(number)
    if report is None or not report.is_public:
        raise Http404("Laporan tidak ditemukan atau belum dipublikasikan.")
    try:
        do_support(request.user, report)
    except IllegalMove as refusal:
        outcome = ("error", str(refusal))
    else:
        outcome = (
            "success",
            f"Dukungan Anda untuk laporan {report.number} tercatat ({report.support_count} warga mendukung). "
            "Anda akan diberi kabar setiap ada perkembangan.",
        )
    if request.headers.get("HX-Request") == "true":
        # htmx swaps only successful answers; the outcome itself says whether it worked.
        return render(request, "reports/citizen_support_result.html", {"tag": outcome[0], "text": outcome[1]})
    getattr(messages, outcome[0])(request, outcome[1])
    return redirect(report_url)


# --- Following one's reports ------------------------------------------------------------------


@login_required
@require_safe
def mine(request):
    _check_citizen(request.user)
    reports = Report.objects.filter(owner=request.user).select_related("category", "kelurahan")
    context = {"reports": [], "next_url": None, "page_error": None, "later_page": "cursor" in request.GET}
    try:
        page = keyset_page(reports, request.GET.get("cursor"), size=PAGE_SIZE)
    except ValidationError as error:
        context["page_error"] = error.message_dict["cursor"][0]
        return render(request, "reports/mine.html", context, status=400)
    context["reports"] = page.items
    if page.next_cursor:
        context["next_url"] = f"{request.path}?cursor={page.next_cursor}"
    return render(request, "reports/mine.html", context)


@login_required
@require_safe
def mine_detail(request, number):
    report = _own_report(request.user, number)
    if number != report.number:
        return redirect("reports:mine_detail", report.number)
    return _render_detail(request, report)


def _render_detail(request, report, *, reopen_form=None, rating_form=None, status=200):
    photos = list(report.photos.all())
    reopen_until = report.reopen_until()
    resolved = report.status == Status.RESOLVED
    context = {
        "report": report,
        "report_photos": [p for p in photos if p.kind == Photo.Kind.REPORT],
        "proof_photos": [p for p in photos if p.kind == Photo.Kind.PROOF],
        "answers": _answers(report),
        "timeline": public_timeline(report),
        # Public replies only: internal notes are for the officers.
        "replies": list(report.notes.filter(public=True).order_by("id")),
        "reopen_until": reopen_until,
        "may_reopen": resolved and timezone.now() <= reopen_until,
        "may_rate": resolved and report.rating is None,
        "reopen_form": reopen_form or ReopenForm(),
        "rating_form": rating_form or RatingForm(),
    }
    return render(request, "reports/mine_detail.html", context, status=status)


def _answers(report):
    """The reporter's answers to the category's questions, as (question, answer) in words."""
    answers = []
    for attribute in report.category.attributes:
        value = report.attributes.get(attribute["code"])
        if value in (None, "", []):
            continue
        names = {choice["key"]: choice["name"] for choice in attribute.get("values", [])}
        values = value if isinstance(value, list) else [value]
        question = attribute.get("description") or attribute["code"]
        answers.append((question, ", ".join(names.get(v, str(v)) for v in values)))
    return answers


@login_required
@require_POST
def reopen(request, number):
    report = _own_report(request.user, number)
    form = ReopenForm(request.POST)
    form.is_valid()
    try:
        do_reopen(request.user, report, form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        add_action_errors(form, error)
        return _render_detail(request, report, reopen_form=form, status=400)
    except IllegalMove as refusal:
        messages.error(request, str(refusal))
        return _render_detail(request, _own_report(request.user, number), status=409)
    messages.success(request, "Laporan dibuka kembali dan dikembalikan ke OPD untuk ditangani lagi.")
    return redirect("reports:mine_detail", report.number)


@login_required
@require_POST
def rate(request, number):
    report = _own_report(request.user, number)
    form = RatingForm(request.POST)
    form.is_valid()
    try:
        do_rate(request.user, report, form.cleaned_data.get("rating"), form.cleaned_data.get("comment", ""))
    except ValidationError as error:
        add_action_errors(form, error)
        return _render_detail(request, report, rating_form=form, status=400)
    except IllegalMove as refusal:
        messages.error(request, str(refusal))
        return _render_detail(request, _own_report(request.user, number), status=409)
    messages.success(request, "Terima kasih atas penilaian Anda. Laporan ini kini ditutup.")
    return redirect("reports:mine_detail", report.number)
