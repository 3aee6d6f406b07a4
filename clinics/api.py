"""e-Dokter REST API (/api/v1/dokter/…): everything the e-Dokter pages do, for the mobile apps.

Thin views: find the session or appointment the caller may see, translate the input, call clinics.actions,
answer with the serializer meant for the caller. Errors take the API's one shape (core/api.py):
ValidationError → 400 with the fields, PermissionDenied → 403, anything the caller may not see → 404, a
move the queue or the appointment's status refuses (clinics.actions.IllegalMove) → 409.

Anybody finds facilities, poli, doctors and free places, and watches a poli's queue board (numbers only).
A citizen manages their family members and appointments, addressed by booking code. The facility's staff
(hospital_staff officers of its OPD; the doctor for their own sessions) check patients in, register
walk-ins and work the queue; the Inspektorat, the Command Center and the city admin read a session's queue.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cities.models import current_city_or_404
from clinics import actions
from clinics.models import Appointment, Clinic, Facility, FamilyMember, Practitioner, Session
from clinics.serializers import (
    ClinicAppointmentDetailSerializer,
    ClinicAppointmentSerializer,
    ClinicBoardSerializer,
    ClinicBookingSerializer,
    ClinicCancelSerializer,
    ClinicCheckInSerializer,
    ClinicFacilityBoardSerializer,
    ClinicFacilitySerializer,
    ClinicFamilyMemberInputSerializer,
    ClinicFamilyMemberSerializer,
    ClinicPageQuerySerializer,
    ClinicRescheduleSerializer,
    ClinicSessionCancelSerializer,
    ClinicSessionQuerySerializer,
    ClinicSessionSerializer,
    ClinicStaffAppointmentSerializer,
    ClinicStaffSessionSerializer,
    ClinicWalkInSerializer,
)
from core.api import (
    ActionView,
    error_responses,
    next_page_url,
    page_schema,
    validated_input,
    validated_query,
)
from core.pagination import keyset_page


def _errors(*codes):
    return error_responses(codes, conflict="Keadaan pendaftaran atau sesi tidak mengizinkan tindakan ini")


# The base of every view here: a move the queue or the status table refuses is a conflict (409).
class ClinicView(ActionView):
    illegal_moves = (actions.IllegalMove,)


class PublicView(ClinicView):
    permission_classes = [AllowAny]
    authentication_classes = []


def _context(request, **extra):
    return {"request": request, "now": timezone.now(), **extra}


def _check_citizen(user):
    if not user.is_citizen:
        raise PermissionDenied("Hanya untuk warga yang masuk dengan NIK.")


def _check_officer(user):
    if not user.is_officer:
        raise PermissionDenied("Hanya untuk petugas rumah sakit dan puskesmas.")


APPOINTMENT_RELATED = ("session__clinic__facility__city", "session__practitioner", "rescheduled_to")


def _appointment(user, code):
    """The appointment with this booking code if the caller may see it; else 404."""
    appointment = (
        Appointment.objects.filter(booking_code=code, clinic__facility__city=current_city_or_404())
        .select_related(*APPOINTMENT_RELATED)
        .first()
    )
    if appointment is None:
        raise Http404("Pendaftaran tidak ditemukan.")
    return actions.access_appointment(user, appointment)


def _session(pk):
    session = (
        Session.objects.filter(pk=pk, clinic__facility__city=current_city_or_404())
        .select_related("clinic__facility__city", "practitioner")
        .first()
    )
    if session is None:
        raise Http404("Sesi praktik tidak ditemukan.")
    return session


def _session_field(pk, field="session"):
    """A session named in the input: unknown → a message on the field (400), not 404."""
    try:
        return _session(pk)
    except Http404:
        raise ValidationError({field: ["Sesi praktik tidak ditemukan; pilih dari daftar sesi."]}) from None


def _appointment_detail(request, appointment, code=status.HTTP_200_OK):
    appointment = _appointment(request.user, appointment.booking_code)  # fresh, with what the move changed
    data = ClinicAppointmentDetailSerializer(appointment, context=_context(request)).data
    response = Response(data, status=code)
    if code == status.HTTP_201_CREATED:
        response["Location"] = data["url"]
    return response


def _staff_appointment(appointment):
    appointment.refresh_from_db()
    return Response(ClinicStaffAppointmentSerializer(appointment).data)


# --- public: facilities, free places, queue boards -----------------------------------------


class FacilityListView(PublicView):
    @extend_schema(
        operation_id="v1_dokter_facilities_list",
        responses={200: ClinicFacilitySerializer(many=True)},
        summary="Fasilitas kesehatan (RSUD, puskesmas) dengan poli dan dokternya",
    )
    def get(self, request):
        city = current_city_or_404()
        facilities = Facility.objects.filter(city=city, active=True).prefetch_related(
            Prefetch("clinics", queryset=Clinic.objects.filter(active=True), to_attr="active_clinics"),
            Prefetch(
                "practitioners",
                queryset=Practitioner.objects.filter(active=True).prefetch_related("clinics"),
                to_attr="active_practitioners",
            ),
        )
        return Response(ClinicFacilitySerializer(facilities, many=True).data)


class SessionListView(PublicView):
    @extend_schema(
        operation_id="v1_dokter_sessions_list",
        parameters=[ClinicSessionQuerySerializer],
        responses={200: ClinicSessionSerializer(many=True), **_errors(400)},
        summary="Sesi praktik yang masih dapat dipesan (14 hari ke depan) dengan sisa tempat JKN dan umum",
    )
    def get(self, request):
        city = current_city_or_404()
        query = validated_query(ClinicSessionQuerySerializer, request)
        filters = {}
        if "poli" in query:
            filters["clinic"] = _found(
                Clinic.objects.filter(pk=query["poli"], facility__city=city, active=True, facility__active=True),
                "poli",
                "Poli tidak ditemukan; pilih dari daftar fasilitas.",
            )
        if "fasilitas" in query:
            filters["facility"] = _found(
                Facility.objects.filter(code=query["fasilitas"], city=city, active=True),
                "fasilitas",
                "Fasilitas kesehatan tidak ditemukan.",
            )
        if "dokter" in query:
            filters["practitioner"] = _found(
                Practitioner.objects.filter(pk=query["dokter"], facility__city=city, active=True),
                "dokter",
                "Dokter tidak ditemukan; pilih dari daftar fasilitas.",
            )
        day = query.get("tanggal")
        if day is not None:
            _check_booking_day(day, city)
        sessions = actions.bookable_sessions(city=city, **filters)
        if day is not None:
            sessions = [session for session in sessions if session.date == day]
        return Response(ClinicSessionSerializer(sessions, many=True).data)


def _found(queryset, field, message):
    found = queryset.first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


def _check_booking_day(day, city):
    today = timezone.localdate(timezone.now(), city.zone)
    if day < today:
        raise ValidationError({"tanggal": ["Tanggal sudah lewat; pilih hari ini atau sesudahnya."]})
    days = settings.CLINIC_BOOKING_DAYS_AHEAD
    if day > today + timedelta(days=days - 1):
        raise ValidationError({"tanggal": [f"Pendaftaran online dibuka paling lama {days} hari sebelumnya."]})


class BoardView(PublicView):
    @extend_schema(
        operation_id="v1_dokter_board",
        responses={200: ClinicBoardSerializer, **_errors(404)},
        summary="Papan antrean poli hari ini untuk layar ruang tunggu: nomor antrean saja, tanpa nama",
    )
    def get(self, request, facility, clinic):
        city = current_city_or_404()
        poli = actions.find_clinic(city, facility, clinic)
        today = timezone.localdate(timezone.now(), city.zone)
        sessions = actions.sessions_of_day(poli, today)
        return _board_response(ClinicBoardSerializer, sessions, facility=poli.facility, poli=poli, date=today)


class FacilityBoardView(PublicView):
    @extend_schema(
        operation_id="v1_dokter_facility_board",
        responses={200: ClinicFacilityBoardSerializer, **_errors(404)},
        summary="Papan antrean semua poli sebuah fasilitas hari ini (lobi, Command Center): nomor antrean saja",
    )
    def get(self, request, facility):
        city = current_city_or_404()
        place = actions.find_facility(city, facility)
        today = timezone.localdate(timezone.now(), city.zone)
        sessions = actions.facility_sessions_of_day(place, today)
        return _board_response(ClinicFacilityBoardSerializer, sessions, facility=place, date=today)


def _board_response(serializer, sessions, **board):
    """Today's queues of the sessions, never cached: a screen polls it."""
    boards = actions.queue_boards(sessions)
    board["sessions"] = [{"session": s, "board": b} for s, b in zip(sessions, boards, strict=True)]
    response = Response(serializer(board).data)
    response["Cache-Control"] = "no-store"
    return response


