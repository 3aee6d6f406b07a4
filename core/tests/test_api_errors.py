"""One error shape for the whole JSON API: {"error": {"code", "message", "fields"?}}, messages in Bahasa Indonesia."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

import kotacerdas.urls
from core.api import Conflict

# This module doubles as a URL configuration: the real site plus one API view
# that crashes, with the real site's error handlers.
handler400 = kotacerdas.urls.handler400
handler403 = kotacerdas.urls.handler403
handler404 = kotacerdas.urls.handler404
handler500 = kotacerdas.urls.handler500


class Raising(APIView):
    """Raises whatever the test hands it, as a domain function deep in a view would."""

    permission_classes = [AllowAny]
    authentication_classes = []
    error = None

    def get(self, request):
        raise self.error


def crash(request):
    raise RuntimeError("bug")


def forbidden(request):
    raise PermissionDenied("Hanya admin kota.")


def suspicious(request):
    raise SuspiciousOperation("Permintaan aneh")


urlpatterns = [
    *kotacerdas.urls.urlpatterns,
    path("api/v1/test-crash", crash),
    path("api/v1/test-forbidden", forbidden),
    path("api/v1/test-suspicious", suspicious),
    path("halaman-rusak", crash),
]


@pytest.fixture
def api():
    return APIClient()


def answer_to(error):
    request = APIRequestFactory().get("/api/v1/test")
    response = Raising.as_view(error=error)(request)
    response.render()
    return response


def test_a_field_validation_error_names_the_fields(city, api):
    response = api.post("/api/v1/auth/register", {"nik": "1275014505900002"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"full_name", "phone", "password"}
    assert error["message"] == f"full_name: {error['fields']['full_name'][0]}"


def test_a_domain_validation_error_becomes_400_with_its_message():
    response = answer_to(ValidationError("Kode sudah kedaluwarsa. Minta kode baru.", code="expired"))
    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "invalid",
            "message": "Kode sudah kedaluwarsa. Minta kode baru.",
            "fields": {"non_field_errors": ["Kode sudah kedaluwarsa. Minta kode baru."]},
        }
    }


def test_a_domain_validation_error_per_field_keeps_the_fields():
    response = answer_to(ValidationError({"nik": ["NIK ini sudah terdaftar."]}))
    assert response.data["error"]["fields"] == {"nik": ["NIK ini sudah terdaftar."]}
    assert response.data["error"]["message"] == "nik: NIK ini sudah terdaftar."


def test_django_permission_denied_becomes_403_with_its_message():
    response = answer_to(PermissionDenied("Inspektorat hanya dapat membaca, tidak mengubah."))
    assert response.status_code == 403
    assert response.data == {
        "error": {"code": "permission_denied", "message": "Inspektorat hanya dapat membaca, tidak mengubah."}
    }


def test_django_http404_becomes_404_with_its_message():
    response = answer_to(Http404("Data tidak ditemukan."))
    assert response.status_code == 404
    assert response.data == {"error": {"code": "not_found", "message": "Data tidak ditemukan."}}


def test_a_conflict_is_409():
    response = answer_to(Conflict())
    assert response.status_code == 409
    assert response.data == {
        "error": {"code": "conflict", "message": "Permintaan bertentangan dengan keadaan data saat ini."}
    }


def test_without_a_token_the_api_answers_401(db, api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    error = response.json()["error"]
    assert error["code"] == "not_authenticated" and error["message"]


def test_a_bad_token_answers_401(db, api):
    api.credentials(HTTP_AUTHORIZATION="Token bukan-token")
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_wrong_method_answers_405(db, api):
    response = api.get("/api/v1/auth/token")
    assert response.status_code == 405
    error = response.json()["error"]
    assert error["code"] == "method_not_allowed" and "GET" in error["message"]


def test_malformed_json_answers_400_not_500(db, api):
    response = api.post("/api/v1/auth/token", "{tidak json", content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    # In Bahasa Indonesia, with the parser's own detail for the developer.
    assert error["message"].startswith("Isi permintaan bukan JSON yang valid (Expecting property name")


def test_an_unknown_api_route_answers_404_in_json(db, api):
    response = api.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "Data tidak ditemukan."}}


def test_an_unknown_page_outside_the_api_is_still_html(db, client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls(__name__)
def test_a_crash_in_the_api_answers_500_in_json(db, client):
    client.raise_request_exception = False
    response = client.get("/api/v1/test-crash")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "server_error", "message": "Terjadi kesalahan pada server. Silakan coba lagi nanti."}
    }


@pytest.mark.urls(__name__)
def test_a_crash_outside_the_api_is_an_html_page(db, client):
    client.raise_request_exception = False
    response = client.get("/halaman-rusak")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls(__name__)
def test_permission_denied_in_a_plain_view_under_the_api_is_json(db, client):
    response = client.get("/api/v1/test-forbidden")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "permission_denied", "message": "Hanya admin kota."}}


@pytest.mark.urls(__name__)
def test_a_suspicious_request_under_the_api_is_a_json_400(db, client):
    response = client.get("/api/v1/test-suspicious")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "bad_request", "message": "Data yang dikirim tidak valid."}}
