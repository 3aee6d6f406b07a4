"""Public verification pages, under /verifikasi/ (fixed names before `<number>`, which may hold slashes)."""

from django.urls import path, register_converter

from certificates import views
from certificates.converters import CertificateNumberConverter

app_name = "certificates"

register_converter(CertificateNumberConverter, "certificate_number")

urlpatterns = [
    path("", views.verification_form, name="form"),
    path("kunci-publik.pem", views.public_key, name="public_key"),
    path("<certificate_number:number>", views.verify_page, name="verify"),
]
