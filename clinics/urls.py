"""e-Dokter's citizen and public pages under /dokter/ (filled by the citizen-pages work)."""

app_name = "clinics"

urlpatterns = []
