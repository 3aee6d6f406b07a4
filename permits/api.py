"""e-Perizinan REST API (/api/v1/permits/…): everything the permit pages do, for the mobile apps.

Thin views: find the application the caller may see (permits.actions.access_application), translate the
input, call permits.actions, answer with the serializer meant for the caller. Errors take the API's one
shape (core/api.py): ValidationError → 400 with the fields, PermissionDenied → 403, anything the caller
may not see → 404, a move the workflow refuses (IllegalMove) → 409.

The applicant addresses their applications by id (a draft has no registration number yet); officers
address them by registration number, as on paper; anybody may track one by its registration number.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from certificates.actions import IllegalMove as CertificateIllegalMove
from certificates.views import pdf_response
from cities.models import current_city_or_404
from core.api import (
    ActionView,
    error_responses,
    next_page_url,
    page_schema,
    validated_input,
    validated_query,
)
from core.pagination import ascending_page, keyset_page
from permits import actions
from permits.models import Application, Company, Document, StepPhoto
from permits.queries import step_clocks, work_queue
from permits.serializers import (
    APPLICATION_RELATED,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    AttachSerializer,
    CompanyInputSerializer,
    CompanyUpdateSerializer,
    DocumentUploadSerializer,
    DraftCreateSerializer,
    DraftUpdateSerializer,
    ForwardSerializer,
    OfficerApplicationSerializer,
    PaymentChoiceSerializer,
    PaymentReferenceSerializer,
    PaymentRejectSerializer,
    PermitAssignSerializer,
    PermitCompanySerializer,
    PermitDocumentSerializer,
    PermitPageQuerySerializer,
    PermitQueueItemSerializer,
    PermitQueueQuerySerializer,
    PermitReasonSerializer,
    PermitSurveyResponseSerializer,
    PermitSurveySerializer,
    PermitTypeDetailSerializer,
    PermitTypeSerializer,
    PublicTrackingSerializer,
    RequestDocumentsSerializer,
    ResubmitSerializer,
    WithdrawSerializer,
)


def _errors(*codes):
    return error_responses(codes, conflict="Keadaan permohonan tidak mengizinkan tindakan ini")


# The base of every view here: a move the workflow refuses is a conflict (409), whichever app refused it.
class PermitView(ActionView):
    illegal_moves = (actions.IllegalMove, CertificateIllegalMove)


class IgnoreAcceptHeader(BaseContentNegotiation):
    """A file answers with its own bytes; errors still answer JSON whatever type was asked for."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _application(user, pk):
    """The application with this id if the caller may see it (the applicant, the officers concerned); else 404."""
    application = (
        Application.objects.filter(pk=pk, city=current_city_or_404())
        .select_related("applicant", *APPLICATION_RELATED)
        .first()
    )
    if application is None:
        raise Http404("Permohonan tidak ditemukan.")
    return actions.access_application(user, application)


def _officer_application(user, number):
    if not user.is_officer:
        raise PermissionDenied("Hanya untuk petugas.")
    application = (
        Application.objects.filter(city=current_city_or_404())
        .select_related("applicant", *APPLICATION_RELATED)
        .by_number(number)
    )
    if application is None:
        raise Http404(f"Permohonan {number} tidak ditemukan.")
    return actions.access_application(user, application)


def _detail(request, application):
    application = _application(request.user, application.pk)  # fresh, with what the move changed
    return Response(ApplicationDetailSerializer(application, context={"request": request}).data)


def _officer_detail(request, application):
    application = _officer_application(request.user, application.registration_number)
    return Response(OfficerApplicationSerializer(application, context={"request": request}).data)


def _permit_type(code):
    permit_type = actions.catalogue(current_city_or_404()).filter(code=code).first()
    if permit_type is None:
        raise Http404("Jenis izin tidak ditemukan.")
    return permit_type


def _own_company(user, company_id):
    if company_id is None:
        return None
    company = Company.objects.filter(pk=company_id, owner_id=user.pk).first()
    if company is None:
        raise ValidationError({"company": ["Pilih badan usaha yang Anda daftarkan sendiri."]})
    return company


def _file_response(file, filename=None):
    response = FileResponse(file.open("rb"), as_attachment=filename is not None, filename=filename or "")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="Isi berkas")


# --- the catalogue and public tracking --------------------------------------------------------


class PermitTypeListView(PermitView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="v1_permits_types_list",
        responses={200: PermitTypeSerializer(many=True)},
        summary="Katalog jenis izin (daring dan hanya di loket)",
    )
    def get(self, request):
        types = actions.catalogue(current_city_or_404())
        return Response(PermitTypeSerializer(types, many=True, context={"request": request}).data)


