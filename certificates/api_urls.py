"""Certificate routes under /api/v1/ (the number may hold slashes, so `verify` ends the path)."""

from django.urls import path

from certificates import api

urlpatterns = [
    path("certificates/<path:number>/verify", api.VerifyView.as_view(), name="api-certificate-verify"),
]
