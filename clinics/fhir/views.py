"""The FHIR R4 RESTful interactions of e-Dokter: capabilities, read, search and create (Appointment).

Plain Django views so the documents are exactly FHIR's (`application/fhir+json`, OperationOutcome for every
error); the caller is the site's DRF authentication (Token, or the browser session with its CSRF check on
POST). The rows and the search parameters are clinics.fhir.queries', the mapping clinics.fhir.resources',
the rules clinics.actions'.
"""

import json
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from cities.models import current_city
from clinics.actions import IllegalMove, do_book
from clinics.fhir import patients, resources
from clinics.fhir.queries import RESOURCE_TYPES
from clinics.fhir.resources import CONTENT_TYPE, FhirError
from clinics.fhir.search import FORMAT_PARAMS, check_names, paging
from clinics.models import Session

# When the CapabilityStatement last changed.
PUBLISHED = "2026-11-28"
READ = ("GET", "HEAD")
JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
JSON_FORMATS = ("json", *JSON_TYPES)
XML_FORMATS = ("xml", "text/xml", "application/xml", "application/fhir+xml", "application/xml+fhir")


def fhir_endpoint(view):
    """Checks the format, authenticates, and answers every error as an OperationOutcome."""

    @csrf_exempt  # token clients send no CSRF token; a session's POST is checked by DRF's SessionAuthentication
    @wraps(view)
    def wrapper(request, **kwargs):
        try:
            _check_format(request)
            return view(request, _caller(request), **kwargs)
        except FhirError as exc:
            return _outcome(exc.status, [(exc.code, exc.diagnostics, exc.expression)])
        except Http404:
            return _outcome(404, [("not-found", "Data tidak ditemukan.", None)])
        except PermissionDenied as exc:
            return _outcome(403, [("forbidden", str(exc) or "Anda tidak berwenang melakukan tindakan ini.", None)])

    return wrapper


def _check_format(request):
    wanted = request.GET.get("_format", "").strip().lower()
    if wanted in XML_FORMATS or (not wanted and not any(request.accepts(kind) for kind in JSON_TYPES)):
        raise FhirError(406, "not-supported", "Server ini hanya melayani FHIR JSON (application/fhir+json).")
    if wanted and wanted.split(";")[0].strip() not in JSON_FORMATS:
        raise FhirError(400, "invalid", f"_format '{wanted}' tidak dikenal; gunakan json.")