class PermitTypeDetailView(PermitView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: PermitTypeDetailSerializer, **_errors(404)},
        summary="Detail jenis izin: dasar hukum, formulir, persyaratan dokumen, retribusi, langkah dan tenggatnya",
    )
    def get(self, request, code):
        return Response(PermitTypeDetailSerializer(_permit_type(code), context={"request": request}).data)


class TrackingView(PermitView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses={200: PublicTrackingSerializer, **_errors(404)},
        summary="Lacak permohonan menurut nomor registrasi, tanpa login: langkah dan status saja",
    )
    def get(self, request, number):
        found = actions.track(number, current_city_or_404())
        if found is None:
            raise Http404(f"Nomor registrasi {number.upper()} tidak ditemukan. Periksa kembali nomornya.")
        response = Response(PublicTrackingSerializer(found).data)
        response["Cache-Control"] = "no-store"
        return response


# --- the applicant's companies and documents --------------------------------------------------


class CompanyListView(PermitView):
    @extend_schema(
        operation_id="v1_permits_companies_list",
        responses={200: PermitCompanySerializer(many=True)},
        summary="Badan usaha saya",
    )
    def get(self, request):
        companies = Company.objects.filter(owner_id=request.user.pk)
        return Response(PermitCompanySerializer(companies, many=True).data)

    @extend_schema(
        request=CompanyInputSerializer,
        responses={201: PermitCompanySerializer, **_errors(400, 403)},
        summary="Daftarkan badan usaha (NIB dari OSS) untuk mengajukan izin atas namanya",
    )
    def post(self, request):
        values = validated_input(CompanyInputSerializer, request)
        company = actions.do_save_company(request.user, **values)
        return Response(PermitCompanySerializer(company).data, status=status.HTTP_201_CREATED)


