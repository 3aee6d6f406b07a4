"""The e-Dokter API's shapes: input translated for clinics.actions, output safe for its reader.

Three readers: anybody (facilities, poli, doctors, free places, the queue board: numbers only, never a
patient's name), the patient (their family members and appointments, NIK masked) and the facility's staff
(a session's queue with the patients' names; NIK masked). Input serializers check types only; the rules
(quotas, cut-offs, NIK, BPJS and referral numbers, who may act) are clinics.actions' and answer in its words.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.nik import mask_nik
from audit.events import public_timeline
from clinics.actions import change_cutoff, current_estimate
from clinics.models import PaymentType, Relation, Status
from core.api import NOT_A_NUMBER, Input, TimelineEntrySerializer, absolute_url, text_field

NOT_A_DATE = "Tanggal ditulis TTTT-BB-HH, mis. 2027-03-02."


def id_field(**options):
    return serializers.IntegerField(error_messages={"invalid": NOT_A_NUMBER}, min_value=1, **options)


# --- facilities, poli, doctors, sessions (public) ---------------------------------------------


class ClinicPoliSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    referral_required = serializers.BooleanField(help_text="Pasien JKN memerlukan nomor rujukan untuk poli ini")


class ClinicDoctorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    specialty = serializers.CharField()
    poli = serializers.SerializerMethodField(help_text="id poli tempat dokter ini praktik")

    def get_poli(self, practitioner) -> list[int]:
        active = self.context.get("active_poli")
        return sorted(c.pk for c in practitioner.clinics.all() if active is None or c.pk in active)


class ClinicFacilitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="rsud, puskesmas atau rs_swasta")
    kind_label = serializers.CharField(source="get_kind_display")
    address = serializers.CharField()
    phone = serializers.CharField()
    poli = serializers.SerializerMethodField()
    doctors = serializers.SerializerMethodField()

    @extend_schema_field(ClinicPoliSerializer(many=True))
    def get_poli(self, facility):
        return ClinicPoliSerializer(facility.active_clinics, many=True).data

    @extend_schema_field(ClinicDoctorSerializer(many=True))
    def get_doctors(self, facility):
        context = {"active_poli": {c.pk for c in facility.active_clinics}}
        return ClinicDoctorSerializer(facility.active_practitioners, many=True, context=context).data


class ClinicFacilityRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ClinicDoctorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    specialty = serializers.CharField()


# What a session is, for every reader: where, which doctor, when.
class ClinicSessionFields(serializers.Serializer):
    id = serializers.IntegerField()
    facility = ClinicFacilityRefSerializer(source="clinic.facility")
    poli = ClinicPoliSerializer(source="clinic")
    doctor = ClinicDoctorRefSerializer(source="practitioner")
    date = serializers.DateField()
    start = serializers.TimeField(format="%H:%M")
    end = serializers.TimeField(format="%H:%M")


class ClinicSessionSerializer(ClinicSessionFields):
    """A session a citizen may book, with its free places."""

    starts_at = serializers.DateTimeField()
    minutes_per_patient = serializers.IntegerField()
    quota_jkn = serializers.IntegerField()
    quota_general = serializers.IntegerField()
    free_jkn = serializers.IntegerField(help_text="Tempat JKN (BPJS Kesehatan) yang masih kosong")
    free_general = serializers.IntegerField(help_text="Tempat pasien umum yang masih kosong")


class ClinicSessionQuerySerializer(Input):
    poli = id_field(required=False, help_text="id poli (dari daftar fasilitas)")
    fasilitas = serializers.RegexField(
        r"^[a-z][a-z0-9-]{0,39}$",
        required=False,
        error_messages={"invalid": "Kode fasilitas terdiri dari huruf kecil, angka dan tanda hubung."},
        help_text="Kode fasilitas, mis. rsud-djoelham",
    )
    dokter = id_field(required=False, help_text="id dokter (dari daftar fasilitas)")
    tanggal = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": NOT_A_DATE},
        help_text="Hanya sesi pada tanggal ini (TTTT-BB-HH)",
    )


class ClinicBoardSessionSerializer(serializers.Serializer):
    """One session's live queue: numbers only, never a patient's name."""

    session = serializers.IntegerField(source="board.session_id")
    doctor = serializers.CharField(source="board.practitioner")
    start = serializers.TimeField(source="session.start", format="%H:%M")
    end = serializers.TimeField(source="session.end", format="%H:%M")
    status = serializers.CharField(source="session.status", help_text="open atau cancelled")
    now_serving = serializers.IntegerField(
        source="board.now_serving", allow_null=True, help_text="Nomor yang sedang dipanggil/dilayani"
    )
    next_numbers = serializers.ListField(
        source="board.next_numbers", child=serializers.IntegerField(), help_text="Nomor berikutnya (sudah check-in)"
    )
    skipped = serializers.ListField(
        source="board.skipped", child=serializers.IntegerField(), help_text="Nomor yang dilewati karena tidak ada"
    )
    waiting = serializers.IntegerField(source="board.waiting", help_text="Sudah check-in, belum dipanggil")
    not_checked_in = serializers.IntegerField(source="board.not_checked_in", help_text="Terdaftar, belum check-in")
    last_number = serializers.IntegerField(
        source="board.last_number", help_text="Nomor antrean terakhir yang diberikan"
    )


class ClinicBoardSerializer(serializers.Serializer):
    facility = ClinicFacilityRefSerializer()
    poli = ClinicPoliSerializer()
    date = serializers.DateField()
    sessions = ClinicBoardSessionSerializer(many=True)


class ClinicFacilityBoardSessionSerializer(ClinicBoardSessionSerializer):
    poli = ClinicPoliSerializer(source="session.clinic")


class ClinicFacilityBoardSerializer(serializers.Serializer):
    facility = ClinicFacilityRefSerializer()
    date = serializers.DateField()
    sessions = ClinicFacilityBoardSessionSerializer(many=True, help_text="Sesi hari ini setiap poli, urut nama poli")


# --- the citizen: family members and appointments ---------------------------------------------


class ClinicFamilyMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    nik = serializers.SerializerMethodField(help_text="NIK tersamar, mis. 1275********0004")
    relation = serializers.CharField(help_text=", ".join(Relation.values))
    relation_label = serializers.CharField(source="get_relation_display")
    birth_date = serializers.DateField()

    def get_nik(self, member) -> str:
        return mask_nik(member.nik)


class ClinicFamilyMemberInputSerializer(Input):
    nik = text_field(help_text="NIK anggota keluarga, 16 angka (diperiksa seperti NIK Anda sendiri)")
    name = text_field(help_text="Nama lengkap")
    relation = text_field(help_text="Hubungan: " + ", ".join(f"{value} ({label})" for value, label in Relation.choices))
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": NOT_A_DATE},
        help_text="Tidak wajib; bila diisi harus sama dengan tanggal lahir pada NIK",
    )


class ClinicBookingSerializer(Input):
    session = id_field(help_text="id sesi dari GET /api/v1/dokter/sesi")
    payment_type = text_field(help_text="jkn (BPJS Kesehatan) atau general (umum)")
    family_member = id_field(
        required=False, allow_null=True, default=None, help_text="id anggota keluarga; kosong: untuk diri sendiri"
    )
    bpjs_number = text_field(help_text="Nomor kartu BPJS Kesehatan, 13 angka (wajib untuk JKN)")
    referral_number = text_field(help_text="Nomor rujukan (JKN, bila poli memerlukannya)")


class ClinicPageQuerySerializer(Input):
    cursor = serializers.CharField(required=False, help_text="Dari tautan `next` halaman sebelumnya")
    size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class ClinicCancelSerializer(Input):
    reason = text_field(help_text="Alasan pembatalan (tidak wajib)")


class ClinicRescheduleSerializer(Input):
    session = id_field(help_text="id sesi baru di poli yang sama")


class ClinicEstimateSerializer(serializers.Serializer):
    ahead = serializers.IntegerField(help_text="Pasien yang masih dilayani lebih dulu")
    estimated_at = serializers.DateTimeField(help_text="Perkiraan waktu dilayani menurut antrean saat ini")


class ClinicAppointmentSerializer(serializers.Serializer):
    """A patient's appointment as they see it."""

    booking_code = serializers.CharField(help_text="Kode booking (juga isi kode QR untuk check-in)")
    queue_number = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    patient_name = serializers.CharField(help_text="Orang yang berobat (Anda atau anggota keluarga)")
    family_member = serializers.IntegerField(source="family_member_id", allow_null=True)
    facility = ClinicFacilityRefSerializer(source="session.clinic.facility")
    poli = ClinicPoliSerializer(source="session.clinic")
    doctor = ClinicDoctorRefSerializer(source="session.practitioner")
    session = serializers.IntegerField(source="session_id")
    date = serializers.DateField()
    start = serializers.TimeField(source="session.start", format="%H:%M")
    end = serializers.TimeField(source="session.end", format="%H:%M")
    estimated_at = serializers.DateTimeField(
        help_text="Perkiraan waktu dilayani saat mendaftar: mulai sesi + (nomor − 1) × menit per pasien"
    )
    payment_type = serializers.ChoiceField(choices=PaymentType.choices)
    payment_label = serializers.CharField(source="get_payment_type_display")
    walk_in = serializers.BooleanField(help_text="Didaftarkan di loket")
    booked_at = serializers.DateTimeField()
    may_change = serializers.SerializerMethodField(
        help_text="Masih dapat dibatalkan atau dipindah (sebelum batas waktu sebelum sesi)"
    )
    url = serializers.SerializerMethodField()

    def get_may_change(self, appointment) -> bool:
        return appointment.status == Status.BOOKED and self.context["now"] <= change_cutoff(appointment)

    def get_url(self, appointment) -> str:
        return absolute_url(self.context, reverse("api-clinic-appointment", args=[appointment.booking_code]))


