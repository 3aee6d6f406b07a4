"""The API speaks Bahasa Indonesia: the project's catalog (locale/id) translates every message DRF
(and drf-spectacular, in the schema) would otherwise send in English."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import rest_framework
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

CATALOG = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"
DRF_EN_CATALOG = Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"

# Messages in DRF's code that its catalog does not list yet, and drf-spectacular's schema texts.
NOT_IN_DRF_CATALOG = [
    "A valid biginteger is required.",
    "Integer value too large to convert to float",
    "The number of days must be between {min_days} and {max_days}.",
    "No response body",
    "Unspecified response body",
    'Token-based authentication with required prefix "%s"',
]
# The same word in both languages.
IDENTICAL = {"Token"}

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[sd]")


def read_mo(path):
    with open(path, "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def english_messages():
    """(singular, plural or None) for every message: DRF's catalog keys plural entries (msgid, n)."""
    catalog = read_mo(DRF_EN_CATALOG)
    messages = [(key, None) for key in catalog if isinstance(key, str) and key]
    plurals = {key[0] for key in catalog if isinstance(key, tuple)}
    messages += [(msgid, catalog.get((msgid, 1)) or msgid) for msgid in plurals]
    return messages + [(msgid, None) for msgid in NOT_IN_DRF_CATALOG]


def indonesian(msgid, plural, n):
    with translation.override("id"):
        return translation.gettext(msgid) if plural is None else translation.ngettext(msgid, plural, n)


def test_every_drf_message_has_an_indonesian_translation():
    messages = english_messages()
    assert len(messages) > 120  # DRF's whole catalog, not an empty read
    untranslated = [
        msgid
        for msgid, plural in messages
        for n in ((1,) if plural is None else (1, 5))
        if msgid not in IDENTICAL and indonesian(msgid, plural, n) in (msgid, plural)
    ]
    assert untranslated == []


def test_translations_keep_the_placeholders():
    for msgid, plural in english_messages():
        for n in (1,) if plural is None else (1, 5):
            english = msgid if n == 1 or plural is None else plural
            assert sorted(PLACEHOLDER.findall(indonesian(msgid, plural, n))) == sorted(PLACEHOLDER.findall(english))


def test_project_translations_come_first_and_keep_the_wording_pages_already_use():
    with translation.override("id"):
        assert translation.gettext("User inactive or deleted.") == "Pengguna tidak aktif atau telah dihapus."
        assert translation.gettext("This field is required.") == "Bidang ini harus diisi."


def test_the_committed_mo_is_the_compiled_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed to check locale/id (apt-get install gettext)"
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", compiled, CATALOG / "django.po"], check=True, capture_output=True)
    assert read_mo(CATALOG / "django.mo") == read_mo(compiled), (
        "locale/id/LC_MESSAGES/django.mo is stale: run manage.py compilemessages -l id "
        "--ignore=.venv --ignore=node_modules and commit the .mo"
    )


@pytest.fixture
def api():
    return APIClient()


def test_a_bad_token_is_refused_in_indonesian(db, api):
    api.credentials(HTTP_AUTHORIZATION="Token bukan-token")
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "authentication_failed", "message": "Token tidak valid."}}


def test_a_token_header_with_spaces_is_refused_in_indonesian(db, api):
    api.credentials(HTTP_AUTHORIZATION="Token dua kata")
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Header token tidak valid. Token tidak boleh mengandung spasi."


def test_a_wrong_method_is_refused_in_indonesian(db, api):
    response = api.get("/api/v1/auth/token")
    assert response.status_code == 405
    assert response.json() == {"error": {"code": "method_not_allowed", "message": 'Metode "GET" tidak diizinkan.'}}


def test_a_body_that_is_not_an_object_is_refused_in_indonesian(city, api):
    response = api.post("/api/v1/auth/register", [], format="json")
    assert response.status_code == 400
    message = "Data tidak valid. Seharusnya berupa objek, tetapi yang diterima list."
    assert response.json()["error"]["message"] == message


def test_a_too_long_field_is_refused_in_indonesian(city, api):
    response = api.post(
        "/api/v1/auth/register",
        {"nik": "1275014505900002", "full_name": "A" * 151, "phone": "081234567890", "password": "Kata-sandi-2026"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["full_name"] == ["Isi bidang ini tidak boleh melebihi 150 karakter."]