class CompanyDetailView(PermitView):
    def _company(self, request, pk):
        company = Company.objects.filter(pk=pk, owner_id=request.user.pk).first()
        if company is None:
            raise Http404("Badan usaha tidak ditemukan.")
        return company

    @extend_schema(responses={200: PermitCompanySerializer, **_errors(404)}, summary="Detail badan usaha saya")
    def get(self, request, pk):
        return Response(PermitCompanySerializer(self._company(request, pk)).data)

    @extend_schema(
        request=CompanyUpdateSerializer,
        responses={200: PermitCompanySerializer, **_errors(400, 403, 404)},
        summary="Ubah data badan usaha saya (isian yang dikirim saja)",
    )
    def patch(self, request, pk):
        company = self._company(request, pk)
        values = validated_input(CompanyUpdateSerializer, request)
        current = {"name": company.name, "nib": company.nib, "npwp": company.npwp, "address": company.address}
        company = actions.do_save_company(request.user, company=company, **{**current, **values})
        return Response(PermitCompanySerializer(company).data)

    @extend_schema(
        responses={204: None, **_errors(403, 404, 409)},
        summary="Hapus badan usaha saya; ditolak (409) selama permohonan yang sudah diajukan mencantumkannya. "
        "Draf yang memakainya menjadi atas nama pribadi",
    )
    def delete(self, request, pk):
        actions.do_delete_company(request.user, self._company(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentListView(PermitView):
    # JSON is read too, so that a file sent as text is told how to send it rather than "unsupported media type".
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="v1_permits_documents_list",
        parameters=[PermitPageQuerySerializer],
        responses={200: page_schema("PermitDocumentPage", PermitDocumentSerializer)},
        summary="Dokumen saya (unggah sekali, lampirkan ke permohonan mana pun), terbaru dulu",
    )
    def get(self, request):
        query = validated_query(PermitPageQuerySerializer, request)
        documents = Document.objects.filter(owner_id=request.user.pk)
        page = keyset_page(documents, query.get("cursor"), size=query["size"], field="uploaded_at")
        results = PermitDocumentSerializer(page.items, many=True, context={"request": request}).data
        return Response({"results": results, "next": next_page_url(request, page.next_cursor)})

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: PermitDocumentSerializer, **_errors(400, 403)},
        summary="Unggah dokumen (PDF, JPEG, PNG; diperiksa dari isinya); isi yang sama disimpan sekali",
    )
    def post(self, request):
        values = validated_input(DocumentUploadSerializer, request)
        document = actions.do_upload_document(request.user, values["file"], name=values["name"])
        body = PermitDocumentSerializer(document, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DocumentDetailView(PermitView):
    def _document(self, request, pk):
        document = Document.objects.filter(pk=pk, owner_id=request.user.pk).first()
        if document is None:
            raise Http404("Dokumen tidak ditemukan.")
        return document

    @extend_schema(responses={200: PermitDocumentSerializer, **_errors(404)}, summary="Detail dokumen saya")
    def get(self, request, pk):
        return Response(PermitDocumentSerializer(self._document(request, pk), context={"request": request}).data)

    @extend_schema(
        responses={204: None, **_errors(403, 404, 409)},
        summary="Hapus dokumen saya; ditolak (409) selama dilampirkan pada permohonan yang sudah diajukan. "
        "Lampirannya pada draf dilepas",
    )
    def delete(self, request, pk):
        actions.do_delete_document(request.user, self._document(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentFileView(PermitView):
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={(200, "application/octet-stream"): FILE, **_errors(404)},
        summary="Unduh dokumen saya (hanya pemiliknya)",
    )
    def get(self, request, pk):
        document = Document.objects.filter(pk=pk, owner_id=request.user.pk).first()
        if document is None:
            raise Http404("Dokumen tidak ditemukan.")
        return _file_response(document.file)


# --- applications -----------------------------------------------------------------------------


class ApplicationListView(PermitView):
    @extend_schema(
        operation_id="v1_permits_applications_list",
        parameters=[PermitPageQuerySerializer],
        responses={200: page_schema("PermitApplicationPage", ApplicationSerializer)},
        summary="Permohonan izin saya, termasuk draf (terakhir diubah dulu)",
    )
    def get(self, request):
        query = validated_query(PermitPageQuerySerializer, request)
        applications = Application.objects.filter(applicant_id=request.user.pk).select_related("permit_type", "company")
        page = keyset_page(applications, query.get("cursor"), size=query["size"], field="updated_at")
        results = ApplicationSerializer(page.items, many=True, context={"request": request}).data
        return Response({"results": results, "next": next_page_url(request, page.next_cursor)})

    @extend_schema(
        request=DraftCreateSerializer,
        responses={201: ApplicationDetailSerializer, **_errors(400, 403, 404)},
        summary="Buat draf permohonan (perorangan atau atas nama badan usaha); kelengkapan diperiksa saat diajukan",
    )
    def post(self, request):
        values = validated_input(DraftCreateSerializer, request)
        permit_type = actions.catalogue(current_city_or_404()).filter(code=values["permit_type"]).first()
        if permit_type is None:
            raise ValidationError({"permit_type": ["Jenis izin tidak dikenal; pilih dari katalog."]})
        application = actions.do_save_draft(
            request.user,
            permit_type,
            form_data=values["form_data"],
            company=_own_company(request.user, values["company"]),
        )
        response = _detail(request, application)
        response.status_code = status.HTTP_201_CREATED
        response["Location"] = response.data["url"]
        return response


class ApplicationDetailView(PermitView):
    @extend_schema(
        responses={200: ApplicationDetailSerializer, **_errors(404)},
        summary="Permohonan saya: isian, dokumen, retribusi, dan pelacakan (langkah, sejak, penanganan, tenggat)",
    )
    def get(self, request, pk):
        return Response(ApplicationDetailSerializer(_application(request.user, pk), context={"request": request}).data)

    @extend_schema(
        request=DraftUpdateSerializer,
        responses={200: ApplicationDetailSerializer, **_errors(400, 403, 404, 409)},
        summary="Ubah draf: jawaban formulir (yang dikirim saja; kosong menghapus) dan badan usaha",
    )
    def patch(self, request, pk):
        application = _application(request.user, pk)
        values = validated_input(DraftUpdateSerializer, request)
        company = _own_company(request.user, values["company"]) if "company" in values else application.company
        form_data = {**application.form_data, **values.get("form_data", {})}
        actions.do_save_draft(
            request.user, application.permit_type, form_data=form_data, company=company, application=application
        )
        return _detail(request, application)

    @extend_schema(responses={204: None, **_errors(403, 404, 409)}, summary="Hapus draf (belum diajukan)")
    def delete(self, request, pk):
        actions.do_delete_draft(request.user, _application(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentListView(PermitView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"application/json": AttachSerializer, "multipart/form-data": AttachSerializer},
        responses={200: ApplicationDetailSerializer, **_errors(400, 403, 404, 409)},
        summary="Lampirkan dokumen pada persyaratan (dokumen saya, atau berkas baru); menggantikan lampiran lama",
    )
    def post(self, request, pk):
        application = _application(request.user, pk)
        values = validated_input(AttachSerializer, request)
        actions.check_applicant(request.user, application)
        if values["file"] is not None:
            # A new file is kept among the applicant's documents even if the attachment is refused.
            document = actions.do_upload_document(request.user, values["file"], name=values["name"])
        else:
            document = Document.objects.filter(pk=values["document"], owner_id=request.user.pk).first()
            if document is None:
                raise ValidationError({"document": ["Pilih dokumen yang Anda unggah sendiri."]})
        actions.do_attach_document(request.user, application, values["requirement"], document)
        return _detail(request, application)


class AttachmentView(PermitView):
    @extend_schema(
        responses={200: ApplicationDetailSerializer, **_errors(403, 404, 409)},
        summary="Lepas lampiran dari draf",
    )
    def delete(self, request, pk, requirement):
        application = _application(request.user, pk)
        actions.do_detach_document(request.user, application, requirement)
        return _detail(request, application)


class AttachmentFileView(PermitView):
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={(200, "application/octet-stream"): FILE, **_errors(404)},
        summary="Unduh lampiran permohonan (pemohon dan petugas yang boleh melihat permohonan)",
    )
    def get(self, request, pk, requirement):
        application = _application(request.user, pk)
        attachment = application.attachments.filter(requirement=requirement).select_related("document").first()
        if attachment is None:
            raise Http404("Lampiran tidak ditemukan.")
        return _file_response(attachment.document.file)


@dataclass(frozen=True)
class Move:
    summary: str
    # The input's field names are the action function's parameter names.
    serializer: Any
    perform: Any


APPLICANT_ACTIONS = {
    "submit": Move("Ajukan draf yang lengkap; nomor registrasi diberikan", None, actions.do_submit),
    "resubmit": Move(
        "Kirim ulang setelah melengkapi dokumen yang diminta petugas; tenggat langkah berjalan lagi",
        ResubmitSerializer,
        actions.do_resubmit,
    ),
    "withdraw": Move(
        "Batalkan permohonan sebelum diputuskan, atau yang sudah disetujui selama retribusinya belum dibayar "
        "(pembayaran yang menunggu konfirmasi ikut dibatalkan)",
        WithdrawSerializer,
        actions.do_withdraw,
    ),
    "payment": Move(
        "Catat nomor referensi pembayaran retribusi; menunggu konfirmasi petugas",
        PaymentReferenceSerializer,
        actions.do_record_payment,
    ),
}


class MoveSchema(AutoSchema):
    """Each move is its own path, documented with its own input."""

    def _move(self):
        return self.view.moves[self.view.action_name]

    def get_summary(self):
        return self._move().summary

    def get_request_serializer(self):
        return self._move().serializer

    def get_response_serializers(self):
        return {200: self.view.answer, **_errors(400, 403, 404, 409)}


class ApplicantActionView(PermitView):
    """The applicant moves their application; the answer is the application as they now see it."""

    action_name = None
    moves = APPLICANT_ACTIONS
    answer = ApplicationDetailSerializer
    schema = MoveSchema()

    def post(self, request, pk):
        move = self.moves[self.action_name]
        application = _application(request.user, pk)
        values = validated_input(move.serializer, request) if move.serializer else {}
        move.perform(request.user, application, **values)
        return _detail(request, application)


class CertificateView(PermitView):
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="Sertifikat PDF"),
            **_errors(404),
        },
        summary="Unduh sertifikat izin (PDF dengan kode QR verifikasi)",
    )
    def get(self, request, pk):
        application = _application(request.user, pk)
        return pdf_response(actions.access_certificate(request.user, application))