# --- the citizen: family members ------------------------------------------------------------


class FamilyListView(ClinicView):
    @extend_schema(
        operation_id="v1_dokter_family_list",
        responses={200: ClinicFamilyMemberSerializer(many=True), **_errors(401, 403)},
        summary="Anggota keluarga yang saya daftarkan",
    )
    def get(self, request):
        _check_citizen(request.user)
        members = FamilyMember.objects.filter(owner=request.user)
        return Response(ClinicFamilyMemberSerializer(members, many=True).data)

    @extend_schema(
        request=ClinicFamilyMemberInputSerializer,
        responses={201: ClinicFamilyMemberSerializer, **_errors(400, 401, 403)},
        summary="Daftarkan anggota keluarga (NIK diperiksa seperti NIK Anda sendiri)",
    )
    def post(self, request):
        values = validated_input(ClinicFamilyMemberInputSerializer, request)
        member = actions.do_add_family_member(request.user, **values)
        return Response(ClinicFamilyMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class FamilyDetailView(ClinicView):
    @extend_schema(
        responses={204: None, **_errors(400, 401, 403, 404)},
        summary="Hapus anggota keluarga (hanya yang belum pernah didaftarkan berobat)",
    )
    def delete(self, request, pk):
        _check_citizen(request.user)
        member = FamilyMember.objects.filter(pk=pk, owner=request.user).first()
        if member is None:
            raise Http404("Anggota keluarga tidak ditemukan.")
        actions.do_remove_family_member(request.user, member)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the citizen: appointments --------------------------------------------------------------


class AppointmentListView(ClinicView):
    @extend_schema(
        operation_id="v1_dokter_appointments_list",
        parameters=[ClinicPageQuerySerializer],
        responses={
            200: page_schema("ClinicAppointmentPage", ClinicAppointmentSerializer),
            **_errors(400, 401, 403),
        },
        summary="Pendaftaran berobat saya (untuk saya dan keluarga), terbaru dulu",
    )
    def get(self, request):
        _check_citizen(request.user)
        query = validated_query(ClinicPageQuerySerializer, request)
        appointments = Appointment.objects.filter(patient=request.user).select_related(*APPOINTMENT_RELATED)
        page = keyset_page(appointments, query.get("cursor"), size=query["size"], field="booked_at")
        results = ClinicAppointmentSerializer(page.items, many=True, context=_context(request)).data
        return Response({"results": results, "next": next_page_url(request, page.next_cursor)})

    @extend_schema(
        request=ClinicBookingSerializer,
        responses={201: ClinicAppointmentDetailSerializer, **_errors(400, 401, 403)},
        summary="Daftar berobat: kode booking, nomor antrean dan perkiraan waktu dilayani. "
        "Satu pendaftaran aktif per orang per poli per hari",
    )
    def post(self, request):
        _check_citizen(request.user)
        values = validated_input(ClinicBookingSerializer, request)
        session = _session_field(values["session"])
        member = None
        if values["family_member"] is not None:
            member = FamilyMember.objects.filter(pk=values["family_member"], owner=request.user).first()
            if member is None:
                raise ValidationError({"family_member": ["Pilih anggota keluarga yang Anda daftarkan sendiri."]})
        appointment = actions.do_book(
            request.user,
            session,
            payment_type=values["payment_type"],
            family_member=member,
            bpjs_number=values["bpjs_number"],
            referral_number=values["referral_number"],
        )
        return _appointment_detail(request, appointment, status.HTTP_201_CREATED)


class AppointmentDetailView(ClinicView):
    @extend_schema(
        responses={200: ClinicAppointmentDetailSerializer, **_errors(401, 404)},
        summary="Pendaftaran saya: status, perkiraan waktu menurut antrean saat ini, riwayat",
    )
    def get(self, request, code):
        appointment = _appointment(request.user, code)
        return Response(ClinicAppointmentDetailSerializer(appointment, context=_context(request)).data)


class AppointmentCancelView(ClinicView):
    @extend_schema(
        request=ClinicCancelSerializer,
        responses={200: ClinicAppointmentDetailSerializer, **_errors(400, 401, 403, 404, 409)},
        summary="Batalkan pendaftaran, paling lambat 2 jam sebelum sesi; tempatnya kembali ke kuota",
    )
    def post(self, request, code):
        appointment = _appointment(request.user, code)
        values = validated_input(ClinicCancelSerializer, request)
        actions.do_cancel(request.user, appointment, reason=values["reason"])
        return _appointment_detail(request, appointment)


class AppointmentRescheduleView(ClinicView):
    @extend_schema(
        request=ClinicRescheduleSerializer,
        responses={201: ClinicAppointmentDetailSerializer, **_errors(400, 401, 403, 404, 409)},
        summary="Pindah ke sesi lain di poli yang sama, paling lambat 2 jam sebelum sesi: "
        "kode booking dan nomor antrean baru",
    )
    def post(self, request, code):
        appointment = _appointment(request.user, code)
        values = validated_input(ClinicRescheduleSerializer, request)
        new = actions.do_reschedule(request.user, appointment, _session_field(values["session"]))
        return _appointment_detail(request, new, status.HTTP_201_CREATED)


# --- the facility's staff: desk and poli ----------------------------------------------------


def _staff_session(user, pk):
    _check_officer(user)
    return _session(pk)


class CheckInView(ClinicView):
    @extend_schema(
        operation_id="v1_dokter_staff_check_in",
        request=ClinicCheckInSerializer,
        responses={200: ClinicStaffAppointmentSerializer, **_errors(400, 401, 403, 404, 409)},
        summary="Loket pendaftaran: check-in pasien dengan kode booking (diketik atau dari kode QR), pada hari sesi",
    )
    def post(self, request):
        _check_officer(request.user)
        values = validated_input(ClinicCheckInSerializer, request)
        if not values["code"].strip():
            raise ValidationError({"code": ["Isi kode booking pasien."]})
        return _staff_appointment(actions.do_check_in(request.user, values["code"]))


class StaffSessionView(ClinicView):
    @extend_schema(
        responses={200: ClinicStaffSessionSerializer, **_errors(401, 403, 404)},
        summary=(
            "Antrean lengkap sebuah sesi dengan nama pasien (petugas fasilitas, dokter sesi, Inspektorat, admin kota)"
        ),
    )
    def get(self, request, pk):
        session = _staff_session(request.user, pk)
        if not actions.reads_every_appointment(request.user):
            actions.check_queue_actor(request.user, session)
        return Response(ClinicStaffSessionSerializer(session).data)


class WalkInView(ClinicView):
    @extend_schema(
        request=ClinicWalkInSerializer,
        responses={201: ClinicStaffAppointmentSerializer, **_errors(400, 401, 403, 404, 409)},
        summary="Daftarkan pasien datang langsung ke antrean sesi hari ini (kuota loket); langsung check-in",
    )
    def post(self, request, pk):
        session = _staff_session(request.user, pk)
        values = validated_input(ClinicWalkInSerializer, request)
        appointment = actions.do_register_walk_in(request.user, session, **values)
        return Response(ClinicStaffAppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class CallNextView(ClinicView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                name="ClinicCallResult",
                fields={
                    "called": ClinicStaffAppointmentSerializer(
                        allow_null=True, help_text="Pasien yang dipanggil; null bila tidak ada yang menunggu"
                    ),
                    "message": serializers.CharField(),
                },
            ),
            **_errors(401, 403, 404, 409),
        },
        summary="Panggil pasien berikutnya (nomor terkecil yang sudah check-in); "
        "yang dipanggil sebelumnya harus sudah dilayani atau dilewati",
    )
    def post(self, request, pk):
        session = _staff_session(request.user, pk)
        called = actions.do_call_next(request.user, session)
        if called is None:
            return Response({"called": None, "message": "Tidak ada pasien yang menunggu dipanggil."})
        message = f"Nomor antrean {called.queue_number} dipanggil ke {session.clinic.name}."
        return Response({"called": ClinicStaffAppointmentSerializer(called).data, "message": message})


