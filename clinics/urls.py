"""e-Dokter's citizen and public pages under /dokter/ (filled by the citizen-pages work)."""

from django.urls import path

from clinics.views import board

app_name = "clinics"

urlpatterns = [
    # --- queue board (staff helper) ---
    path("antrean/<slug:facility_code>/<slug:clinic_code>/", board.board, name="board"),
    path("antrean/<slug:facility_code>/<slug:clinic_code>/isi/", board.board_fragment, name="board_fragment"),
]