class SurveyView(PermitView):
    @extend_schema(
        request=PermitSurveySerializer,
        responses={201: PermitSurveyResponseSerializer, **_errors(400, 403, 404, 409)},
        summary="Isi survei kepuasan (SKM, 9 unsur bernilai 1–4) setelah izin terbit; sekali per permohonan",
    )
    def post(self, request, pk):
        application = _application(request.user, pk)
        values = validated_input(PermitSurveySerializer, request)
        comment = values.pop("comment")
        response = actions.do_answer_survey(request.user, application, values, comment)
        return Response(PermitSurveyResponseSerializer(response).data, status=status.HTTP_201_CREATED)


# --- officers ---------------------------------------------------------------------------------


class QueueView(PermitView):
    @extend_schema(
        operation_id="v1_permits_officer_queue",
        parameters=[PermitQueueQuerySerializer],
        responses={200: page_schema("PermitQueuePage", PermitQueueItemSerializer), **_errors(400, 403)},
        summary="Antrean kerja: langkah OPD dan peran saya, tenggat terdekat dulu (mine / unassigned)",
    )
    def get(self, request):
        if not request.user.is_officer:
            raise PermissionDenied("Hanya untuk petugas.")
        query = validated_query(PermitQueueQuerySerializer, request)
        queue = work_queue(request.user, mine=query["mine"], unassigned=query["unassigned"])
        page = ascending_page(queue, query.get("cursor"), size=query["size"], field="due_at")
        context = {"request": request, "clocks": step_clocks(page.items)}
        results = PermitQueueItemSerializer(page.items, many=True, context=context).data
        return Response({"results": results, "next": next_page_url(request, page.next_cursor)})


