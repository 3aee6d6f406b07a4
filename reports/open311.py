"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), for existing Open311 apps.

Every method of the specification, each with a `.xml` and a `.json` suffix:
discovery, services, services/{service_code}, POST and GET requests,
requests/{service_request_id} and tokens/{token}. Errors are the
specification's error document with HTTP 400 (bad input), 403 (missing or
wrong api_key) or 404 (no such service, request, token or jurisdiction).

`jurisdiction_id` is optional (this endpoint serves one city); when given it
must be the city's slug or the host of the site's address (KC_SITE_URL, with
or without "www."), otherwise 404. Posting needs an `api_key` the city admin
issued to a registered client application (reports.open311_clients).

Plain Django views, so the documents are exactly the specification's; they
only translate: the rules are reports.actions' and the reading is
reports.queries'.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import re_path, reverse
from django.views.decorators.csrf import csrf_exempt

from cities.models import current_city
from reports.models import parse_number
from reports.open311_clients import client_for_key
from reports.open311_format import FORMATS, JSON, SPECIFICATION, XML, Open311Error, render, render_errors
from reports.open311_requests import (
    find_requests,
    param,
    report_by_token,
    reports_by_number,
    request_entry,
    submission_receipt,
    submit_request,
)
from reports.open311_services import active_services, service_definition, service_entry

app_name = "open311"

# When this endpoint's documents last changed shape (discovery "changeset").
CHANGESET = "2026-11-28T00:00:00Z"
READ = ("GET", "HEAD")


def endpoint(*methods):
    """An Open311 method: the format suffix checked, the jurisdiction checked, bad input answered per the spec."""

    def decorate(view):
        @csrf_exempt  # posting is authenticated by the api_key, not by a browser session
        @wraps(view)
        def wrapper(request, fmt, **kwargs):
            if fmt not in FORMATS:
                return render_errors(XML, 400, [f"Format '.{fmt}' tidak didukung; gunakan .xml atau .json."])
            try:
                if request.method not in methods:
                    raise Open311Error(400, f"Metode {request.method} tidak didukung di alamat ini.")
                params = _params(request)
                _check_no_nul(params, kwargs)
                city = current_city()
                _check_jurisdiction(city, param(params, "jurisdiction_id"))
                return view(request, city, fmt, params, **kwargs)
            except Open311Error as exc:
                return render_errors(fmt, exc.status, exc.descriptions)

        return wrapper

    return decorate


def _params(request):
    """Form fields of a POST, and the query string (some clients put api_key there); the form wins."""
    params = request.GET.copy()
    if request.method == "POST":
        params.update(request.POST)
    return params


def _check_no_nul(params, path_parts):
    """PostgreSQL text cannot hold NUL; Django's form fields refuse it, and so do we."""
    named = [*((name, value) for name in params for value in params.getlist(name)), *path_parts.items()]
    for name, value in named:
        if "\x00" in name or "\x00" in value:
            raise Open311Error(400, f"{name.replace(chr(0), '')}: berisi karakter NUL yang tidak diizinkan.")


def jurisdictions(city):
    host = (urlsplit(settings.SITE_URL).hostname or "").removeprefix("www.")
    return {name for name in (city.slug, host) if name}


def _check_jurisdiction(city, jurisdiction_id):
    if jurisdiction_id is not None and jurisdiction_id.lower().removeprefix("www.") not in jurisdictions(city):
        accepted = " atau ".join(sorted(jurisdictions(city)))
        raise Open311Error(404, f"jurisdiction_id: '{jurisdiction_id}' tidak dikenal; gunakan {accepted}.")


@endpoint(*READ)
def discovery(request, city, fmt, params):
    coordinator = city.opd_with_function("kominfo")
    manager = coordinator.name if coordinator else city.name
    reach = ", ".join(part for part in (coordinator.email, coordinator.phone) if part) if coordinator else ""
    document = {
        "changeset": CHANGESET,
        "contact": f"Layanan Open311 {city.name} dikelola oleh {manager}" + (f" ({reach})." if reach else "."),
        "key_service": "Kunci API (api_key) diterbitkan oleh admin kota untuk aplikasi klien yang terdaftar; "
        f"ajukan kepada {manager}.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": [FORMATS[XML].split(";")[0], FORMATS[JSON].split(";")[0]],
            }
        ],
    }
    return render(document, fmt, "discovery")


@endpoint(*READ)
def services(request, city, fmt, params):
    return render([service_entry(category) for category in active_services(city)], fmt, "services")


@endpoint(*READ)
def service_definition_view(request, city, fmt, params, code):
    category = active_services(city).filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code: layanan '{code}' tidak ditemukan; lihat services.xml.")
    return render(service_definition(category, city), fmt, "service_definition")


@endpoint("GET", "HEAD", "POST")
def requests_view(request, city, fmt, params):
    if request.method == "POST":
        return _create_request(request, city, fmt, params)
    entries = [request_entry(report, city, request) for report in find_requests(city, params)]
    return render(entries, fmt, "service_requests")


def _create_request(request, city, fmt, params):
    api_key = param(params, "api_key")
    client = client_for_key(city, api_key)
    if client is None:
        problem = "tidak berlaku" if api_key else "tidak dikirim"
        raise Open311Error(403, f"api_key {problem}; mintalah kunci API kepada admin kota untuk aplikasi Anda.")
    code = param(params, "service_code")
    if code is None:
        raise Open311Error(400, "service_code: wajib diisi; lihat services.xml.")
    category = active_services(city).filter(code=code).first()
    if category is None:
        raise Open311Error(400, f"service_code: layanan '{code}' tidak dikenal; lihat services.xml.")
    report = submit_request(city, category, client, params, request.FILES)
    # 200, not 201: the specification shows none, and some clients accept only 200.
    return render(submission_receipt(report), fmt, "service_requests")


@endpoint(*READ)
def request_detail(request, city, fmt, params, number):
    found = reports_by_number(city, [number]) if parse_number(number) else []
    if not found:
        raise Open311Error(404, f"service_request_id: laporan '{number}' tidak ditemukan.")
    return render([request_entry(found[0], city, request)], fmt, "service_requests")


@endpoint(*READ)
def token_view(request, city, fmt, params, token):
    report = report_by_token(city, token)
    if report is None:
        raise Open311Error(404, f"token: '{token}' tidak ditemukan.")
    return render([{"service_request_id": report.number, "token": token}], fmt, "service_requests")


def unknown_path(request, path):
    fmt = JSON if path.endswith(".json") else XML
    return render_errors(fmt, 404, [f"Alamat '{request.path}' tidak ada; lihat discovery.xml untuk metode Open311."])


FORMAT = r"\.(?P<fmt>\w+)$"

urlpatterns = [
    re_path(r"^$", discovery, {"fmt": XML}, name="root"),
    re_path(r"^discovery" + FORMAT, discovery, name="discovery"),
    re_path(r"^services" + FORMAT, services, name="services"),
    re_path(r"^services/(?P<code>[^/]+)" + FORMAT, service_definition_view, name="service_definition"),
    re_path(r"^requests" + FORMAT, requests_view, name="requests"),
    re_path(r"^requests/(?P<number>[^/]+)" + FORMAT, request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + FORMAT, token_view, name="token"),
    re_path(r"^(?P<path>.*)$", unknown_path),
]
