"""The public side of e-Masyarakat: the map, the list, a report's privacy-safe page and its photos.

Nothing here shows who reported (beyond `Report.reporter_label()`), who handled
it, or anything the reporter gave as contact. Reports the coordinator has not
checked yet, or refused, are not public at all (`PUBLIC_STATUSES`).
"""

import math

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.permissions import may_see_case
from audit.events import public_timeline
from cities.models import current_city_or_404
from core.api import error_body
from core.pagination import keyset_page
from core.photos import ACCEPTED_FORMATS
from reports.models import PUBLIC_STATUSES, Photo, Report, Status, Support, number_of
from reports.queries import check_filter_date, public_reports

PAGE_SIZE = 20
# The map shows the newest reports of the current filter and view; zooming in shows the rest.
MAP_FEATURES_MAX = 500
CONTENT_TYPES = {extension: f"image/{name.lower()}" for name, extension in ACCEPTED_FORMATS.items()}


class PublicFilterForm(forms.Form):
    """The list and map filters, read from the query string."""

    category = forms.ChoiceField(
        label="Kategori", required=False, error_messages={"invalid_choice": "Kategori tidak dikenal."}
    )
    status = forms.ChoiceField(
        label="Status", required=False, error_messages={"invalid_choice": "Status tidak dikenal."}
    )
    kecamatan = forms.ModelChoiceField(
        label="Kecamatan",
        queryset=None,
        required=False,
        empty_label="Semua kecamatan",
        error_messages={"invalid_choice": "Kecamatan tidak dikenal."},
    )
    date_from = forms.DateField(
        label="Dari tanggal",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={"invalid": "Tanggal tidak valid; tulis seperti 2026-03-31."},
        validators=[check_filter_date],
    )
    date_to = forms.DateField(
        label="Sampai tanggal",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={"invalid": "Tanggal tidak valid; tulis seperti 2026-03-31."},
        validators=[check_filter_date],
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        categories = city.report_categories.filter(active=True).order_by("name")
        self.fields["category"].choices = [("", "Semua kategori")] + [(c.code, c.name) for c in categories]
        # In pipeline order, as a citizen follows a report.
        self.fields["status"].choices = [("", "Semua status")] + [
            (status.value, status.label) for status in Status if status in PUBLIC_STATUSES
        ]
        self.fields["kecamatan"].queryset = city.kecamatan.all()

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
        return cleaned

    def filters(self):
        """Keyword arguments for `reports.queries.public_reports`."""
        data = self.cleaned_data
        return {
            "category": data["category"] or None,
            "status": data["status"] or None,
            "kecamatan": data["kecamatan"].pk if data["kecamatan"] else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }


def _filter_query(request):
    """The filter part of the query string (without the cursor), for the next page and the map."""
    query = request.GET.copy()
    query.pop("cursor", None)
    return query


@require_safe
def report_list(request):
    city = current_city_or_404()
    form = PublicFilterForm(request.GET, city=city)
    context = {
        "form": form,
        "reports": [],
        "next_url": None,
        "page_error": None,
        "filter_query": _filter_query(request).urlencode(),
        "map": _map_settings(city),
        "later_page": "cursor" in request.GET,
    }
    if not form.is_valid():
        return render(request, "reports/public_list.html", context, status=400)
    reports = public_reports(city, **form.filters()).select_related("owner")
    try:
        page = keyset_page(reports, request.GET.get("cursor"), size=PAGE_SIZE)
    except ValidationError as exc:
        context["page_error"] = exc.message_dict["cursor"][0]
        return render(request, "reports/public_list.html", context, status=400)
    context["reports"] = page.items
    if page.next_cursor:
        query = _filter_query(request)
        query["cursor"] = page.next_cursor
        context["next_url"] = f"{request.path}?{query.urlencode()}"
    return render(request, "reports/public_list.html", context)


def _map_settings(city):
    (lat_min, lon_min), (lat_max, lon_max) = city.bbox
    return {
        "tile_url": settings.KC_MAP_TILE_URL,
        "attribution": settings.KC_MAP_ATTRIBUTION,
        "bounds": f"{lat_min},{lon_min},{lat_max},{lon_max}",
    }


def parse_bbox(value):
    """'lon_min,lat_min,lon_max,lat_max' → (lon_min, lat_min, lon_max, lat_max), or ValidationError."""
    message = "bbox harus berupa lon_min,lat_min,lon_max,lat_max dalam derajat (bujur -180..180, lintang -90..90)."
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise ValidationError({"bbox": [message]}) from None
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise ValidationError({"bbox": [message]})
    lon_min, lat_min, lon_max, lat_max = numbers
    if not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90):
        raise ValidationError({"bbox": [message]})
    return lon_min, lat_min, lon_max, lat_max