class OfficerApplicationView(PermitView):
    @extend_schema(
        responses={200: OfficerApplicationSerializer, **_errors(403, 404)},
        summary="Detail permohonan untuk petugas: pemohon, dokumen, catatan langkah, riwayat, tenggat",
    )
    def get(self, request, number):
        application = _officer_application(request.user, number)
        return Response(OfficerApplicationSerializer(application, context={"request": request}).data)


class OfficerPhotoView(PermitView):
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="Foto survei"), **_errors(404)},
        summary="Foto survei lapangan sebuah langkah",
    )
    def get(self, request, number, pk):
        application = _officer_application(request.user, number)
        photo = StepPhoto.objects.filter(pk=pk, record__application=application).first()
        if photo is None:
            raise Http404("Foto tidak ditemukan.")
        return _file_response(photo.image)


def _payment(user, application, payment_id):
    """The payment to confirm or reject: the one named, or the one waiting for confirmation."""
    actions.check_payment_officer(user, application)
    if payment_id is not None:
        payment = application.payments.filter(pk=payment_id).first()
        if payment is None:
            raise ValidationError({"payment": ["Pembayaran ini tidak ada pada permohonan ini."]})
        return payment
    payment = application.pending_payment()
    if payment is None:
        raise actions.IllegalMove("Tidak ada pembayaran yang menunggu konfirmasi pada permohonan ini.")
    return payment


def _confirm_payment(user, application, payment=None):
    return actions.do_confirm_payment(user, _payment(user, application, payment))


def _reject_payment(user, application, payment=None, reason=""):
    return actions.do_reject_payment(user, _payment(user, application, payment), reason)


OFFICER_ACTIONS = {
    "claim": Move("Ambil langkah ini dari antrean OPD", None, actions.do_claim),
    "assign": Move(
        "Tugaskan langkah ini kepada rekan (pemegang langkah, atau kepala OPD langkah)",
        PermitAssignSerializer,
        actions.do_assign,
    ),
    "forward": Move(
        "Teruskan ke langkah berikutnya dengan catatan, hasil pemeriksaan dan foto survei (multipart)",
        ForwardSerializer,
        actions.do_forward,
    ),
    "return": Move("Kembalikan ke langkah sebelumnya dengan alasan", PermitReasonSerializer, actions.do_return),
    "request-documents": Move(
        "Minta pemohon melengkapi dokumen (tenggat berhenti sampai pemohon mengirim ulang)",
        RequestDocumentsSerializer,
        actions.do_request_documents,
    ),
    "reject": Move("Tolak permohonan dengan alasan", PermitReasonSerializer, actions.do_reject),
    "approve-sign": Move(
        "Setujui dan tandatangani (kepala OPD penerbit, langkah terakhir); tanpa retribusi izin langsung terbit",
        None,
        actions.do_approve_and_sign,
    ),
    "confirm-payment": Move(
        "Konfirmasi pembayaran retribusi (OPD penerbit atau badan keuangan); izin terbit",
        PaymentChoiceSerializer,
        _confirm_payment,
    ),
    "reject-payment": Move(
        "Tolak pembayaran yang tidak ada di rekening koran, dengan alasan", PaymentRejectSerializer, _reject_payment
    ),
    "revoke": Move(
        "Cabut izin yang sudah terbit, dengan alasan (kepala OPD penerbit)", PermitReasonSerializer, actions.do_revoke
    ),
}


class OfficerActionView(PermitView):
    """Move an application; the answer is the application as the officer now sees it."""

    action_name = None
    moves = OFFICER_ACTIONS
    answer = OfficerApplicationSerializer
    schema = MoveSchema()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request, number):
        move = self.moves[self.action_name]
        application = _officer_application(request.user, number)
        values = validated_input(move.serializer, request) if move.serializer else {}
        move.perform(request.user, application, **values)
        return _officer_detail(request, application)
