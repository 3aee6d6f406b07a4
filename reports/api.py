"""e-Masyarakat REST API (/api/v1/): everything the report pages do, for the Android apps.

Thin views: find the report the caller may see, translate the input, call
reports.actions, answer with the serializer meant for the caller. Errors take
the API's one shape (core/api.py): ValidationError → 400 with the fields,
PermissionDenied → 403, a report the caller may not see → 404, a move the
pipeline refuses (IllegalMove) → 409.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import SEES_ALL, access_case, may_see_case
from cities.models import Kelurahan, current_city_or_404
from core.api import Conflict, next_page_url, page_schema, validated_query
from core.pagination import keyset_page
from reports import actions
from reports.models import Report
from reports.queries import coordinator_inbox, opd_queue, public_reports
from reports.serializers import (
    AssignSerializer,
    CategorySerializer,
    DispositionSerializer,
    KelurahanSerializer,
    MergeSerializer,
    MyReportDetailSerializer,
    MyReportSerializer,
    NoteInputSerializer,
    OfficerReportSerializer,
    PageQuerySerializer,
    PlanSerializer,
    PublicListQuerySerializer,
    PublicReportDetailSerializer,
    PublicReportSerializer,
    QueueItemSerializer,
    QueueQuerySerializer,
    RateSerializer,
    ReasonSerializer,
    ReceiptSerializer,
    ReportSubmitSerializer,
    ResolveSerializer,
    SimilarQuerySerializer,
    SuggestionSerializer,
    report_by_number,
)
from reports.similar import similar_open_reports

# The officer lists show their first rows in the queue's own order (deadline first) with the total,
# rather than pages: an OPD works from the top of its queue.
OFFICER_LIST_SHOWN = 100


def _report(number):
    report = report_by_number(number, current_city_or_404())
    if report is None:
        raise Http404(f"Laporan {number} tidak ditemukan.")
    return report


def _readable_report(user, number):
    """Public reports for anyone; the others only for those who may see the case (as on the public page)."""
    report = _report(number)
    if not (report.is_public or may_see_case(user, report)):
        raise Http404(f"Laporan {number} tidak ditemukan.")
    return report


def _officer_report(user, number):
    if not user.is_officer:
        raise PermissionDenied("Hanya untuk petugas.")
    return access_case(user, _report(number))


def _detail_for(request, report):
    """The public detail, or the reporter's own view of it."""
    mine = request.user.is_authenticated and report.owner_id == request.user.pk
    serializer = MyReportDetailSerializer if mine else PublicReportDetailSerializer
    return serializer(report, context={"request": request}).data


def _list_schema(name, item_serializer):
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(help_text="Jumlah seluruhnya"),
            "results": item_serializer(many=True, help_text=f"Paling banyak {OFFICER_LIST_SHOWN} teratas"),
        },
    )


def _illegal_move_is_a_conflict(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except actions.IllegalMove as exc:
        raise Conflict(str(exc)) from None


# --- public and citizen --------------------------------------------------------------------------


class CategoryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CategorySerializer(many=True)}, summary="Kategori laporan (layanan Open311)")
    def get(self, request):
        categories = current_city_or_404().report_categories.filter(active=True).order_by("group", "name")
        return Response(CategorySerializer(categories, many=True).data)


class KelurahanListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: KelurahanSerializer(many=True)}, summary="Kelurahan tempat laporan dapat dibuat")
    def get(self, request):
        kelurahan = Kelurahan.objects.filter(kecamatan__city=current_city_or_404()).select_related("kecamatan")
        return Response(KelurahanSerializer(kelurahan.order_by("kecamatan__name", "name"), many=True).data)


