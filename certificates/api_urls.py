"""Certificate routes under /api/v1/ (the number may hold slashes, so `verify` ends the path)."""

from django.urls import path

import certificates.converters  # noqa: F401 (registers <certificate_number:…>)
from certificates import api

urlpatterns = [
    path("certificates/<certificate_number:number>/verify", api.VerifyView.as_view(), name="api-certificate-verify"),
]
