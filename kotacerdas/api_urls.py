"""The versioned REST API (/api/v1/): each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("cities.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("certificates.api_urls")),
    path("", include("permits.api_urls")),
    path("", include("clinics.api_urls")),
]
