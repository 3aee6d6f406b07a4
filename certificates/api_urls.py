"""Certificate routes under /api/v1/ (the number may hold slashes, so `verify` ends the path)."""

from django.urls import path, register_converter

from certificates import api
from certificates.converters import CertificateNumberConverter

register_converter(CertificateNumberConverter, "certificate_number")

urlpatterns = [
    path("certificates/<certificate_number:number>/verify", api.VerifyView.as_view(), name="api-certificate-verify"),
]
