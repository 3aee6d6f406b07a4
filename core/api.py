"""One error shape for the whole JSON API.

Every error answers {"error": {"code": ..., "message": ..., "fields": {...}}}
with a human-readable message in Bahasa Indonesia, whatever raised it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    status.HTTP_400_BAD_REQUEST: "Data yang dikirim tidak valid.",
    status.HTTP_401_UNAUTHORIZED: "Anda harus masuk terlebih dahulu.",
    status.HTTP_403_FORBIDDEN: "Anda tidak berwenang melakukan tindakan ini.",
    status.HTTP_404_NOT_FOUND: "Data tidak ditemukan.",
    status.HTTP_405_METHOD_NOT_ALLOWED: "Metode tidak diizinkan.",
    status.HTTP_409_CONFLICT: "Permintaan bertentangan dengan keadaan data saat ini.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Terlalu banyak permintaan, coba lagi nanti.",
    status.HTTP_500_INTERNAL_SERVER_ERROR: "Terjadi kesalahan pada server. Silakan coba lagi nanti.",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = MESSAGES[status.HTTP_409_CONFLICT]
    default_code = "conflict"


def error_body(code, message, fields=None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return body


def _django_validation_to_drf(exc):
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or MESSAGES[404])
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or MESSAGES[403])
    elif isinstance(exc, exceptions.ParseError):
        exc = _readable_parse_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        non_field = fields.get("non_field_errors")
        message = str(non_field[0]) if non_field else _first_field_message(fields) or MESSAGES[400]
        response.data = error_body("invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict) and "detail" in detail:
            code = getattr(detail["detail"], "code", code)
            message = str(detail["detail"])
        else:
            message = MESSAGES.get(response.status_code, str(detail))
        response.data = error_body(code, message)
    return response


def _readable_parse_error(exc):
    """DRF words a body it cannot parse in English ("JSON parse error - …"), outside its translations: say it
    in Bahasa Indonesia and keep the parser's own detail, which tells a developer where the body broke."""
    detail = str(exc.detail)
    for english, indonesian in PARSE_ERRORS.items():
        if detail.startswith(english):
            technical = detail.removeprefix(english).strip(" -")
            return exceptions.ParseError(f"{indonesian} ({technical})" if technical else indonesian)
    return exc


PARSE_ERRORS = {
    "JSON parse error": "Isi permintaan bukan JSON yang valid",
    "Multipart form parse error": "Isi permintaan multipart tidak dapat dibaca",
}


def _first_field_message(fields):
    for name, errors in fields.items():
        if isinstance(errors, list) and errors:
            return f"{name}: {errors[0]}"
    return None


def not_found_response():
    return Response(error_body("not_found", MESSAGES[404]), status=404)


# --- what the domain apps' API views share ---------------------------------------------------


# The base of a domain app's API views: the moves its actions refuse (the exception classes in
# `illegal_moves`, e.g. the app's IllegalMove) answer 409 Conflict with their message.
# (A comment, not a docstring: drf-spectacular would show a docstring as every operation's description.)
class ActionView(APIView):
    illegal_moves = ()

    def handle_exception(self, exc):
        if isinstance(exc, self.illegal_moves):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


ERROR_DESCRIPTIONS = {
    400: "Data tidak valid: pesan per isian",
    401: "Belum masuk",
    403: "Tidak berwenang",
    404: "Tidak ditemukan atau tidak boleh dilihat",
}


def error_responses(codes, *, conflict):
    """The schema's error answers for these status codes; `conflict` says what a 409 means in the app."""
    descriptions = {**ERROR_DESCRIPTIONS, 409: conflict}
    return {code: OpenApiResponse(description=f"{descriptions[code]} (bentuk galat standar)") for code in codes}


def validated_query(serializer_class, request):
    """The request's query parameters checked by the serializer (400 with the fields otherwise)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def validated_input(serializer_class, request, **context):
    """The request's body checked by the serializer (400 with the fields otherwise)."""
    data = serializer_class(data=request.data, context=context)
    data.is_valid(raise_exception=True)
    return data.validated_data


def next_page_url(request, cursor):
    """This request's URL for the page after `cursor` (core.pagination), or None on the last page."""
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def page_schema(name, item_serializer):
    """The schema of a keyset page: {"results": [...], "next": URL or null}."""
    return inline_serializer(
        name=name,
        fields={
            "results": item_serializer(many=True),
            "next": serializers.URLField(allow_null=True, help_text="Halaman berikutnya; null di halaman terakhir"),
        },
    )


# Django's own error pages (handler400/403/404/500 in kotacerdas/urls.py): a
# URL that matches no route, or a crash outside DRF's handling, still answers
# the API's JSON shape under /api/ and the site's HTML page elsewhere.


def _is_api(request):
    return request.path_info.startswith("/api/")


def _json_error(code, status_code):
    return JsonResponse(error_body(code, MESSAGES[status_code]), status=status_code)


def bad_request(request, exception):
    if _is_api(request):
        return _json_error("bad_request", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", str(exception) or MESSAGES[403]), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _json_error("not_found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json_error("server_error", 500)
    return defaults.server_error(request)


# --- what the domain apps' serializers share ---------------------------------------------------
# (Comments, not docstrings: drf-spectacular would show a docstring as the description of every serializer
# built on these.)

# DRF's Indonesian catalogue lacks these messages; the API answers in Bahasa Indonesia all the same.
NOT_AN_OBJECT = "Data harus berupa objek JSON atau isian formulir."
NOT_A_NUMBER = "Harus berupa angka."


# The base of an input serializer: a body that is not an object is refused in Bahasa Indonesia. Input
# serializers check types only; the rules are the app's actions'.
class Input(serializers.Serializer):
    default_error_messages = {"invalid": NOT_AN_OBJECT}


def text_field(**options):
    """Optional text, kept as typed: the action trims and checks it, in its own words."""
    return serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False, **options)


def id_field(**options):
    return serializers.IntegerField(error_messages={"invalid": NOT_A_NUMBER}, **options)


def absolute_url(context, path):
    """The path as an absolute URL of the serializer's request (the path itself without a request)."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


# One entry of a case's public timeline (audit.events.public_timeline).
class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()
    reason = serializers.CharField()