class SessionCancelView(ClinicView):
    @extend_schema(
        request=ClinicSessionCancelSerializer,
        responses={
            200: inline_serializer(
                name="ClinicSessionCancelled",
                fields={
                    "told": serializers.IntegerField(help_text="Pasien yang diberi tahu lewat SMS"),
                    "session": ClinicStaffSessionSerializer(),
                },
            ),
            **_errors(400, 401, 403, 404, 409),
        },
        summary="Batalkan sesi praktik (dokter berhalangan) dengan alasan; pasien diberi tahu lewat SMS "
        "beserta sesi berikutnya yang masih ada tempat",
    )
    def post(self, request, pk):
        session = _staff_session(request.user, pk)
        values = validated_input(ClinicSessionCancelSerializer, request)
        told = actions.do_cancel_session(request.user, session, reason=values["reason"])
        session = _session(pk)
        return Response({"told": told, "session": ClinicStaffSessionSerializer(session).data})


@dataclass(frozen=True)
class Move:
    summary: str
    perform: Any


QUEUE_ACTIONS = {
    "recall": Move("Panggil ulang pasien yang sudah dipanggil, atau yang dilewati dan kini hadir", actions.do_recall),
    "skip": Move("Lewati pasien yang dipanggil tetapi tidak ada (dapat dipanggil ulang)", actions.do_skip),
    "served": Move("Tandai pasien yang dipanggil sedang dilayani di poli", actions.do_mark_served),
    "done": Move("Tandai pelayanan di poli selesai", actions.do_mark_done),
}


class QueueMoveSchema(AutoSchema):
    """Each queue move is its own path, documented with its own summary."""

    def get_summary(self):
        return QUEUE_ACTIONS[self.view.action_name].summary

    def get_request_serializer(self):
        return None

    def get_response_serializers(self):
        return {200: ClinicStaffAppointmentSerializer, **_errors(401, 403, 404, 409)}


# Move a patient in the queue; the answer is the patient as the staff now see them.
class QueueActionView(ClinicView):
    action_name = None
    schema = QueueMoveSchema()

    def post(self, request, code):
        _check_officer(request.user)
        appointment = actions.find_by_code(request.user, code)
        QUEUE_ACTIONS[self.action_name].perform(request.user, appointment)
        return _staff_appointment(appointment)