def _caller(request):
    """The user of the Authorization token or of the session (AnonymousUser when neither)."""
    drf_request = Request(request, authenticators=[auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    try:
        return drf_request.user
    except (exceptions.AuthenticationFailed, exceptions.NotAuthenticated) as exc:
        raise FhirError(401, "login", str(exc.detail)) from None
    except exceptions.PermissionDenied as exc:  # a session's POST without its CSRF token
        raise FhirError(403, "forbidden", str(exc.detail)) from None


def _respond(request, body, status=200, headers=None):
    pretty = request.GET.get("_pretty", "").lower() == "true"
    return JsonResponse(
        body,
        status=status,
        content_type=CONTENT_TYPE,
        headers=headers,
        json_dumps_params={"ensure_ascii": False, "indent": 2 if pretty else None},
    )


def _outcome(status, issues):
    headers = {"WWW-Authenticate": 'Token realm="fhir"'} if status == 401 else None
    return JsonResponse(
        resources.operation_outcome(issues),
        status=status,
        content_type=CONTENT_TYPE,
        headers=headers,
        json_dumps_params={"ensure_ascii": False},
    )


def _base(request):
    return request.build_absolute_uri(reverse("fhir:root"))


def _method_not_allowed(request, allowed):
    raise FhirError(
        405, "not-supported", f"Metode {request.method} tidak didukung di sini; gunakan {', '.join(allowed)}."
    )


def _resource_type(kind):
    rtype = RESOURCE_TYPES.get(kind)
    if rtype is None:
        raise FhirError(
            404, "not-supported", f"Jenis resource '{kind}' tidak didukung; lihat {reverse('fhir:metadata')}."
        )
    return rtype


@fhir_endpoint
def metadata(request, user):
    if request.method not in READ:
        _method_not_allowed(request, READ)
    check_names(request.GET, "metadata", ())
    listed = [
        (
            rtype.name,
            rtype.interactions,
            [(name, param.type, param.documentation) for name, param in rtype.params.items()]
            + [
                ("_count", "number", "Jumlah entri per halaman (1–100, bawaan 20)."),
                ("_offset", "number", "Lewati sejumlah entri (halaman berikutnya: lihat Bundle.link next)."),
            ],
        )
        for rtype in RESOURCE_TYPES.values()
    ]
    return _respond(request, resources.capability_statement(_base(request), listed, current_city().name, PUBLISHED))


@fhir_endpoint
def type_endpoint(request, user, kind):
    rtype = _resource_type(kind)
    if request.method in READ:
        return _search(request, user, rtype)
    if request.method == "POST" and "create" in rtype.interactions:
        return _create(request, user)
    _method_not_allowed(request, ("GET", "POST") if "create" in rtype.interactions else ("GET",))


@fhir_endpoint
def instance_endpoint(request, user, kind, ident):
    rtype = _resource_type(kind)
    if request.method not in READ:
        _method_not_allowed(request, ("GET",))
    check_names(request.GET, kind, ())
    found = rtype.get(ident, user)
    if found is None:
        raise FhirError(404, "not-found", f"{kind}/{ident} tidak ditemukan.")
    return _respond(request, rtype.render([found], timezone.now())[0])


@fhir_endpoint
def unknown(request, user, rest):
    raise FhirError(404, "not-found", f"Alamat FHIR '{rest}' tidak dikenal; lihat {reverse('fhir:metadata')}.")


def _search(request, user, rtype):
    query = request.GET
    check_names(query, rtype.name, rtype.params)
    count, offset = paging(query)
    now = timezone.now()
    total, page = rtype.search(query, user, now, count, offset)
    base = _base(request)
    links = [("self", _page_url(request, count, offset))]
    if offset + count < total:
        links.append(("next", _page_url(request, count, offset + count)))
    if offset:
        links.append(("previous", _page_url(request, count, max(offset - count, 0))))
    return _respond(request, resources.searchset(rtype.render(page, now), base=base, total=total, links=links))


def _page_url(request, count, offset):
    query = request.GET.copy()
    for name in ("_count", "_offset", *FORMAT_PARAMS):
        query.pop(name, None)
    query["_count"] = str(count)
    if offset:
        query["_offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _create(request, user):
    content_type = request.content_type.lower()
    if content_type not in JSON_TYPES:
        raise FhirError(415, "not-supported", "Kirim resource sebagai application/fhir+json.")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise FhirError(400, "structure", "Isi permintaan bukan JSON yang valid.") from None
    wanted = resources.booking_request(body)
    if not user.is_authenticated:
        raise FhirError(401, "login", "Masuk atau kirim token (Authorization: Token <kunci>) untuk mendaftar.")
    session = (
        Session.objects.filter(clinic__facility__city=current_city(), pk=_number(wanted["slot"]))
        .select_related("clinic__facility__city", "practitioner")
        .first()
    )
    if session is None:
        raise FhirError(400, "invalid", f"Slot/{wanted['slot']} tidak ditemukan.", "Appointment.slot")
    member = patients.family_member_to_book_for(user, wanted["patient"])
    try:
        booking = do_book(
            user,
            session,
            payment_type=wanted["payment_type"],
            family_member=member,
            bpjs_number=wanted["bpjs_number"],
            referral_number=wanted["referral_number"],
        )
    except ValidationError as exc:
        return _booking_refused(exc)
    except IllegalMove as exc:
        raise FhirError(409, "conflict", str(exc)) from None
    rtype = RESOURCE_TYPES["Appointment"]
    resource = rtype.render([rtype.rows(user).get(pk=booking.pk)], timezone.now())[0]
    location = f"{_base(request)}Appointment/{booking.pk}"
    return _respond(request, resource, status=201, headers={"Location": location})


def _number(ident):
    return int(ident) if ident.isdigit() and len(ident) <= 18 else 0


def _booking_refused(exc):
    """do_book's refusal: the session's state (full, past, started, a duplicate booking) → 409, bad details → 400."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"session": exc.messages}
    issues = [
        ("business-rule" if field == "session" else "invalid", message, resources.BOOKING_FIELDS.get(field))
        for field, messages in fields.items()
        for message in messages
    ]
    return _outcome(409 if "session" in fields else 400, issues)