class ClinicAppointmentDetailSerializer(ClinicAppointmentSerializer):
    """With the live estimate, every step's time and the public timeline."""

    live = serializers.SerializerMethodField(help_text="Perkiraan menurut antrean saat ini; null setelah dipanggil")
    referral_number = serializers.CharField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    called_at = serializers.DateTimeField(allow_null=True)
    served_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    rescheduled_to = serializers.CharField(source="rescheduled_to.booking_code", allow_null=True, default=None)
    cancel_until = serializers.SerializerMethodField(help_text="Batas waktu membatalkan atau memindah jadwal")
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(ClinicEstimateSerializer(allow_null=True))
    def get_live(self, appointment):
        position = current_estimate(appointment, self.context["now"])
        return None if position is None else ClinicEstimateSerializer(position).data

    @extend_schema_field(serializers.DateTimeField())
    def get_cancel_until(self, appointment):
        return serializers.DateTimeField().to_representation(change_cutoff(appointment))

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, appointment):
        return TimelineEntrySerializer(public_timeline(appointment), many=True).data


# --- the facility's staff ---------------------------------------------------------------------


class ClinicStaffAppointmentSerializer(serializers.Serializer):
    """A patient in the queue as the desk and the poli see them (NIK masked)."""

    booking_code = serializers.CharField()
    queue_number = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    patient_name = serializers.CharField()
    patient_nik = serializers.SerializerMethodField(help_text="NIK tersamar")
    payment_type = serializers.ChoiceField(choices=PaymentType.choices)
    bpjs_number = serializers.CharField()
    referral_number = serializers.CharField()
    walk_in = serializers.BooleanField()
    session = serializers.IntegerField(source="session_id")
    estimated_at = serializers.DateTimeField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    called_at = serializers.DateTimeField(allow_null=True)
    call_count = serializers.IntegerField()
    served_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)

    def get_patient_nik(self, appointment) -> str:
        return mask_nik(appointment.patient_nik)


