"""e-Dokter's hospital staff pages under /petugas/dokter/."""

app_name = "clinics_staff"

urlpatterns = []