class ReportListView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="v1_reports_list",
        parameters=[PublicListQuerySerializer],
        responses={200: page_schema("PublicReportPage", PublicReportSerializer)},
        summary="Daftar laporan publik (terbaru dulu, halaman dengan kursor)",
    )
    def get(self, request):
        query = validated_query(PublicListQuerySerializer, request)
        reports = public_reports(
            current_city_or_404(),
            category=query.get("category"),
            status=query.get("status"),
            kecamatan=query.get("kecamatan"),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
        )
        page = keyset_page(reports, query.get("cursor"), size=query["size"])
        results = PublicReportSerializer(page.items, many=True, context={"request": request}).data
        return Response({"results": results, "next": next_page_url(request, page.next_cursor)})

    @extend_schema(
        request=ReportSubmitSerializer,
        responses={201: ReceiptSerializer},
        summary="Kirim laporan (warga); nomor laporan langsung diberikan",
        description=(
            "Laporan disimpan dengan status `submitted` dan nomornya langsung diberikan. Sesaat kemudian "
            "worker mencatatnya (status `received`, linimasa, tenggat verifikasi) dan mengirim konfirmasi "
            "lewat SMS/e-mail. Detailnya dibaca di alamat `url`."
        ),
    )
    def post(self, request):
        data = ReportSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = actions.do_submit_report(
            reporter=request.user,
            category_code=values["category"],
            description=values["description"],
            kelurahan_id=values["kelurahan"],
            lat=values["lat"],
            lon=values["lon"],
            address=values["address"],
            photos=values["photos"],
            anonymous=values["anonymous"],
            attributes=values["attributes"],
        )
        body = ReceiptSerializer(report, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


class ReportDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: PublicReportDetailSerializer},
        summary="Detail laporan dan linimasa publik (pelapor melihat juga bagian miliknya)",
    )
    def get(self, request, number):
        report = _readable_report(request.user, number)
        return Response(_detail_for(request, report))


class SimilarView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SimilarQuerySerializer],
        responses={200: SuggestionSerializer(many=True)},
        summary="Laporan terbuka yang mirip (dekat, atau sekelurahan dan mirip isinya): dukung, jangan dobel",
    )
    def get(self, request):
        city = current_city_or_404()
        query = SimilarQuerySerializer(data=request.query_params, context={"city": city})
        query.is_valid(raise_exception=True)
        values = query.validated_data
        suggestions = similar_open_reports(
            city,
            lat=values["lat"],
            lon=values["lon"],
            text=values["text"],
            category=values["category"] or None,
            kelurahan=values["kelurahan"],
            exclude_owner=request.user,
        )
        return Response(SuggestionSerializer(suggestions, many=True, context={"request": request}).data)