@require_safe
def map_data(request):
    """GeoJSON of the newest public reports with a point, for the current filters and, if given, the map's view."""
    city = current_city_or_404()
    form = PublicFilterForm(request.GET, city=city)
    if not form.is_valid():
        fields = {name: list(errors) for name, errors in form.errors.items()}
        return JsonResponse(error_body("invalid", next(iter(fields.values()))[0], fields), status=400)
    reports = public_reports(city, **form.filters()).filter(lat__isnull=False)
    if request.GET.get("bbox"):
        try:
            lon_min, lat_min, lon_max, lat_max = parse_bbox(request.GET["bbox"])
        except ValidationError as exc:
            return JsonResponse(error_body("invalid", exc.message_dict["bbox"][0], exc.message_dict), status=400)
        reports = reports.filter(lat__range=(lat_min, lat_max), lon__range=(lon_min, lon_max))
    rows = list(
        reports.order_by("-created_at", "-id").values("id", "created_at", "lat", "lon", "status", "category__name")[
            : MAP_FEATURES_MAX + 1
        ]
    )
    features = [_feature(row, city.zone) for row in rows[:MAP_FEATURES_MAX]]
    # "truncated" is a foreign member (RFC 7946 §6.1): the map says that only the newest are shown.
    return JsonResponse({"type": "FeatureCollection", "truncated": len(rows) > MAP_FEATURES_MAX, "features": features})


def _feature(row, zone):
    number = number_of(row["created_at"], row["id"], zone)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
        "properties": {
            "number": number,
            "category": row["category__name"],
            "status": row["status"],
            "status_label": Status(row["status"]).label,
            "url": reverse("reports:detail", args=[number]),
        },
    }


def _report_by_number(city, number):
    """The report with this tracking number in the city, or 404."""
    report = (
        Report.objects.filter(city=city)
        .select_related("category", "kecamatan", "kelurahan", "opd", "owner", "duplicate_of")
        .by_number(number)
    )
    if report is None:
        raise Http404("Nomor laporan tidak dikenal.")
    return report


@require_safe
def detail(request, number):
    city = current_city_or_404()
    report = _report_by_number(city, number)
    user = request.user
    if not report.is_public:
        # The reporter and the officers who may see it follow it on their own pages; the public sees nothing.
        if user.is_authenticated and report.owner_id == user.pk:
            return redirect("reports:mine_detail", report.number)
        if user.is_authenticated and user.is_officer and may_see_case(user, report):
            return redirect("reports:officer_detail", report.number)
        if report.status == Status.DUPLICATE and report.duplicate_of_id:
            return render(request, "reports/public_merged.html", {"report": report, "original": report.duplicate_of})
        raise Http404("Laporan tidak ditemukan atau belum dipublikasikan.")
    if number != report.number:
        return redirect("reports:detail", report.number)
    photos = list(report.photos.all())
    context = {
        "report": report,
        "timeline": public_timeline(report),
        "report_photos": [p for p in photos if p.kind == Photo.Kind.REPORT],
        "proof_photos": [p for p in photos if p.kind == Photo.Kind.PROOF],
        "is_owner": user.is_authenticated and report.owner_id == user.pk,
        "officer_sees_it": user.is_authenticated and user.is_officer and may_see_case(user, report),
        "may_support": user.is_authenticated and user.is_citizen and report.owner_id != user.pk and report.is_open,
        "supported": user.is_authenticated and Support.objects.filter(report=report, user=user).exists(),
        "map": _map_settings(city),
    }
    return render(request, "reports/public_detail.html", context)


@require_safe
def photo(request, number, photo_id):
    """A report's photo, streamed through the permission check (media files have no public URL)."""
    report = _report_by_number(current_city_or_404(), number)
    if not (report.is_public or may_see_case(request.user, report)):
        raise Http404("Foto tidak ditemukan.")
    item = report.photos.filter(pk=photo_id).first()
    if item is None:
        raise Http404("Foto tidak ditemukan.")
    extension = item.image.name.rsplit(".", 1)[-1].lower()
    try:
        stream = item.image.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas foto tidak ditemukan.") from None
    response = FileResponse(
        stream,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        filename=f"{report.number}-{item.pk}.{extension}",
    )
    # Public photos may sit in shared caches for a few minutes (a report can still be merged away);
    # the others only in the viewer's own browser.
    response["Cache-Control"] = "public, max-age=300" if report.is_public else "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
