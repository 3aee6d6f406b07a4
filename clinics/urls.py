"""e-Dokter's public and citizen pages under /dokter/ (clinics.links spells out the appointment page that
messages and "my cases" link to: /dokter/saya/<booking code>/).

Fixed paths ("saya", "keluarga", "sesi", "antrean") come before /dokter/<facility>/<poli>/, so they are never
read as a facility code; clinics.models.RESERVED_FACILITY_CODES keeps facilities from taking those words.
"""

from django.urls import path

from clinics.views import board, citizen

app_name = "clinics"

urlpatterns = [
    # --- public: find a poli or doctor ---
    path("", citizen.find, name="find"),
    # --- citizen: booking, my appointments, family members ---
    path("sesi/<int:session_id>/pesan/", citizen.book, name="book"),
    path("saya/", citizen.mine, name="mine"),
    path("saya/<str:code>/", citizen.appointment, name="appointment"),
    path("saya/<str:code>/kalender.ics", citizen.calendar, name="calendar"),
    path("saya/<str:code>/batalkan/", citizen.cancel, name="cancel"),
    path("saya/<str:code>/jadwal-ulang/", citizen.reschedule, name="reschedule"),
    path("keluarga/", citizen.family, name="family"),
    path("keluarga/<int:pk>/hapus/", citizen.family_remove, name="family_remove"),
    # --- public queue boards: a poli's waiting room; a facility's lobby and the Command Center's wall ---
    path("antrean/<slug:facility_code>/", board.facility_board, name="facility_board"),
    path("antrean/<slug:facility_code>/<slug:clinic_code>/", board.board, name="board"),
    path("antrean/<slug:facility_code>/<slug:clinic_code>/isi/", board.board_fragment, name="board_fragment"),
    # --- public: a poli's free places (last: its two open segments would take the paths above) ---
    path("<slug:facility_code>/<slug:clinic_code>/", citizen.clinic, name="clinic"),
]
