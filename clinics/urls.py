"""e-Dokter's public and citizen pages under /dokter/ (clinics.links spells out the appointment page that
messages and "my cases" link to: /dokter/saya/<booking code>/).

Fixed paths ("saya", "keluarga", "sesi") come before /dokter/<facility>/<poli>/, so they are never read as
a facility code.
"""

from django.urls import path

from clinics.views import board, citizen

app_name = "clinics"

urlpatterns = [
    # --- public: find a poli or doctor, a poli's free places ---
    path("", citizen.find, name="find"),
    # --- citizen: booking, my appointments, family members ---
    path("sesi/<int:session_id>/pesan/", citizen.book, name="book"),
    path("saya/", citizen.mine, name="mine"),
    path("saya/<str:code>/", citizen.appointment, name="appointment"),
    path("saya/<str:code>/batalkan/", citizen.cancel, name="cancel"),
    path("saya/<str:code>/jadwal-ulang/", citizen.reschedule, name="reschedule"),
    path("keluarga/", citizen.family, name="family"),
    path("keluarga/<int:pk>/hapus/", citizen.family_remove, name="family_remove"),
    path("<slug:facility_code>/<slug:clinic_code>/", citizen.clinic, name="clinic"),
    # --- queue board (staff helper) ---
    path("antrean/<slug:facility_code>/<slug:clinic_code>/", board.board, name="board"),
    path("antrean/<slug:facility_code>/<slug:clinic_code>/isi/", board.board_fragment, name="board_fragment"),
]
