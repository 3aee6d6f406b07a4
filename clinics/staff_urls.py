"""e-Dokter's hospital staff pages under /petugas/dokter/."""

from django.urls import path

from clinics.views import staff

app_name = "clinics_staff"

urlpatterns = [
    path("", staff.home, name="home"),
    path("check-in/", staff.check_in, name="check_in"),
    path("sesi/<int:pk>/", staff.session_detail, name="session"),
    path("sesi/<int:pk>/panggil/", staff.call_next, name="call_next"),
    path("sesi/<int:pk>/pasien/<int:appointment_pk>/<slug:action>/", staff.move, name="move"),
    path("sesi/<int:pk>/loket/", staff.walk_in, name="walk_in"),
    path("sesi/<int:pk>/batalkan/", staff.cancel_session, name="cancel_session"),
    path("dokter/<int:pk>/pengecualian/", staff.exception, name="exception"),
]
