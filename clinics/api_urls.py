"""e-Dokter's REST API under /api/v1/dokter/ (fixed words before any parameter).

Every parameter has a shape a NIK cannot take: ids are `pk`, a booking code is 8 letters and digits, a
facility's or poli's code starts with a letter (clinics.exports checks every code in the profile).
"""

from django.urls import path, register_converter

from clinics import api
from clinics.models import CODE_ALPHABET, CODE_LENGTH


class BookingCodeConverter:
    """A booking code (8 characters without 0/O/1/I/L), in any case."""

    regex = f"[{''.join(dict.fromkeys(CODE_ALPHABET + CODE_ALPHABET.lower()))}]{{{CODE_LENGTH}}}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


class ClinicCodeConverter:
    """A facility's or poli's code, as in the city profile."""

    regex = "[a-z][a-z0-9-]{0,39}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(BookingCodeConverter, "dokter_booking_code")
register_converter(ClinicCodeConverter, "dokter_code")

APPOINTMENT = "dokter/janji/<dokter_booking_code:code>"
STAFF_SESSION = "dokter/petugas/sesi/<int:pk>"

urlpatterns = [
    path("dokter/fasilitas", api.FacilityListView.as_view(), name="api-clinic-facilities"),
    path("dokter/sesi", api.SessionListView.as_view(), name="api-clinic-sessions"),
    path("dokter/antrean/<dokter_code:facility>", api.FacilityBoardView.as_view(), name="api-clinic-facility-board"),
    path(
        "dokter/antrean/<dokter_code:facility>/<dokter_code:clinic>", api.BoardView.as_view(), name="api-clinic-board"
    ),
    path("dokter/keluarga", api.FamilyListView.as_view(), name="api-clinic-family"),
    path("dokter/keluarga/<int:pk>", api.FamilyDetailView.as_view(), name="api-clinic-family-member"),
    path("dokter/janji", api.AppointmentListView.as_view(), name="api-clinic-appointments"),
    path(APPOINTMENT, api.AppointmentDetailView.as_view(), name="api-clinic-appointment"),
    path(f"{APPOINTMENT}/batalkan", api.AppointmentCancelView.as_view(), name="api-clinic-appointment-cancel"),
    path(
        f"{APPOINTMENT}/jadwal-ulang", api.AppointmentRescheduleView.as_view(), name="api-clinic-appointment-reschedule"
    ),
    path("dokter/petugas/check-in", api.CheckInView.as_view(), name="api-clinic-staff-check-in"),
    path(STAFF_SESSION, api.StaffSessionView.as_view(), name="api-clinic-staff-session"),
    path(f"{STAFF_SESSION}/walk-in", api.WalkInView.as_view(), name="api-clinic-staff-walk-in"),
    path(f"{STAFF_SESSION}/panggil", api.CallNextView.as_view(), name="api-clinic-staff-call-next"),
    path(f"{STAFF_SESSION}/batalkan", api.SessionCancelView.as_view(), name="api-clinic-staff-session-cancel"),
    *[
        path(
            f"dokter/petugas/janji/<dokter_booking_code:code>/{name}",
            api.QueueActionView.as_view(action_name=name),
            name=f"api-clinic-staff-{name}",
        )
        for name in api.QUEUE_ACTIONS
    ],
]
