"""Issuing, verifying and revoking certificates through certificates.actions."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.events import history
from certificates import actions
from certificates.dates import city_today
from certificates.keys import key_id, new_private_key
from certificates.models import Certificate
from certificates.tests.conftest import NUMBER, issue

# --- issuing -----------------------------------------------------------------------------------------


def test_an_issued_certificate_verifies_as_genuine_and_valid(certificate, city, settings):
    result = actions.verify(NUMBER)

    assert result.status == "valid"
    assert result.label == "Asli dan berlaku"
    assert result.certificate == certificate
    assert "asli dan berlaku sampai" in result.message
    assert certificate.key_id == key_id(settings.CERTIFICATE_KEY)
    assert certificate.case == city
    assert certificate.content_type == ContentType.objects.get_for_model(city)


def test_issuing_stores_what_the_paper_says_and_who_signed_it(certificate, rina):
    stored = Certificate.objects.get(number=NUMBER)

    assert stored.fields[-1] == ["Modal usaha", "150000000"]  # numbers become text, as printed
    assert stored.signer == rina and stored.signer_name == "Rina Wati Harahap"
    assert stored.signer_title == "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Binjai"
    assert stored.signed_at.microsecond == 0
    assert len(stored.verification_code) == 16 and stored.verification_code.isalnum()
    assert stored.revoked_at is None


def test_issuing_is_audited_with_the_actor(certificate, rina):
    event = history(certificate).get()

    assert event.action == "certificate.issued"
    assert event.actor == rina
    assert event.after["number"] == NUMBER and event.after["case"] == "cities.city:" + str(certificate.object_id)
    assert event.public


def test_the_system_may_issue_for_a_signer(city, rina):
    certificate = issue(city, rina, actor=None)

    assert actions.verify(certificate.number).status == "valid"
    assert history(certificate).get().actor_label == "Sistem"


@pytest.mark.django_db(transaction=True)
def test_issuing_outside_the_case_s_transaction_is_refused(city, rina):
    with pytest.raises(RuntimeError, match="must run inside the transaction"):
        actions.do_issue_certificate(
            case=city,
            number=NUMBER,
            title="Surat Izin Usaha Perdagangan",
            holder_name="Siti Aminah",
            holder_detail="",
            fields=[],
            issuer_name="DPMPTSP",
            signer=rina,
            valid_from=city_today(),
            valid_until=None,
            actor=rina,
        )
    assert not Certificate.objects.exists()


def test_a_citizen_cannot_issue_a_certificate(city, rina, siti):
    with pytest.raises(PermissionDenied):
        issue(city, rina, actor=siti)
    assert not Certificate.objects.exists()


def test_a_number_is_stored_in_upper_case_and_found_however_it_is_typed(city, rina):
    issue(city, rina, number="  dpmptsp/siup/2026/000777 ")

    assert Certificate.objects.get().number == "DPMPTSP/SIUP/2026/000777"
    assert actions.verify("dpmptsp/siup/2026/000777").status == "valid"
    assert actions.verify(" DPMPTSP/SIUP/2026/000777\n").status == "valid"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"number": ""}, "number", "Nomor sertifikat harus"),
        ({"number": "SIUP 2026 001"}, "number", "Nomor sertifikat harus"),
        ({"number": "X" * 101}, "number", "Nomor sertifikat harus"),
        ({"title": "  "}, "title", "Judul sertifikat wajib diisi."),
        ({"holder_name": ""}, "holder_name", "Nama pemegang wajib diisi."),
        ({"holder_name": "A" * 201}, "holder_name", "paling panjang 200"),
        ({"issuer_name": None}, "issuer_name", "Nama OPD penerbit wajib diisi."),
        ({"fields": "Nama: CV Sinar Jaya"}, "fields", "daftar pasangan"),
        ({"fields": [["Nama perusahaan"]]}, "fields", "Isian ke-1 harus berupa pasangan"),
        ({"fields": [["", "CV Sinar Jaya"]]}, "fields", "Label isian ke-1 wajib diisi"),
        ({"fields": [["Pemilik", {"nama": "Siti"}]]}, "fields", "harus berupa teks, angka atau tanggal"),
        ({"valid_from": None}, "valid_from", "Tanggal mulai berlaku wajib diisi"),
        ({"valid_from": timezone.now()}, "valid_from", "Tanggal mulai berlaku wajib diisi"),
        ({"valid_until": "2027-01-01"}, "valid_until", "harus berupa tanggal"),
    ],
)
def test_bad_content_is_refused_with_a_message_per_field(city, rina, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        issue(city, rina, **overrides)

    assert message in " ".join(caught.value.message_dict[field])
    assert not Certificate.objects.exists()


def test_validity_must_end_after_it_starts_and_not_in_the_past(city, rina):
    today = city_today()
    with pytest.raises(ValidationError, match="tidak boleh sebelum tanggal mulai"):
        issue(city, rina, valid_from=today, valid_until=today - timedelta(days=1))
    with pytest.raises(ValidationError, match="Masa berlaku sudah lewat"):
        issue(city, rina, valid_from=today - timedelta(days=30), valid_until=today - timedelta(days=1))


def test_the_signer_must_be_an_active_officer(city, rina, siti):
    with pytest.raises(ValidationError) as caught:
        issue(city, siti, actor=rina)
    assert caught.value.message_dict["signer"] == ["Penanda tangan harus petugas yang aktif."]


def test_a_number_already_used_is_refused_and_the_caller_s_transaction_goes_on(city, rina):
    with transaction.atomic():
        first = actions.do_issue_certificate(
            case=city,
            number=NUMBER,
            title="Surat Izin Usaha Perdagangan",
            holder_name="Siti Aminah",
            holder_detail="",
            fields=[],
            issuer_name="DPMPTSP",
            signer=rina,
            valid_from=city_today(),
            valid_until=None,
            actor=rina,
        )
        with pytest.raises(ValidationError, match="sudah dipakai"):
            issue(city, rina, number=NUMBER.lower())
        # The caller's transaction is still usable after the refusal.
        assert Certificate.objects.filter(pk=first.pk).exists()
    assert Certificate.objects.count() == 1


def test_a_failed_case_transaction_leaves_no_certificate_and_no_audit_event(city, rina):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        certificate = actions.do_issue_certificate(
            case=city,
            number=NUMBER,
            title="Surat Izin Usaha Perdagangan",
            holder_name="Siti Aminah",
            holder_detail="",
            fields=[],
            issuer_name="DPMPTSP",
            signer=rina,
            valid_from=city_today(),
            valid_until=None,
            actor=rina,
        )
        1 / 0  # noqa: B018 — the caller's own step fails after issuing
    assert not Certificate.objects.exists()
    assert not history(certificate).exists()


# --- verifying ---------------------------------------------------------------------------------------


def test_the_code_from_the_qr_code_proves_the_paper(certificate):
    result = actions.verify(NUMBER, certificate.verification_code)
    assert result.status == "valid"
    assert "Kode verifikasi dari kode QR cocok." in result.message
    assert "cocok." not in actions.verify(NUMBER).message
    assert actions.verify(NUMBER, certificate.verification_code.lower()).status == "valid"
    assert actions.verify(NUMBER, "").status == "valid"  # no code given: checked by number only


def test_a_code_that_does_not_match_makes_the_paper_invalid_but_shows_the_genuine_content(certificate):
    result = actions.verify(NUMBER, "AAAAAAAAAAAAAAAA")

    assert result.status == "invalid"
    assert result.label == "Tidak sah"
    assert "Kode verifikasi pada kode QR tidak cocok" in result.message
    assert result.certificate == certificate  # what the genuine certificate says, to compare with the paper


@pytest.mark.parametrize("code", ["x" * 5000, "kode'; DROP TABLE", "ÄÖÜ✓", "\x00"])
def test_junk_codes_are_invalid_never_an_error(certificate, code):
    assert actions.verify(NUMBER, code).status == "invalid"


def test_an_altered_number_is_unknown(certificate):
    result = actions.verify("DPMPTSP/SIUP/2026/000124")

    assert result.status == "unknown"
    assert result.certificate is None
    assert "DPMPTSP/SIUP/2026/000124 tidak terdaftar" in result.message


@pytest.mark.parametrize(
    "number",
    [None, "", "   ", 123, "X" * 10_000, "DPMPTSP/SIUP/2026/٠٠٠١٢٣", "../../etc/passwd", "<script>", "A\nB", "日本"],
)
def test_junk_numbers_are_unknown_never_an_error(certificate, number):
    result = actions.verify(number)

    assert result.status == "unknown"
    assert "tidak dikenal" in result.message or "tidak terdaftar" in result.message


@pytest.mark.parametrize(
    "change",
    [
        {"fields": [["Nama perusahaan", "CV Sinar Jaya Abadi"]]},
        {"holder_name": "Andi Saputra"},
        {"valid_until": None},  # the classic forgery: a permit that never expires
        {"title": "Surat Izin Usaha Industri"},
        {"signer_name": "Hendra Siregar"},
        {"signed_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},
        {"signature": "bukan-base64!"},
        {"signature": "A" * 88},
        {"key_id": "0" * 32},
    ],
)
def test_a_record_changed_in_the_database_without_re_signing_is_invalid(certificate, change):
    Certificate.objects.filter(pk=certificate.pk).update(**change)

    result = actions.verify(NUMBER, certificate.verification_code)

    assert result.status == "invalid"
    assert result.certificate is None  # its content cannot be trusted, so it is not shown
    assert "tidak cocok dengan tanda tangan elektroniknya" in result.message


def test_a_record_with_fields_of_another_shape_is_invalid_not_an_error(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(fields={"Nama": "CV Sinar Jaya"})

    assert actions.verify(NUMBER).status == "invalid"


def test_a_certificate_signed_with_another_key_is_invalid(certificate, settings):
    settings.CERTIFICATE_KEY = new_private_key()

    assert actions.verify(NUMBER).status == "invalid"


def test_after_a_key_change_certificates_of_the_retired_key_still_verify(certificate, settings, city, rina):
    retired = settings.CERTIFICATE_KEY
    settings.CERTIFICATE_KEY = new_private_key()
    settings.CERTIFICATE_RETIRED_KEYS = [retired.public_key()]

    assert actions.verify(NUMBER, certificate.verification_code).status == "valid"
    # Retiring a key does not make a tampered certificate of it genuine.
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Orang Lain")
    assert actions.verify(NUMBER).status == "invalid"


def test_a_certificate_past_its_last_day_is_expired(certificate):
    last_day = certificate.valid_until

    assert actions.verify(NUMBER, today=last_day).status == "valid"
    result = actions.verify(NUMBER, today=last_day + timedelta(days=1))
    assert result.status == "expired"
    assert result.label == "Kedaluwarsa"
    assert f"berakhir pada {actions.indonesian_date(last_day)}" in result.message
    assert result.certificate == certificate


def test_expiry_goes_by_the_city_s_date_not_utc(city, rina, monkeypatch):
    last_day = city_today()
    certificate = issue(city, rina, valid_from=last_day, valid_until=last_day)

    # 16:00 UTC on the last day is 23:00 in Binjai (WIB): still valid.
    monkeypatch.setattr(timezone, "now", lambda: datetime.combine(last_day, time(16, 0), tzinfo=UTC))
    assert actions.verify(certificate.number).status == "valid"
    # 20:00 UTC on the last day is already 03:00 the next day in Binjai: expired, though UTC is still on it.
    monkeypatch.setattr(timezone, "now", lambda: datetime.combine(last_day, time(20, 0), tzinfo=UTC))
    assert actions.verify(certificate.number).status == "expired"


def test_a_certificate_without_expiry_stays_valid(city, rina):
    certificate = issue(city, rina, valid_until=None)

    result = actions.verify(certificate.number, today=city_today() + timedelta(days=3650))
    assert result.status == "valid"
    assert "tanpa batas waktu" in result.message


# --- revoking ----------------------------------------------------------------------------------------


def test_a_revoked_certificate_says_when_and_why(certificate, rina):
    actions.do_revoke_certificate(rina, certificate, "  Usaha tidak lagi beroperasi di alamat tersebut.  ")

    result = actions.verify(NUMBER, certificate.verification_code)
    assert result.status == "revoked"
    assert result.label == "Dicabut"
    assert "Alasan: Usaha tidak lagi beroperasi di alamat tersebut." in result.message
    assert f"dicabut pada {actions.indonesian_date(city_today())}" in result.message
    stored = Certificate.objects.get()
    assert stored.revoked_by == rina and stored.revoked_reason == "Usaha tidak lagi beroperasi di alamat tersebut."
    assert result.certificate == stored


def test_revoking_does_not_break_the_signature_and_wins_over_expiry(certificate, rina):
    actions.do_revoke_certificate(rina, certificate, "Izin dicabut atas permintaan pemegang.")

    assert actions.verify(NUMBER, today=certificate.valid_until + timedelta(days=1)).status == "revoked"


def test_revoking_is_audited_with_the_reason(certificate, yusuf):
    actions.do_revoke_certificate(yusuf, certificate, "Dokumen persyaratan terbukti palsu.")

    event = history(certificate).last()
    assert event.action == "certificate.revoked"
    assert event.actor == yusuf
    assert event.reason == "Dokumen persyaratan terbukti palsu."


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_without_a_reason_is_refused(certificate, rina, reason):
    with pytest.raises(ValidationError) as caught:
        actions.do_revoke_certificate(rina, certificate, reason)

    assert caught.value.message_dict == {"reason": ["Alasan pencabutan wajib diisi."]}
    assert actions.verify(NUMBER).status == "valid"


def test_an_overlong_reason_is_refused(certificate, rina):
    with pytest.raises(ValidationError, match="paling panjang 1000"):
        actions.do_revoke_certificate(rina, certificate, "x" * 1001)


@pytest.mark.parametrize("who", ["siti", "anonymous", "nobody"])
def test_only_an_officer_may_revoke(certificate, siti, who):
    actor = {"siti": siti, "anonymous": AnonymousUser(), "nobody": None}[who]

    with pytest.raises(PermissionDenied, match="Hanya petugas"):
        actions.do_revoke_certificate(actor, certificate, "Saya ingin mencabutnya.")
    assert actions.verify(NUMBER).status == "valid"
    assert history(certificate).count() == 1


def test_a_certificate_is_revoked_only_once(certificate, rina):
    actions.do_revoke_certificate(rina, certificate, "Usaha tutup.")

    with pytest.raises(actions.IllegalMove, match="sudah dicabut"):
        actions.do_revoke_certificate(rina, certificate, "Usaha tutup (lagi).")
    assert Certificate.objects.get().revoked_reason == "Usaha tutup."


def test_revoking_joins_the_caller_s_transaction(certificate, rina):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        actions.do_revoke_certificate(rina, certificate, "Izin dicabut.")
        1 / 0  # noqa: B018 — the caller's own step fails after revoking

    assert Certificate.objects.get().revoked_at is None
    assert history(certificate).count() == 1
