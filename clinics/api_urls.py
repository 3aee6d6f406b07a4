"""e-Dokter's REST API under /api/v1/dokter/."""

urlpatterns = []