class IgnoreAcceptHeader(BaseContentNegotiation):
    """A photo answers with its own bytes; errors still answer JSON whatever image type was asked for."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReportPhotoView(APIView):
    permission_classes = [AllowAny]
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="Foto JPEG, PNG atau WebP")},
        summary="Foto laporan atau foto bukti (tanpa metadata EXIF)",
    )
    def get(self, request, number, pk):
        report = _readable_report(request.user, number)
        photo = report.photos.filter(pk=pk).first()
        if photo is None:
            raise Http404("Foto tidak ditemukan.")
        response = FileResponse(photo.image.open("rb"))
        response["Cache-Control"] = "private, max-age=3600"
        return response


class MyReportsView(APIView):
    @extend_schema(
        operation_id="v1_me_reports_list",
        parameters=[PageQuerySerializer],
        responses={200: page_schema("MyReportPage", MyReportSerializer)},
        summary="Laporan saya, dengan statusnya (terbaru dulu)",
    )
    def get(self, request):
        query = validated_query(PageQuerySerializer, request)
        reports = Report.objects.filter(owner=request.user).select_related("category")
        page = keyset_page(reports, query.get("cursor"), size=query["size"])
        return Response(
            {
                "results": MyReportSerializer(page.items, many=True).data,
                "next": next_page_url(request, page.next_cursor),
            }
        )


class SupportView(APIView):
    @extend_schema(
        request=None, responses={200: PublicReportSerializer}, summary="Dukung laporan warga lain (saya juga)"
    )
    def post(self, request, number):
        report = _readable_report(request.user, number)
        _illegal_move_is_a_conflict(actions.do_support, request.user, report)
        return Response(PublicReportSerializer(report, context={"request": request}).data)


class ReopenView(APIView):
    @extend_schema(
        request=ReasonSerializer,
        responses={200: MyReportDetailSerializer},
        summary="Buka kembali laporan saya (paling lambat 7 hari setelah selesai)",
    )
    def post(self, request, number):
        report = _readable_report(request.user, number)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _illegal_move_is_a_conflict(actions.do_reopen, request.user, report, data.validated_data["reason"])
        return Response(_detail_for(request, report))


class RateView(APIView):
    @extend_schema(
        request=RateSerializer,
        responses={200: MyReportDetailSerializer},
        summary="Beri nilai tanggapan (1–5 bintang); laporan ditutup",
    )
    def post(self, request, number):
        report = _readable_report(request.user, number)
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        _illegal_move_is_a_conflict(actions.do_rate, request.user, report, values["rating"], values["comment"])
        return Response(_detail_for(request, report))


# --- officers --------------------------------------------------------------------------------------


class InboxView(APIView):
    @extend_schema(
        responses={200: _list_schema("InboxList", QueueItemSerializer)},
        summary="Kotak masuk Command Center: laporan untuk diverifikasi dan didisposisikan (terlama dulu)",
    )
    def get(self, request):
        if not request.user.is_officer or request.user.role not in SEES_ALL:
            raise PermissionDenied("Hanya Command Center, admin kota dan Inspektorat yang melihat kotak masuk.")
        reports = coordinator_inbox(current_city_or_404())
        return Response(
            {
                "count": reports.count(),
                "results": QueueItemSerializer(
                    reports[:OFFICER_LIST_SHOWN], many=True, context={"request": request}
                ).data,
            }
        )


class QueueView(APIView):
    @extend_schema(
        parameters=[QueueQuerySerializer],
        responses={200: _list_schema("QueueList", QueueItemSerializer)},
        summary="Antrean kerja OPD (laporan OPD sendiri), urut tenggat bawaan",
    )
    def get(self, request):
        if not request.user.is_officer:
            raise PermissionDenied("Hanya untuk petugas.")
        query = validated_query(QueueQuerySerializer, request)
        reports = opd_queue(request.user, sort=query["sort"], assigned_to_me=query["assigned_to_me"])
        return Response(
            {
                "count": reports.count(),
                "results": QueueItemSerializer(
                    reports[:OFFICER_LIST_SHOWN], many=True, context={"request": request}
                ).data,
            }
        )


class OfficerReportView(APIView):
    @extend_schema(
        responses={200: OfficerReportSerializer},
        summary="Detail lengkap laporan untuk petugas (riwayat, catatan internal, tenggat)",
    )
    def get(self, request, number):
        report = _officer_report(request.user, number)
        return Response(OfficerReportSerializer(report, context={"request": request}).data)


@dataclass(frozen=True)
class OfficerAction:
    summary: str
    # The input's field names are the action function's parameter names.
    serializer: Any
    perform: Any


OFFICER_ACTIONS = {
    "verify": OfficerAction("Verifikasi laporan (Command Center)", None, actions.do_verify),
    "disposition": OfficerAction(
        "Disposisikan ke OPD (Command Center); tanpa opd: OPD kategori/kecamatan",
        DispositionSerializer,
        actions.do_disposition,
    ),
    "reject": OfficerAction("Tolak laporan dengan alasan (Command Center)", ReasonSerializer, actions.do_reject),
    "not-authority": OfficerAction(
        "Tandai bukan kewenangan pemerintah kota (Command Center)", ReasonSerializer, actions.do_mark_not_authority
    ),
    "merge": OfficerAction(
        "Gabungkan duplikat ke laporan asli (Command Center)", MergeSerializer, actions.do_merge_duplicate
    ),
    "start": OfficerAction("Mulai tindak lanjut dengan rencana (OPD)", PlanSerializer, actions.do_start_work),
    "return": OfficerAction(
        "Kembalikan ke Command Center: bukan tugas OPD ini (OPD)", ReasonSerializer, actions.do_return_to_coordinator
    ),
    "resolve": OfficerAction("Selesaikan dengan tanggapan dan foto bukti (OPD)", ResolveSerializer, actions.do_resolve),
    "assign": OfficerAction("Tugaskan ke rekan satu OPD (OPD)", AssignSerializer, actions.do_assign),
    "note": OfficerAction("Balasan publik atau catatan internal", NoteInputSerializer, actions.do_add_note),
}


class OfficerActionSchema(AutoSchema):
    """Each action is its own path, documented with its own input."""

    def _action(self):
        return OFFICER_ACTIONS[self.view.action_name]

    def get_summary(self):
        return self._action().summary

    def get_request_serializer(self):
        return self._action().serializer

    def get_response_serializers(self):
        return OfficerReportSerializer


class OfficerActionView(APIView):
    """Move or annotate a report; the answer is the report as the officer now sees it."""

    action_name = None
    schema = OfficerActionSchema()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request, number):
        action = OFFICER_ACTIONS[self.action_name]
        report = _officer_report(request.user, number)
        values = {}
        if action.serializer is not None:
            data = action.serializer(data=request.data, context={"city": report.city})
            data.is_valid(raise_exception=True)
            values = data.validated_data
        _illegal_move_is_a_conflict(action.perform, request.user, report, **values)
        report = report_by_number(report.number, report.city)
        return Response(OfficerReportSerializer(report, context={"request": request}).data)
