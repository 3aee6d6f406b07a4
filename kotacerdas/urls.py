from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("reports.urls")),
    path("izin/", include("permits.urls")),
    path("", include("permits.officer_urls")),
    path("akun/", include("accounts.urls")),
    path("verifikasi/", include("certificates.urls")),
    path("dokter/", include("clinics.urls")),
    path("petugas/dokter/", include("clinics.staff_urls")),
    path("fhir/r4/", include("clinics.fhir.urls")),
    path("admin/", admin.site.urls),
    path("open311/v2/", include("reports.open311")),
    path("api/v1/", include("kotacerdas.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

# JSON under /api/, the site's HTML pages elsewhere (core/api.py).
handler400 = "core.api.bad_request"
handler403 = "core.api.permission_denied"
handler404 = "core.api.page_not_found"
handler500 = "core.api.server_error"
