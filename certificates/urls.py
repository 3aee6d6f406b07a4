"""Public verification pages, under /verifikasi/ (fixed names before `<number>`, which may hold slashes)."""

from django.urls import path

import certificates.converters  # noqa: F401 (registers <certificate_number:…>)
from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.verification_form, name="form"),
    path("kunci-publik.pem", views.public_key, name="public_key"),
    path("<certificate_number:number>", views.verify_page, name="verify"),
]