class ClinicStaffSessionSerializer(ClinicSessionFields):
    """A session's whole queue for its staff."""

    status = serializers.CharField()
    cancel_reason = serializers.CharField()
    quota_jkn = serializers.IntegerField()
    quota_general = serializers.IntegerField()
    quota_walk_in = serializers.IntegerField()
    booked_jkn = serializers.IntegerField()
    booked_general = serializers.IntegerField()
    walk_ins = serializers.IntegerField()
    now_serving = serializers.IntegerField(help_text="Nomor yang dipanggil terakhir; 0 sebelum panggilan pertama")
    last_queue_number = serializers.IntegerField()
    appointments = serializers.SerializerMethodField(help_text="Semua pasien sesi ini menurut nomor antrean")

    @extend_schema_field(ClinicStaffAppointmentSerializer(many=True))
    def get_appointments(self, session):
        rows = session.appointments.order_by("queue_number")
        return ClinicStaffAppointmentSerializer(rows, many=True).data


class ClinicCheckInSerializer(Input):
    code = text_field(help_text="Kode booking (diketik atau dari kode QR)")


class ClinicWalkInSerializer(Input):
    nik = text_field(help_text="NIK pasien, 16 angka")
    name = text_field(help_text="Nama lengkap pasien")
    payment_type = text_field(help_text="jkn atau general")
    bpjs_number = text_field(help_text="Nomor kartu BPJS Kesehatan (JKN)")
    referral_number = text_field(help_text="Nomor rujukan (JKN, bila poli memerlukannya)")


class ClinicSessionCancelSerializer(Input):
    reason = text_field(help_text="Alasan; dikirim ke pasien lewat SMS")
