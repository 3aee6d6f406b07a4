"""The NIK is personal data (UU 27/2022): masked for everyone but its owner, never in logs or URLs."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.logging import RedactNikFilter
from accounts.serializers import UserSerializer
from conftest import SITI_NIK

NIP = "198503152010011001"


@pytest.fixture
def redacted_log():
    """A logger writing through the NIK filter into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactNikFilter())
    logger = logging.getLogger("kotacerdas.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_a_nik_in_a_log_message_is_masked(redacted_log):
    logger, stream = redacted_log
    logger.warning("Pendaftaran NIK %s ditolak", SITI_NIK)
    logger.warning(f"NIK {SITI_NIK}, NIP {NIP}, HP +6281234567801")
    written = stream.getvalue()
    assert SITI_NIK not in written
    assert "Pendaftaran NIK 1275********0002 ditolak" in written
    # An 18-digit NIP and a phone number are not NIKs and stay readable.
    assert f"NIK 1275********0002, NIP {NIP}, HP +6281234567801" in written


def test_a_nik_in_a_logged_traceback_is_masked(redacted_log):
    logger, stream = redacted_log
    try:
        raise ValueError(f"duplicate key value violates unique constraint: Key (login_id)=({SITI_NIK}) already exists.")
    except ValueError:
        logger.exception("Gagal mendaftar")
    written = stream.getvalue()
    assert "Traceback" in written and "(login_id)=(1275********0002)" in written
    assert SITI_NIK not in written


def test_every_configured_handler_passes_through_the_nik_filter():
    assert settings.LOGGING["filters"]["redact_nik"] == {"()": "accounts.logging.RedactNikFilter"}
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_nik" in handler.get("filters", []), name
    # ... and the live loggers Django writes to (including runserver's request lines) really have it.
    for name in ["", "django", "django.request", "django.server"]:
        logger = logging.getLogger(name)
        while not logger.handlers and logger.propagate and logger.parent:
            logger = logger.parent
        # pytest hangs its own capturing handlers on the root logger; those are not deployed.
        deployed = [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        assert deployed, name
        for handler in deployed:
            assert any(isinstance(f, RedactNikFilter) for f in handler.filters), (name, handler)


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def test_no_api_route_carries_a_nik():
    api_routes = [(route, pattern) for route, pattern in _routes(get_resolver()) if route.startswith("api/")]
    assert any(route == "api/v1/auth/register" for route, _ in api_routes)
    for route, pattern in api_routes:
        assert "nik" not in route.lower() and "login" not in route.lower(), route
        for name, converter in pattern.pattern.converters.items():
            # An id or a slug, or a parameter whose shape cannot hold a NIK (e.g. a report's tracking number).
            assert name in {"pk", "slug", "format"} or not re.fullmatch(converter.regex, SITI_NIK), route


@pytest.mark.parametrize("route", ["auth/register", "auth/verify", "auth/resend-code", "auth/token"])
def test_the_endpoints_taking_a_nik_accept_it_only_in_a_post_body(city, api, route):
    response = api.get(f"/api/v1/{route}", {"nik": SITI_NIK, "login_id": SITI_NIK})
    assert response.status_code == 405


def test_others_see_a_citizen_with_her_nik_masked(siti):
    data = UserSerializer(siti).data
    assert data["nik"] == "1275********0002"
    assert SITI_NIK not in str(data)


def test_an_officer_has_no_nik_to_show(budi):
    assert budi.masked_nik == ""
    assert budi.label == "Budi Santoso (Dinas PUPR)"
